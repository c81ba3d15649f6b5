"""Orders, products and inventory in a real browser, in zh-hans (s003/5 §3.2.1.4, §3.5.2, §3.5.3):
a manager opens a customer's order history tab (shipped and paid orders, newest first; an order in
another status is not shown), pages it, opens an order and reads its lines and total; queries
products by model and batch and inventory by warehouse; an administrator links an unmatched
order group to a customer, whose history then shows it. Screenshots at 1280 and 390 wide in
/tmp/shots-orders/."""

import datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from crm.customers.testing import make_customer
from crm.orders.testing import make_order, make_product, make_stock, make_warehouse
from crm.testing import make_user

SHOTS = Path("/tmp/shots-orders")


def shots(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 860})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 860})


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_order_history_products_inventory_and_unmatched_orders(org, login, page, live_server):
    manager = make_user("manager", role="manager", department=org.sales1, name="刘洋")
    make_user("admin", role="admin", department=org.head, name="系统管理员")
    customer = make_customer(manager=manager, name="上海浦江电子有限公司")
    other = make_customer(manager=manager, name="杭州西湖仪表有限公司")
    router = make_product("工业路由器", "R-200", "2026A", unit="台")
    router_b = make_product("工业路由器", "R-200", "2026B", unit="台")
    cable = make_product("超五类网线", "CAT5E-305", "B7", unit="箱")
    shanghai, beijing = make_warehouse("上海一号仓"), make_warehouse("北京二号仓")
    make_stock(router, shanghai, "12")
    make_stock(router_b, beijing, "5")
    make_stock(cable, beijing, "40")
    for day in range(1, 12):  # eleven older orders: the tab shows ten a page
        make_order(customer, ordered_on=datetime.date(2025, 6, day), number=f"SO2025{day:04d}",
                   lines=[(cable, "1", "300.00")])
    newest = make_order(
        customer, ordered_on=datetime.date(2026, 5, 18), status=6, number="SO20260518",
        delivery_address="上海市浦东新区张江路 88 号 3 号楼",
        lines=[(router, "2", "1200.00"), (cable, "3", "299.50")],
    )
    make_order(customer, ordered_on=datetime.date(2026, 6, 1), status=3, number="SO20260601",
               lines=[(cable, "1", "300.00")])  # not shipped
    make_order(None, customer_code="HZ-0031", customer_name="杭州西湖仪表", ordered_on=datetime.date(2026, 4, 2),
               number="SO20260402", lines=[(router_b, "1", "1250.00")])

    login("manager")
    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    page.get_by_role("tab", name="历史订单").click()
    section = page.get_by_test_id("customer-orders")
    rows = section.get_by_test_id("order-row")
    expect(rows).to_have_count(10)
    expect(page.locator("#pane-orders")).to_have_css("opacity", "1")  # faded in
    expect(rows.first).to_contain_text("SO20260518")
    expect(rows.first).to_contain_text("2026-05-18")
    expect(rows.first).to_contain_text("已回款")
    expect(rows.nth(1)).to_contain_text("SO20250011")
    expect(rows.nth(1)).to_contain_text("已发货")
    expect(section).not_to_contain_text("SO20260601")
    expect(section.get_by_test_id("order-count")).to_have_text("12")
    shots(page, "history-tab")
    section.get_by_test_id("order-next").click()
    expect(section.get_by_test_id("order-row")).to_have_count(2)
    expect(section.get_by_test_id("order-page")).to_have_text("2 / 2")
    expect(section.get_by_test_id("order-row").last).to_contain_text("SO20250001")

    page.goto(f"{live_server.url}/orders/customer/{customer.pk}/")
    expect(page.get_by_test_id("order-row")).to_have_count(12)
    expect(page.get_by_test_id("order-row").first).to_contain_text("上海市浦东新区张江路 88 号 3 号楼")
    shots(page, "history")
    page.get_by_role("link", name="SO20260518").click()
    expect(page.get_by_test_id("order-number")).to_have_text("SO20260518")
    lines = page.get_by_test_id("order-line")
    expect(lines).to_have_count(2)
    expect(lines.first).to_contain_text("工业路由器")
    expect(lines.first).to_contain_text("¥2,400.00")
    expect(lines.nth(1)).to_contain_text("超五类网线")
    expect(lines.nth(1)).to_contain_text("3 箱")
    expect(page.get_by_test_id("order-total")).to_have_text("¥3,298.50")
    expect(page.get_by_test_id("order-lines-total")).to_have_text("¥3,298.50")
    assert newest.total == 3298.5
    shots(page, "detail")

    page.get_by_role("link", name="产品", exact=True).click()
    filters = page.get_by_test_id("product-filters")
    filters.get_by_label("型号").fill("r-200")
    filters.get_by_label("批次").fill("2026b")
    filters.get_by_test_id("product-search").click()
    expect(page.get_by_test_id("product-row")).to_have_count(1)
    expect(page.get_by_test_id("product-row")).to_contain_text("2026B")
    expect(page.get_by_test_id("product-stock")).to_contain_text("5")
    page.get_by_role("link", name="清除").click()
    expect(page.get_by_test_id("product-row")).to_have_count(3)
    shots(page, "products")

    page.get_by_role("link", name="库存", exact=True).click()
    filters = page.get_by_test_id("inventory-filters")
    filters.get_by_label("仓库").select_option(label="北京二号仓")
    filters.get_by_test_id("inventory-search").click()
    rows = page.get_by_test_id("inventory-row")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="超五类网线")).to_contain_text("40 箱")
    expect(rows.filter(has_text="工业路由器")).to_contain_text("5 台")
    expect(page.get_by_test_id("inventory-table")).not_to_contain_text("上海一号仓")
    shots(page, "inventory")
    expect(page.get_by_role("link", name="未关联订单")).to_have_count(0)

    page.context.clear_cookies()
    login("admin")
    page.get_by_role("link", name="未关联订单").click()
    row = page.get_by_test_id("unmatched-row").filter(has_text="HZ-0031")
    expect(row).to_contain_text("杭州西湖仪表")
    expect(row).to_contain_text("2026-04-02")
    shots(page, "unmatched")
    row.get_by_test_id("unmatched-resolve").click()
    dialog = page.get_by_test_id("resolve-dialog")
    dialog.get_by_test_id("resolve-search").fill("西湖")
    result = dialog.get_by_test_id("customer-result").filter(has_text=other.name)
    expect(result).to_have_count(1)
    shots(page, "resolve-dialog")
    result.get_by_test_id("customer-pick").click()
    expect(page.locator(".alert-success, .toast, [role=alert]").filter(has_text=other.name).first).to_be_visible()
    expect(page.get_by_test_id("unmatched-row")).to_have_count(0)

    page.goto(f"{live_server.url}/customers/{other.pk}/")
    page.get_by_role("tab", name="历史订单").click()
    expect(page.get_by_test_id("customer-orders").get_by_test_id("order-row")).to_have_count(1)
    expect(page.get_by_test_id("customer-orders").get_by_test_id("order-row")).to_be_visible()
    expect(page.get_by_test_id("customer-orders").get_by_test_id("order-row")).to_contain_text("SO20260402")
