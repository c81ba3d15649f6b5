"""Product query (ORD-3) and inventory query (ORD-4): filters, order, totals; and a fixed number of
queries per page whatever its size, for the history, the order, products and inventory alike."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.orders import selectors
from crm.orders.testing import make_order, make_product, make_stock, make_warehouse
from crm.orders.views import orders as order_views
from crm.orders.views import products as product_views


def _count(client, url, params=None) -> int:
    client.get(url, params or {})  # the first request of a session reads what later ones have cached
    with CaptureQueriesContext(connection) as queries:
        answer = client.get(url, params or {})
    assert answer.status_code == 200, answer.content[:500]
    return len(queries)


def _rows(html: str, testid: str) -> int:
    return html.count(f'data-testid="{testid}"')


@pytest.fixture
def catalogue(db):
    shanghai, beijing = make_warehouse("上海一号仓"), make_warehouse("北京二号仓")
    router = make_product("工业路由器", "R-200", "2026A")
    router_b = make_product("工业路由器", "R-200", "2026B")
    switch = make_product("千兆交换机", "SW-48", "2025C", unit="台")
    cable = make_product("网线", "cat6-x", "B7", unit="箱")
    make_stock(router, shanghai, "10")
    make_stock(router, beijing, "2.5")
    make_stock(router_b, beijing, "7")
    make_stock(switch, shanghai, "0")
    return {"shanghai": shanghai, "beijing": beijing, "router": router, "router_b": router_b, "switch": switch,
            "cable": cable}


def test_products_by_name_model_and_batch_with_their_total_stock(sales, catalogue):
    user = sales.manager

    def names(**filters):
        return [f"{p.name}/{p.batch}" for p in selectors.product_list(user=user, filters=filters)]

    assert names() == ["千兆交换机/2025C", "工业路由器/2026A", "工业路由器/2026B", "网线/B7"]
    assert names(ordering="-name") == ["网线/B7", "工业路由器/2026B", "工业路由器/2026A", "千兆交换机/2025C"]
    assert names(name="路由") == ["工业路由器/2026A", "工业路由器/2026B"]
    assert names(model="r-2", batch="26b") == ["工业路由器/2026B"]  # any case, a part is enough
    assert names(model="CAT6") == ["网线/B7"]
    assert names(name="路由", batch="2025") == []
    products = selectors.attach_stock_totals(selectors.product_list(user=user))
    totals = {f"{p.name}/{p.batch}": p.stock_total for p in products}
    assert totals == {"千兆交换机/2025C": Decimal("0"), "工业路由器/2026A": Decimal("12.5"),
                      "工业路由器/2026B": Decimal("7"), "网线/B7": None}


def test_product_page(client, sales, catalogue):
    client.force_login(sales.manager)
    html = client.get("/orders/products/", {"model": "r-200", "batch": "2026a"}).content.decode()
    assert _rows(html, "product-row") == 1 and "工业路由器" in html and "12.5" in html
    html = client.get("/orders/products/", {"ordering": "-name"}).content.decode()
    assert html.index("网线") < html.index("千兆交换机")
    assert 'data-testid="product-sort"' in html


def test_inventory_by_product_and_warehouse(client, sales, catalogue):
    user = sales.manager
    rows = [(s.product.batch, s.warehouse.name) for s in selectors.stock_list(user=user)]
    assert rows == [("2025C", "上海一号仓"), ("2026A", "上海一号仓"), ("2026A", "北京二号仓"), ("2026B", "北京二号仓")]
    by_warehouse = selectors.stock_list(user=user, filters={"warehouse": catalogue["beijing"].pk})
    assert [(s.product.batch, s.quantity) for s in by_warehouse] == [("2026A", Decimal("2.5")), ("2026B", Decimal("7"))]
    by_model = selectors.stock_list(user=user, filters={"product": "sw-48"})
    assert [s.product.name for s in by_model] == ["千兆交换机"]
    client.force_login(user)
    html = client.get("/orders/inventory/", {"product": "路由", "warehouse": catalogue["shanghai"].pk}).content.decode()
    assert _rows(html, "inventory-row") == 1 and "上海一号仓" in html and "2026A" in html
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", html)  # synchronised at
    assert "北京二号仓</option>" in html
    unknown = client.get("/orders/inventory/", {"warehouse": "x"})
    assert unknown.status_code == 200 and _rows(unknown.content.decode(), "inventory-row") == 4


def test_without_the_functions_the_queries_are_refused(client, make_user, org, catalogue):
    clerk = make_user("clerk", department=org.sales1)
    client.force_login(clerk)
    assert client.get("/orders/products/").status_code == 403
    assert client.get("/orders/inventory/").status_code == 403


# --- a fixed number of queries per page ---------------------------------------------------------------------
def _orders(customer, count: int) -> None:
    product = make_product()
    for n in range(count):
        make_order(customer, ordered_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=n),
                   lines=[(product, "1", "10.00"), (make_product(name=f"配件{n}"), "2", "5.00")])


def test_history_page_queries_do_not_grow_with_the_page(client, sales, customer, monkeypatch):
    _orders(customer, 12)
    client.force_login(sales.manager)
    url = f"/orders/customer/{customer.pk}/"
    monkeypatch.setattr(order_views, "PAGE_SIZE", 3)
    small = _count(client, url)
    monkeypatch.setattr(order_views, "PAGE_SIZE", 12)
    big = _count(client, url)
    assert small == big
    html = client.get(url).content.decode()
    assert _rows(html, "order-row") == 12


def test_order_detail_queries_do_not_grow_with_its_lines(client, sales, customer):
    few = make_order(customer, lines=[(make_product(), "1", "1.00")])
    many = make_order(customer, lines=[(make_product(name=f"零件{n}"), "1", "1.00") for n in range(15)])
    client.force_login(sales.manager)
    assert _count(client, f"/orders/{few.pk}/") == _count(client, f"/orders/{many.pk}/")


def test_customer_page_with_the_order_tab_queries_do_not_grow(client, sales, customer, django_assert_max_num_queries):
    client.force_login(sales.manager)
    url = f"/customers/{customer.pk}/"
    _orders(customer, 1)
    before = _count(client, url)
    _orders(customer, 15)
    with django_assert_max_num_queries(before):
        client.get(url)


def test_product_and_inventory_pages_queries_do_not_grow_with_the_page(client, sales, monkeypatch):
    warehouses = [make_warehouse(f"仓库{n}") for n in range(3)]
    for n in range(30):
        product = make_product(f"产品{n:02d}", f"M-{n}", "B1")
        for warehouse in warehouses:
            make_stock(product, warehouse, str(n))
    client.force_login(sales.manager)
    monkeypatch.setattr(product_views, "PAGE_SIZE", 5)
    small = (_count(client, "/orders/products/"), _count(client, "/orders/inventory/"))
    monkeypatch.setattr(product_views, "PAGE_SIZE", 40)
    big = (_count(client, "/orders/products/"), _count(client, "/orders/inventory/"))
    assert small == big
    html = client.get("/orders/products/").content.decode()
    assert _rows(html, "product-row") == 30


def test_history_reads_the_history_index_on_postgresql(sales, customer):
    if connection.vendor != "postgresql":
        pytest.skip("the partial index's plan is PostgreSQL's")
    _orders(customer, 3)
    queryset = selectors.order_history(user=sales.manager, customer=customer)
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        plan = queryset[:20].explain()
        cursor.execute("SET enable_seqscan = on")
    assert "order_history_idx" in plan


def test_the_queries_offer_the_export_only_to_those_who_may_export(client, sales):
    for user, shown in ((sales.executive, True), (sales.manager, False)):
        client.force_login(user)
        for path, testid in (("/orders/products/", "products-export"), ("/orders/inventory/", "inventory-export")):
            html = client.get(path).content.decode()
            assert (f'data-testid="{testid}"' in html) is shown, (user, path)
            if shown:
                assert "type=" + testid.split("-")[0] in html
