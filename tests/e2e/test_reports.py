"""The four reports of s003/5 §3.4 in a real browser, in zh-hans: a supervisor opens each from the
统计报表 menu, filters it, sees the chart drawn (a canvas), drills down from a bar or a row to the
records behind it, exports one to Excel and is told, in Chinese, what is wrong with a year out of
range. Screenshots at 1366 and 390 wide in /tmp/shots/reports-*.png."""

import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from crm.reports.testing import make_report_data
from crm.testing import click_bar, make_user, screenshots


def chart_drawn(page) -> None:
    expect(page.get_by_test_id("report-chart").locator("canvas")).to_have_count(1)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_supervisor_reads_filters_drills_and_exports_the_four_reports(sales, org, login, page, live_server):
    admin = make_user("admin1", role="admin", department=org.head)
    agent = make_user("agent", role="service", department=org.head, name="王客服")
    make_report_data(sales=sales, admin=admin, agent=agent)
    login("sup")

    # 客户贡献分析: every customer of 上海分公司, the largest first; then 浦江 in 2025.
    page.get_by_role("link", name="客户贡献分析").first.click()
    expect(page.get_by_role("heading", name="客户贡献分析")).to_be_visible()
    chart_drawn(page)
    rows = page.get_by_test_id("report-row")
    expect(rows).to_have_count(5)
    expect(rows.first).to_have_attribute("data-customer", "苏州园林科技有限公司")
    expect(page.get_by_test_id("report-grand-total")).to_contain_text("¥14,485.85")
    screenshots(page, "reports-contribution")
    page.emulate_media(media="print")  # printable: no menu, no filters, no buttons; the filters as text
    expect(page.locator("#sidebar")).to_be_hidden()
    expect(page.get_by_test_id("report-print")).to_be_hidden()
    expect(page.get_by_text("年份: 所有年份")).to_be_visible()
    screenshots(page, "reports-contribution-print", widths=(1366,))
    page.emulate_media(media="screen")
    page.get_by_test_id("report-customer").fill("浦江")
    page.get_by_test_id("report-year").fill("2025")
    page.get_by_role("button", name="搜索").click()
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("¥2,000.00")
    expect(page.get_by_test_id("report-grand-total")).to_contain_text("¥2,450.00")
    page.get_by_test_id("sort-name").click()  # by name, Z to A first
    expect(page).to_have_url(re.compile(r"ordering=-name"))
    page.get_by_test_id("sort-name").click()  # then A to Z, in pinyin: shanghai pujiang dianzi before jixie
    expect(rows.first).to_have_attribute("data-customer", "上海浦江电子有限公司")
    screenshots(page, "reports-contribution-filtered")

    with page.expect_download() as caught:
        page.get_by_test_id("report-export").click()
        page.get_by_role("link", name="Excel (.xlsx)").click()
    sheet = load_workbook(io.BytesIO(caught.value.path().read_bytes())).active
    exported = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert exported[0] == ["客户编号", "客户名称", "订单总金额"]
    assert [row[1:] for row in exported[1:]] == [["上海浦江电子有限公司", 2000.0], ["上海浦江机械有限公司", 450.0]]

    rows.first.get_by_test_id("report-drill").click()  # the customer's order history
    expect(page.get_by_text("上海浦江电子有限公司").first).to_be_visible()
    assert "/orders/customer/" in page.url

    # A year out of range: told so in Chinese, the report shows its default.
    page.goto(f"{live_server.url}/reports/contribution/?year=1999")
    expect(page.get_by_test_id("report-errors")).to_contain_text("请输入 2000 到")
    expect(page.get_by_test_id("report-row")).to_have_count(5)

    # 客户构成分析: by credit, five ratings, shares; a row leads to the customer list.
    page.get_by_role("link", name="客户构成分析").first.click()
    expect(page.get_by_role("heading", name="客户构成分析")).to_be_visible()
    chart_drawn(page)
    page.get_by_test_id("by-credit").click()
    expect(page.get_by_test_id("report-row")).to_have_count(5)
    expect(page.get_by_test_id("report-total")).to_have_text("5")
    first = page.get_by_test_id("report-row").first
    expect(first.get_by_test_id("report-share")).to_have_text("40.0%")
    chart_drawn(page)
    screenshots(page, "reports-composition")
    first.get_by_test_id("report-drill").click()
    expect(page.get_by_text("苏州园林科技有限公司").first).to_be_visible()
    expect(page.get_by_text("上海浦江电子有限公司").first).to_be_visible()
    expect(page.get_by_text("杭州西湖贸易有限公司")).to_have_count(0)

    # 客户服务分析: 2025; a click on a bar opens the services of that type and year.
    page.get_by_role("link", name="客户服务分析").first.click()
    page.get_by_test_id("report-year").fill("2025")
    page.get_by_role("button", name="搜索").click()
    expect(page.get_by_test_id("report-total")).to_have_text("3")
    chart_drawn(page)
    screenshots(page, "reports-services")
    click_bar(page, 0)
    expect(page.get_by_test_id("service-narrowed")).to_contain_text("2025-01-01")
    assert "type=" in page.url

    # 客户流失分析: the confirmed churns of 上海分公司; by manager name; on to the warning.
    page.get_by_role("link", name="客户流失分析").first.click()
    expect(page.get_by_role("heading", name="客户流失分析")).to_be_visible()
    expect(page.get_by_test_id("report-row")).to_have_count(2)
    chart_drawn(page)
    page.get_by_test_id("report-manager").fill("周杰")
    page.get_by_role("button", name="搜索").click()
    expect(page.get_by_test_id("report-row")).to_have_count(1)
    expect(page.get_by_test_id("report-row")).to_have_attribute("data-customer", "无锡太湖纺织有限公司")
    screenshots(page, "reports-churn")
    page.get_by_test_id("report-drill").click()
    expect(page.get_by_test_id("warning-title")).to_have_text("无锡太湖纺织有限公司")
    expect(page.get_by_test_id("warning-reason")).to_contain_text("客户停产")
