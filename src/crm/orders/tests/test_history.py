"""A customer's order history (ORD-2, s003/5 §3.2.1.4): shipped and paid orders only, newest first,
paged, on its own page and as a tab of the customer 360 page; one order with its lines and total;
404 outside the scope, 403 without the function."""

import datetime
import re

from crm.orders import selectors
from crm.orders.testing import make_order, make_product


def _numbers(html: str) -> list[str]:
    return re.findall(r'data-testid="order-row" data-number="([^"]+)"', html)


def test_history_shows_shipped_and_paid_orders_newest_first(client, sales, customer):
    old = make_order(customer, ordered_on=datetime.date(2025, 3, 1), status=6, number="SO-OLD")
    same_day_first = make_order(customer, ordered_on=datetime.date(2026, 5, 1), number="SO-A")
    same_day_second = make_order(customer, ordered_on=datetime.date(2026, 5, 1), number="SO-B")
    make_order(customer, ordered_on=datetime.date(2026, 6, 1), status=3, number="SO-OPEN")  # not shipped yet
    client.force_login(sales.manager)
    answer = client.get(f"/orders/customer/{customer.pk}/")
    html = answer.content.decode()
    assert answer.status_code == 200
    assert _numbers(html) == [same_day_second.number, same_day_first.number, old.number]
    assert "SO-OPEN" not in html
    assert "2026-05-01" in html and "已发货" in html and "已回款" in html and "上海市浦东新区张江路 88 号" in html


def test_history_is_paged(client, sales, customer):
    for day in range(1, 26):
        make_order(customer, ordered_on=datetime.date(2026, 1, day), number=f"SO-{day:02d}")
    client.force_login(sales.manager)
    first = _numbers(client.get(f"/orders/customer/{customer.pk}/").content.decode())
    second = _numbers(client.get(f"/orders/customer/{customer.pk}/", {"page": 2}).content.decode())
    assert first[0] == "SO-25" and len(first) == 20
    assert second == ["SO-05", "SO-04", "SO-03", "SO-02", "SO-01"]


def test_the_customer_page_has_an_order_history_tab_that_pages_by_itself(client, sales, customer):
    for day in range(1, 13):
        make_order(customer, ordered_on=datetime.date(2026, 2, day), number=f"SO-{day:02d}")
    make_order(customer, status=1, number="SO-DRAFT")
    client.force_login(sales.manager)
    html = client.get(f"/customers/{customer.pk}/").content.decode()
    assert 'id="tab-orders"' in html and "历史订单" in html
    assert _numbers(html)[:2] == ["SO-12", "SO-11"] and len(_numbers(html)) == 10 and "SO-DRAFT" not in html
    section = client.get(f"/orders/customer/{customer.pk}/section/", {"page": 2}, HTTP_HX_REQUEST="true")
    assert section.status_code == 200 and _numbers(section.content.decode()) == ["SO-02", "SO-01"]
    reloaded = client.get(f"/customers/{customer.pk}/section/orders/").content.decode()
    assert _numbers(reloaded)[0] == "SO-12"


def test_an_order_shows_its_lines_and_total(client, sales, customer):
    router = make_product("工业路由器", "R-200", "2026A", unit="台")
    cable = make_product("网线", "CAT6", "B7", unit="箱")
    order = make_order(customer, lines=[(router, "2", "1200.00"), (cable, "3", "150.50")], number="SO-LINES")
    client.force_login(sales.manager)
    answer = client.get(f"/orders/{order.pk}/")
    html = answer.content.decode()
    assert answer.status_code == 200
    assert html.count('data-testid="order-line"') == 2
    for text in ("工业路由器", "R-200", "2026A", "台", "网线", "CAT6", "B7", "箱", "¥1,200.00", "¥2,400.00", "¥451.50"):
        assert text in html, text
    assert re.search(r'data-testid="order-total">¥2,851.50<', html)
    assert f'href="/orders/customer/{customer.pk}/"' in html


def test_out_of_scope_is_404_and_without_the_function_403(client, sales, customer, far_customer, make_user, org):
    mine = make_order(customer)
    far = make_order(far_customer)
    pending = make_order(customer, status=3)
    client.force_login(sales.manager)
    assert client.get(f"/orders/customer/{far_customer.pk}/").status_code == 404
    assert client.get(f"/orders/customer/{far_customer.pk}/section/").status_code == 404
    assert client.get(f"/orders/{far.pk}/").status_code == 404
    assert client.get(f"/orders/{pending.pk}/").status_code == 404  # not shipped: not read by the CRM
    assert client.get(f"/orders/{mine.pk}/").status_code == 200
    client.force_login(sales.other)
    assert client.get(f"/orders/{mine.pk}/").status_code == 404
    assert client.get(f"/orders/{far.pk}/").status_code == 200
    clerk = make_user("clerk", department=org.sales1)
    client.force_login(clerk)
    assert client.get(f"/orders/customer/{customer.pk}/").status_code == 403
    assert client.get(f"/orders/{mine.pk}/").status_code == 403


def test_an_unmatched_order_is_seen_by_resolvers_only(client, sales, admin_user):
    unmatched = make_order(None, customer_code="ERP-9")
    client.force_login(sales.manager)
    assert client.get(f"/orders/{unmatched.pk}/").status_code == 404
    client.force_login(admin_user)
    page = client.get(f"/orders/{unmatched.pk}/").content.decode()
    assert "ERP-9" in page and "未知客户有限公司" in page


def test_the_history_selector_reads_effective_orders_of_the_customer(sales, customer, far_customer):
    make_order(far_customer)
    make_order(customer, status=2)
    mine = make_order(customer, status=5)
    assert list(selectors.order_history(user=sales.manager, customer=customer)) == [mine]
