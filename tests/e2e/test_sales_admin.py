"""Sales administration in a real browser, in zh-hans (issue 18 §1–§3): the supervisor sets a
salesperson's target and scores the month; a salesperson writes a weekly report and the supervisor
scores it; an expense claim above 5,000 CNY goes through two approvers and is marked paid, and the
statistics chart it. Screenshots at 1366 and 390 width in /tmp/shots/."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from crm.approvals.flows import flow_save
from crm.dictionary.models import DictionaryItem
from crm.dictionary.seeding import seed_items
from crm.salesadmin.models import ClaimStatus, ExpenseClaim, Review, Target, WorkReport
from crm.salesadmin.services.claims import claim_create
from crm.salesadmin.services.targets import target_set
from crm.testing import make_user, screenshots


def _people(org):
    executive = make_user("exec", role="executive", department=org.head, name="李总")
    supervisor = make_user("sup", role="supervisor", department=org.shanghai, name="张主管", superior=executive)
    manager = make_user("mgr", role="manager", department=org.sales1, name="刘洋", superior=supervisor)
    make_user("mgr_b", role="manager", department=org.sales1, name="周杰", superior=supervisor)
    return executive, supervisor, manager


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_supervisor_sets_a_target_and_scores_the_month(org, login, page, live_server):
    _executive, _supervisor, manager = _people(org)
    login("sup")
    page.get_by_role("link", name="销售任务").first.click()
    page.get_by_test_id("target-new").click()
    page.get_by_label("销售人员").select_option(label="刘洋")
    page.get_by_label("成交金额（元）").fill("300000")
    page.get_by_label("回款金额（元）").fill("200000")
    page.get_by_label("新增客户").fill("5")
    page.get_by_label("跟进次数").fill("40")
    screenshots(page, "salesadmin-target-form")
    page.get_by_test_id("dialog-save").click()
    expect(page.locator(".alert-success, .toast, [role=alert]").first).to_contain_text("任务已保存")
    row = page.get_by_test_id("person-row").filter(has_text="刘洋")
    expect(row.get_by_test_id("cell-won_amount")).to_contain_text("300,000")
    assert Target.objects.get(user=manager).won_amount == 300000
    row.get_by_test_id("review-open").click()
    page.get_by_label("评分（0–100）").fill("130")
    page.get_by_test_id("dialog-save").click()
    expect(page.get_by_test_id("dialog-form").locator(".invalid-feedback").first).to_contain_text("100")
    page.get_by_label("评分（0–100）").fill("92")
    page.get_by_label("意见").fill("新客户开发积极")
    page.get_by_test_id("dialog-save").click()
    expect(page.get_by_test_id("person-row").filter(has_text="刘洋").get_by_test_id("review-score")).to_have_text("92")
    assert Review.objects.get(user=manager).score == 92
    screenshots(page, "salesadmin-targets")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_weekly_report_written_and_scored(org, login, page, live_server):
    _people(org)
    login("mgr")
    page.get_by_role("link", name="工作报告").first.click()
    page.get_by_test_id("report-new-week").click()
    last_week = timezone.localdate() - datetime.timedelta(days=7)
    page.get_by_label("该周或该月的任意一天").fill(last_week.isoformat())
    page.get_by_test_id("report-submit").click()
    expect(page.get_by_test_id("field-error").first).to_be_visible()  # the summary is required
    page.get_by_label("概要").fill("拜访三家客户，确认两个新需求。")
    page.get_by_label("下步计划").fill("准备报价。")
    page.get_by_test_id("report-submit").click()
    expect(page.get_by_test_id("report-status")).to_have_text("已提交")
    expect(page.get_by_test_id("report-figures")).to_contain_text("跟进次数")
    screenshots(page, "salesadmin-report")

    page.context.clear_cookies()
    login("sup")
    page.get_by_role("link", name="工作报告").first.click()
    page.get_by_test_id("tab-team").click()
    page.get_by_test_id("report-row").filter(has_text="刘洋").get_by_role("link").first.click()
    page.get_by_label("评分（0–100）").fill("86")
    page.get_by_label("意见").fill("计划清楚，注意回款。")
    page.get_by_test_id("review-save").click()
    expect(page.get_by_test_id("report-score")).to_have_text("86")
    expect(page.get_by_test_id("report-status")).to_have_text("已评阅")
    assert WorkReport.objects.get().score == 86
    screenshots(page, "salesadmin-report-scored")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_expense_claim_through_two_approvers(org, login, page, live_server, tmp_path):
    executive, _supervisor, _manager = _people(org)
    admin = make_user("admin", role="admin", department=org.head, name="王管理")
    seed_items(DictionaryItem)
    flow_save(actor=admin, document_type="expense_claim",
              data={"name": "大额费用报销", "conditions": [{"field": "amount", "op": "gt", "value": "5000"}]},
              steps=[{"name": "直属上级", "approver_kind": "superior", "levels": 1, "mode": "sequence"},
                     {"name": "总经理审批", "approver_kind": "users", "users": [executive], "mode": "any"}])
    receipt = tmp_path / "酒店发票.pdf"
    receipt.write_bytes(b"%PDF-1.4 hotel receipt")
    day = (timezone.localdate() - datetime.timedelta(days=2)).isoformat()

    login("mgr")
    page.get_by_role("link", name="费用报销").first.click()
    page.get_by_test_id("claim-new").click()
    page.get_by_label("标题").fill("杭州客户出差")
    lines = page.get_by_test_id("claim-line")
    lines.nth(0).get_by_label("费用类型").select_option(label="差旅费")
    lines.nth(0).get_by_label("金额（元）").fill("2400")
    lines.nth(0).get_by_label("日期").fill(day)
    lines.nth(0).get_by_label("票据（照片或 PDF）").set_input_files(str(receipt))
    lines.nth(1).get_by_label("费用类型").select_option(label="业务招待费")
    lines.nth(1).get_by_label("金额（元）").fill("3800")
    lines.nth(1).get_by_label("日期").fill("2099-01-01")
    page.get_by_test_id("claim-save").click()
    expect(page.get_by_test_id("field-error").first).to_contain_text("不能晚于今天")
    page.get_by_test_id("claim-line").nth(1).get_by_label("日期").fill(day)
    page.get_by_test_id("claim-line").nth(0).get_by_label("票据（照片或 PDF）").set_input_files(str(receipt))
    screenshots(page, "salesadmin-claim-form")
    page.get_by_test_id("claim-save").click()
    expect(page.get_by_test_id("claim-total")).to_have_text("¥6,200.00")
    page.get_by_test_id("claim-submit").click()
    expect(page.get_by_test_id("claim-status")).to_have_text("审批中")
    expect(page.get_by_test_id("claim-edit")).to_have_count(0)
    screenshots(page, "salesadmin-claim")

    def approve_as(username: str):
        page.context.clear_cookies()
        login(username)
        page.get_by_role("link", name="审批", exact=True).first.click()
        page.get_by_test_id("approval-row").filter(has_text="杭州客户出差").get_by_test_id("approval-link").click()
        page.get_by_test_id("approve").click()

    approve_as("sup")
    assert ExpenseClaim.objects.get().status == ClaimStatus.IN_APPROVAL
    approve_as("exec")
    assert ExpenseClaim.objects.get().status == ClaimStatus.APPROVED

    page.context.clear_cookies()
    login("sup")
    page.goto(f"{live_server.url}/sales-admin/claims/{ExpenseClaim.objects.get().pk}/")
    page.get_by_test_id("claim-pay").click()
    expect(page.get_by_test_id("claim-paid")).to_have_text("已付款")
    page.get_by_role("link", name="费用统计").first.click()
    page.get_by_test_id("stats-type").click()
    expect(page.get_by_test_id("stats-total")).to_contain_text("6,200.00")
    expect(page.get_by_test_id("stats-chart").locator("canvas")).to_have_count(1)
    screenshots(page, "salesadmin-stats")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_dashboard_shows_the_team_targets_and_the_claims_export(org, login, page, live_server):
    """The supervisor's dashboard shows the team's targets against actuals (this month, quarter, year);
    the claims list exports what the supervisor may see, with the list's filter."""
    _executive, supervisor, manager = _people(org)
    shenzhen = make_user("mgr_sz", role="manager", department=org.sales2, name="陈静")
    seed_items(DictionaryItem)
    this_month = timezone.localdate().replace(day=1)
    target_set(actor=supervisor, month=this_month, user=manager,
               data={"won_amount": "300000", "received": "200000", "new_customers": 5, "followups": 40})
    travel = DictionaryItem.objects.filter(category="expense_type").order_by("sort_order", "id").first()
    for who, title in ((manager, "客户拜访差旅"), (shenzhen, "深圳展会")):
        claim_create(actor=who, data={"title": title}, lines=[
            {"expense_type": travel, "amount": "860.50", "spent_on": timezone.localdate(), "description": "高铁"}])

    login("sup")
    page.get_by_role("link", name="管理驾驶舱").first.click()
    block = page.get_by_test_id("dashboard-targets")
    expect(block).to_contain_text("任务完成情况")
    expect(block).to_contain_text("本季度")
    won = block.locator("[data-testid=dashboard-target][data-period=month][data-measure=won_amount]")
    expect(won).to_contain_text("300,000")
    expect(won.get_by_test_id("attainment")).to_have_text("0.0%")
    screenshots(page, "salesadmin-dashboard")

    page.get_by_role("link", name="费用报销").first.click()
    page.get_by_role("link", name="草稿").click()
    with page.expect_download() as caught:
        page.get_by_test_id("claim-export").click()
        page.get_by_role("link", name="Excel (.xlsx)").first.click()
    rows = [list(row) for row in load_workbook(io.BytesIO(caught.value.path().read_bytes())).active.iter_rows(
        values_only=True)]
    assert rows[0][:3] == ["编号", "标题", "报销人"]
    assert [row[1:3] for row in rows[1:]] == [["客户拜访差旅", "刘洋"]]  # not Shenzhen's claim
