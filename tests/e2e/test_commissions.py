"""Commissions 提成 in a real browser, in zh-hans (issue 18 §4): the administrator sets a rule,
calculates November, opens how a salesperson's commission was computed, reviews and locks the
month, which then offers no calculation and takes a correction into December; the salesperson
sees their own lines only. Screenshots at 1366 and 390 width in /tmp/shots/."""

import pytest
from playwright.sync_api import expect

from crm.salesadmin.models import CommissionLine, CommissionMonth, CommissionRule, MonthStatus
from crm.salesadmin.services.targets import target_set
from crm.salesadmin.tests.work_data import NOVEMBER, make_work
from crm.testing import make_user, screenshots


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_rule_a_calculated_month_its_explanation_and_the_lock(sales, org, login, page, live_server):
    make_user("admin", role="admin", department=org.head, name="王管理")
    make_work(sales)  # November 2026: the manager received 70,000, the colleague 40,000, 深圳 60,000
    target_set(actor=sales.supervisor, month=NOVEMBER, user=sales.manager, data={"received": "100000"})

    login("admin")
    page.get_by_role("link", name="提成", exact=True).first.click()
    page.get_by_test_id("commission-rules").click()
    page.get_by_test_id("rule-new").click()
    page.get_by_label("名称").fill("回款提成")
    page.get_by_label("计提基数").select_option(label="回款金额")
    page.get_by_label("第 1 档：完成率起点（%）").fill("0")
    page.get_by_label("第 1 档：提成比例（%）").fill("2")
    page.get_by_label("第 2 档：完成率起点（%）").fill("0")  # not above the first: refused
    page.get_by_label("第 2 档：提成比例（%）").fill("3")
    page.get_by_test_id("dialog-save").click()
    expect(page.get_by_test_id("dialog-form")).to_contain_text("每一档的起点须高于上一档")
    page.get_by_label("第 2 档：完成率起点（%）").fill("80")
    page.get_by_label("第 3 档：完成率起点（%）").fill("100")
    page.get_by_label("第 3 档：提成比例（%）").fill("5")
    screenshots(page, "commission-rule-form")
    page.get_by_test_id("dialog-save").click()
    expect(page.get_by_test_id("rule-row")).to_contain_text("≥80% → 3%")
    assert CommissionRule.objects.get().tiers[2] == {"from": "100.00", "rate": "5.00"}
    screenshots(page, "commission-rules")

    page.goto(f"{live_server.url}/sales-admin/commissions/?month=2026-11")
    expect(page.get_by_test_id("commission-status")).to_contain_text("尚未计算")
    page.get_by_test_id("commission-calculate").click()
    expect(page.locator(".alert-success, .toast, [role=alert]").first).to_contain_text("提成已计算")
    expect(page.get_by_test_id("month-status")).to_have_text("草稿")
    row = page.get_by_test_id("commission-line").filter(has_text="刘洋")
    expect(row.get_by_test_id("line-amount")).to_have_text("1,400.00")  # 70,000 × 2% (70% of the target)
    expect(page.get_by_test_id("commission-total")).to_contain_text("3,400.00")  # + 40,000 × 2% + 60,000 × 2%
    screenshots(page, "commission-month")

    row.get_by_test_id("line-explain").click()
    expect(page.get_by_test_id("explanation-attainment")).to_contain_text("70.0%")
    expect(page.get_by_test_id("chosen-tier")).to_contain_text("2%")
    expect(page.get_by_test_id("explanation-documents")).to_contain_text("HK00000")
    expect(page.get_by_test_id("explanation-formula")).to_contain_text("¥70,000.00 × 2% = ¥1,400.00")
    screenshots(page, "commission-explanation")
    page.get_by_test_id("back-to-month").click()

    page.get_by_test_id("commission-review").click()
    expect(page.get_by_test_id("month-status")).to_have_text("已审核")
    page.get_by_test_id("commission-lock").click()
    expect(page.get_by_test_id("month-status")).to_have_text("已锁定")
    expect(page.get_by_test_id("commission-calculate")).to_have_count(0)
    assert CommissionMonth.objects.get().status == MonthStatus.LOCKED

    page.get_by_test_id("commission-adjust").click()  # 更正: into December
    expect(page.get_by_test_id("dialog-form")).to_contain_text("已锁定")
    page.get_by_label("销售人员").select_option(label="刘洋")
    page.get_by_label("金额（元）").fill("-200")
    page.get_by_label("原因").fill("十一月回款退回")
    page.get_by_test_id("dialog-save").click()
    expect(page.locator(".alert-success, .toast, [role=alert]").first).to_contain_text("2026-12")
    assert CommissionLine.objects.get(kind="adjustment").period.month.isoformat() == "2026-12-01"
    screenshots(page, "commission-locked")

    page.context.clear_cookies()
    login("mgr")
    page.goto(f"{live_server.url}/sales-admin/commissions/?month=2026-11")
    expect(page.get_by_test_id("commission-line")).to_have_count(1)
    expect(page.get_by_test_id("commission-calculate")).to_have_count(0)
    screenshots(page, "commission-mine")
