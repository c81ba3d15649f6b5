"""Charts on lists (issue 17 §3) in a real browser, in zh-hans: a supervisor makes a bar chart of
the customer list grouped by level, sees it drawn, saves it with a list view, reopens the view and
sees the chart again, then clicks a bar and lands on the list filtered to that level.
Screenshots at 1366 and 390 wide in /tmp/shots/list-chart-*.png."""

import re

import pytest
from playwright.sync_api import expect

from crm.charts.tests.data import make_chart_data
from crm.customers.models import Customer
from crm.testing import click_bar, screenshots


def chart_drawn(page) -> None:
    expect(page.get_by_test_id("list-chart").locator("canvas")).to_have_count(1)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_supervisor_charts_the_customer_list_saves_it_and_drills_down(sales, login, page, live_server):
    make_chart_data(sales)
    login("sup")
    page.goto(f"{live_server.url}/customers/")
    expect(page.get_by_test_id("chart-panel")).to_be_hidden()
    page.get_by_test_id("chart-toggle").click()
    expect(page.get_by_test_id("chart-panel")).to_be_visible()
    page.get_by_label("图表类型").select_option("bar")
    page.get_by_label("分组方式").select_option(label="客户等级")
    page.get_by_test_id("chart-show").click()
    expect(page).to_have_url(re.compile(r"group=level"))
    chart_drawn(page)
    expect(page.get_by_test_id("chart-panel")).to_contain_text("按客户等级计数")
    screenshots(page, "list-chart-customers")

    # Saved with a list view: the view keeps the chart.
    page.locator('[data-bs-target="#save-view"]').click()
    page.locator("#view-name").fill("按级别看图")
    page.locator("#save-view").get_by_role("button", name="保存视图").click()
    expect(page.get_by_text("视图“按级别看图”已保存。")).to_be_visible()
    chart_drawn(page)
    page.goto(f"{live_server.url}/customers/")
    expect(page.get_by_test_id("list-chart")).to_have_count(0)
    page.get_by_test_id("saved-view").filter(has_text="按级别看图").click()
    chart_drawn(page)
    screenshots(page, "list-chart-saved-view")

    # A bar opens the list filtered to its level.
    first = page.get_by_test_id("list-chart").evaluate(
        "el => JSON.parse(document.getElementById(el.dataset.listChart).textContent).categories[0]"
    )
    click_bar(page, 0, "list-chart")
    expect(page).to_have_url(re.compile(rf"level={first['key']}"))
    expect(page.get_by_test_id("list-chart")).to_have_count(0)
    in_scope = Customer.objects.filter(level_id=first["key"], manager__in=[sales.manager, sales.colleague]).count()
    expect(page.locator("#bulk-form table tbody tr")).to_have_count(in_scope)
    screenshots(page, "list-chart-drilled")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pie_line_and_funnel_charts_draw_on_other_lists(sales, login, page, live_server):
    """The other chart types, through their links (the settings are in the query string)."""
    make_chart_data(sales)
    login("exec")
    page.goto(f"{live_server.url}/customers/contracts/?chart=pie&group=status&agg=sum&measure=amount")
    expect(page.get_by_test_id("chart-panel")).to_contain_text("按状态的金额（元）合计")
    chart_drawn(page)
    screenshots(page, "list-chart-contracts-pie")
    page.goto(f"{live_server.url}/customers/?chart=line&group=created_month&group2=manager")
    chart_drawn(page)
    expect(page.get_by_label("再按")).to_have_value("manager")
    screenshots(page, "list-chart-customers-line")
    page.goto(f"{live_server.url}/customers/?chart=funnel&group=satisfaction")
    chart_drawn(page)
    screenshots(page, "list-chart-customers-funnel", widths=(390,))
