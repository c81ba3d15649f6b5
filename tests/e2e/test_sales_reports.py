"""The sales reports and the management dashboard in a real browser, in zh-hans: a supervisor
opens 销售人员工作汇总 from the menu, chooses November, sees the chart drawn, groups by team,
drills down to a team's people and on to a person's customers; then the product sales, the funnel
and 管理驾驶舱. Screenshots at 1366 and 390 wide in /tmp/shots/sales-*.png."""

import re

import pytest
from playwright.sync_api import expect

from crm.reports.testing import make_report_data
from crm.reports.testing_sales import make_sales_data
from crm.testing import make_user, screenshots


def chart_drawn(page, testid: str = "report-chart") -> None:
    expect(page.get_by_test_id(testid).locator("canvas")).to_have_count(1)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_supervisor_reads_the_work_report_drills_down_and_opens_the_dashboard(sales, org, login, page, live_server):
    admin = make_user("admin1", role="admin", department=org.head)
    agent = make_user("agent", role="service", department=org.head, name="王客服")
    make_sales_data(make_report_data(sales=sales, admin=admin, agent=agent))
    login("sup")

    page.get_by_role("link", name="销售人员工作汇总").first.click()
    expect(page.get_by_role("heading", name="销售人员工作汇总")).to_be_visible()
    page.get_by_test_id("report-date-from").fill("2026-11-01")
    page.get_by_test_id("report-date-to").fill("2026-11-30")
    page.get_by_role("button", name="搜索").click()
    rows = page.get_by_test_id("report-row")
    expect(rows).to_have_count(3)  # 刘洋, 周杰 and 张主管: 上海分公司's people; 陈静 (深圳) is not theirs
    expect(rows.first).to_have_attribute("data-name", "刘洋")
    expect(rows.first.locator('[data-measure="won_amount"]')).to_have_text("¥120,000.50")
    expect(page.get_by_test_id("report-grand-total").locator('[data-measure="followups"]')).to_have_text("7")
    chart_drawn(page)
    screenshots(page, "sales-work")

    page.get_by_test_id("report-group").select_option("team")
    page.get_by_role("button", name="搜索").click()
    expect(rows).to_have_count(2)  # 销售一部 and 上海分公司
    team = page.locator('[data-testid="report-row"][data-name="销售一部"]')
    expect(team.locator('[data-measure="customers_contacted"]')).to_have_text("4")
    chart_drawn(page)
    screenshots(page, "sales-work-teams")
    team.get_by_test_id("report-drill").click()  # the team's people
    expect(page.get_by_test_id("report-team-filter")).to_be_visible()
    expect(rows).to_have_count(2)
    page.locator('[data-testid="report-row"][data-name="周杰"]').get_by_test_id("report-drill").click()
    expect(page).to_have_url(re.compile(r"/customers/\?manager=\d+"))
    expect(page.get_by_text("苏州园林科技有限公司").first).to_be_visible()

    # A period the wrong way round: told so in Chinese, the report shows this month instead.
    page.goto(f"{live_server.url}/reports/work/?date_from=2026-11-30&date_to=2026-11-01")
    expect(page.get_by_test_id("report-errors")).to_contain_text("结束日期")

    page.get_by_role("link", name="产品销售统计").first.click()
    page.get_by_test_id("report-date-from").fill("2026-01-01")
    page.get_by_test_id("report-date-to").fill("2026-12-31")
    page.get_by_test_id("report-by").select_option("month")
    page.get_by_role("button", name="搜索").click()
    chart_drawn(page)
    expect(page.get_by_test_id("report-row").first).to_be_visible()
    screenshots(page, "sales-products")

    page.get_by_role("link", name="销售漏斗").first.click()
    page.get_by_test_id("report-date-from").fill("2026-11-01")
    page.get_by_test_id("report-date-to").fill("2026-11-30")
    page.get_by_role("button", name="搜索").click()
    chart_drawn(page)
    expect(page.get_by_test_id("report-row")).to_have_count(5)
    expect(page.get_by_test_id("report-competitors")).to_contain_text("华为技术有限公司")
    screenshots(page, "sales-funnel")

    page.get_by_role("link", name="管理驾驶舱").first.click()
    expect(page.get_by_role("heading", name="管理驾驶舱")).to_be_visible()
    expect(page.get_by_test_id("dashboard-card")).to_have_count(4)
    expect(page.get_by_test_id("report-leaderboards")).to_be_visible()
    screenshots(page, "sales-dashboard")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_workbench_shows_what_is_due_and_what_is_about_to_leave(sales, org, login, page, live_server):
    """WB-1 after login: a follow-up due today and one overdue, a contact's birthday in three days,
    a customer about to return to the pool, a recently serviced customer; each one click from its page."""
    import datetime

    from django.utils import timezone

    from crm.customers.models import Customer
    from crm.customers.testing import make_contact, make_customer
    from crm.service.models import Service
    from crm.service.services import service_create

    manager = sales.manager
    today = timezone.localdate()
    due = make_customer(manager=manager, name="上海浦江电子有限公司")
    late = make_customer(manager=manager, name="杭州西湖贸易有限公司")
    leaving = make_customer(manager=manager, name="苏州园林科技有限公司")
    Customer.objects.filter(pk=due.pk).update(next_followup_on=today)
    Customer.objects.filter(pk=late.pk).update(next_followup_on=today - datetime.timedelta(days=2))
    Customer.objects.filter(pk=leaving.pk).update(pool_warned_at=timezone.now())
    birthday = (today + datetime.timedelta(days=3)).replace(year=1985)
    make_contact(customer=due, name="王丽", birthday=birthday)
    agent = make_user("agent", role="service", department=org.head, name="王客服")
    from crm.dictionary.models import DictionaryItem

    kind, _created = DictionaryItem.objects.get_or_create(category="service_type", entry="咨询",
                                                          defaults={"value": "consultation"})
    service = service_create(actor=agent, customer=late, data={"type": kind, "summary": "设备咨询",
                                                              "request": "客户来电咨询设备使用问题。"})
    Service.objects.filter(pk=service.pk).update(handled_by=agent, handled_at=timezone.now())

    login("mgr")
    due_panel = page.get_by_test_id("panel-due")
    expect(due_panel).to_contain_text("上海浦江电子有限公司")
    expect(due_panel).to_contain_text("杭州西湖贸易有限公司")
    expect(page.get_by_test_id("panel-birthdays")).to_contain_text("王丽")
    expect(page.get_by_test_id("panel-returning")).to_contain_text("苏州园林科技有限公司")
    expect(page.get_by_test_id("panel-serviced")).to_contain_text("杭州西湖贸易有限公司")
    screenshots(page, "sales-workbench")
    page.get_by_test_id("panel-returning").get_by_role("link", name="苏州园林科技有限公司").click()
    expect(page).to_have_url(re.compile(rf"/customers/{leaving.pk}/"))
