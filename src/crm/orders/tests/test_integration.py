"""ORD-1: an ERP pushes products, warehouses, inventory and orders through the integration API
with its service account's token, in batches; the same batches again change nothing; a
malformed batch is answered row by row and loses nothing else."""

import datetime
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from crm.audit.models import AuditEvent
from crm.customers.testing import make_customer
from crm.orders.models import CustomerLink, Order, OrderLine, Product, Stock, Warehouse
from crm.orders.services import erp_account_issue
from crm.testing import api_client, api_error

BATCH = 2000


@pytest.fixture
def erp(db, seeded):
    """The ERP's client, authenticated by its service account's token as a real ERP would be."""
    _user, key = erp_account_issue()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def push(client, entity: str, rows: list, status: int = 200) -> dict:
    response = client.post(f"/api/v1/integration/{entity}/", {"rows": rows}, format="json")
    assert response.status_code == status, response.content[:2000]
    return response.json()


def products(count: int = 200) -> list[dict]:
    return [
        {"external_id": f"P{i:04d}", "name": f"工业路由器{i}", "model": f"R-{i % 17}", "batch": f"2026-{i % 4}",
         "unit": "台", "price": "1200.50", "category": "网络设备"}
        for i in range(count)
    ]


def warehouses() -> list[dict]:
    return [{"external_id": f"W{i}", "name": f"{city}仓", "address": f"{city}市"} for i, city in
            enumerate(["上海", "北京", "广州", "成都", "武汉"])]


def inventory() -> list[dict]:
    return [{"product": f"P{p:04d}", "warehouse": f"W{w}", "quantity": str(p * 3 + w)}
            for p in range(200) for w in range(5) if (p + w) % 2 == 0]


def orders(count: int, customers: list) -> list[dict]:
    """Orders spread over two years; one in ten names a customer the CRM does not know."""
    rows = []
    start = datetime.date(2025, 1, 1)
    for i in range(count):
        customer = customers[i % len(customers)]
        known = i % 10 != 9
        rows.append({
            "external_id": f"SO-{i:06d}",
            "number": f"XS{i:08d}",
            "customer_code": customer.number if known else f"ERP-C{i % 50:03d}",
            "customer_name": customer.name if known else f"未建档客户{i % 50}",
            "ordered_on": (start + datetime.timedelta(days=i % 700)).isoformat(),
            "delivery_address": "上海市浦东新区张江路 88 号",
            "status": (5, 6, 3)[i % 3],
            "lines": [
                {"line_no": 1, "product": f"P{i % 200:04d}", "quantity": "2", "price": "1200.50"},
                {"line_no": 2, "product": f"P{(i + 7) % 200:04d}", "quantity": "1.5", "price": "100",
                 "amount": "140.00"},
            ],
        })
    return rows


def test_an_erp_pushes_everything_twice_and_the_second_time_changes_nothing(erp, sales):
    customers = [make_customer(manager=sales.manager, name=f"上海客户{i}有限公司") for i in range(20)]
    everything = [
        ("products", products()), ("warehouses", warehouses()), ("inventory", inventory()),
        ("orders", orders(10_000, customers)),
    ]
    for entity, rows in everything:
        for start in range(0, len(rows), BATCH):
            answer = push(erp, entity, rows[start : start + BATCH])
            assert answer["counts"]["created"] == len(rows[start : start + BATCH]), answer["counts"]
            assert answer["counts"]["rejected"] == 0
    assert (Product.objects.count(), Warehouse.objects.count(), Stock.objects.count()) == (200, 5, 500)
    assert Order.objects.count() == 10_000 and OrderLine.objects.count() == 20_000
    assert Order.objects.filter(customer=None).count() == 1_000  # kept, to be resolved: never dropped
    order = Order.objects.get(external_id="SO-000000")
    assert order.customer == customers[0] and order.total == Decimal("2541.00")  # 2 × 1200.50 + 140.00
    assert CustomerLink.objects.filter(code=customers[0].number, customer=customers[0]).exists()

    synced = dict(Order.objects.values_list("external_id", "synced_at"))
    audits = AuditEvent.objects.count()
    for entity, rows in everything:
        for start in range(0, len(rows), BATCH):
            answer = push(erp, entity, rows[start : start + BATCH])
            assert answer["counts"]["unchanged"] == len(rows[start : start + BATCH]), (entity, answer["counts"])
    assert dict(Order.objects.values_list("external_id", "synced_at")) == synced
    assert AuditEvent.objects.count() == audits  # nothing happened, nothing to audit
    assert OrderLine.objects.count() == 20_000


def test_a_malformed_batch_is_answered_row_by_row_and_the_good_rows_are_written(erp, sales):
    customer = make_customer(manager=sales.manager, name="上海浦江电子有限公司")
    push(erp, "products", products(10))
    good = orders(1, [customer])[0]
    rows = [
        good,
        {**good, "external_id": "SO-bad-date", "ordered_on": "2026-13-45"},
        {**good, "external_id": "SO-bad-total", "total": "1.00"},
        {**good, "external_id": "SO-unknown-product", "lines": [{"product": "NOPE", "quantity": 1, "price": 1}]},
        {**good, "external_id": "SO-no-lines", "lines": []},
        {**good, "external_id": "SO-no-customer", "customer_code": "", "customer_name": ""},
        {**good, "external_id": "SO-bad-line", "lines": [{"product": "P0000", "quantity": "x", "price": "1e400"}]},
        {**good, "external_id": "SO-long", "number": "号" * 65},
        "not an object",
        good,  # the same key twice in one batch
        {**good, "external_id": "SO-ok-2", "status": 6},
    ]
    answer = push(erp, "orders", rows)
    results = answer["rows"]
    assert [row["result"] for row in results] == ["created"] + ["rejected"] * 9 + ["created"]
    assert answer["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 9}
    errors = [row["errors"] for row in results]
    assert "ordered_on" in errors[1] and "YYYY-MM-DD" in errors[1]["ordered_on"][0]
    assert "total" in errors[2]
    assert "lines[0].product" in errors[3]
    assert "lines" in errors[4]
    assert "customer_code" in errors[5]
    assert set(errors[6]) == {"lines[0].quantity", "lines[0].price"}
    assert "number" in errors[7]
    assert "row" in errors[8]
    assert "external_id" in errors[9]
    assert set(Order.objects.values_list("external_id", flat=True)) == {"SO-000000", "SO-ok-2"}


def test_a_changed_order_is_updated_with_its_lines_replaced(erp, sales):
    customer = make_customer(manager=sales.manager, name="上海浦江电子有限公司")
    push(erp, "products", products(10))
    row = orders(1, [customer])[0]
    push(erp, "orders", [row])
    changed = {**row, "status": 6, "lines": [{"product": "P0003", "quantity": "1", "price": "10"}]}
    answer = push(erp, "orders", [changed])
    assert answer["rows"][0]["result"] == "updated"
    order = Order.objects.get(external_id=row["external_id"])
    assert order.status == 6 and order.total == Decimal("10.00")
    assert list(order.lines.values_list("product__external_id", "amount")) == [("P0003", Decimal("10.00"))]


def test_orders_find_their_customer_by_credit_code_or_name_and_keep_the_link(erp, sales):
    by_name = make_customer(manager=sales.manager, name="上海浦江电子有限公司")
    by_code = make_customer(manager=sales.manager, name="杭州西湖科技有限公司", credit_code="91330100MA27XYK127")
    push(erp, "products", products(10))
    base = orders(1, [by_name])[0]
    rows = [
        {**base, "external_id": "A", "customer_code": "K-1", "customer_name": "上海浦江电子"},  # the name key
        {**base, "external_id": "B", "customer_code": "K-2", "customer_name": "别的名字",
         "customer_credit_code": "91330100MA27XYK127"},
    ]
    push(erp, "orders", rows)
    assert Order.objects.get(external_id="A").customer == by_name
    assert Order.objects.get(external_id="B").customer == by_code
    assert dict(CustomerLink.objects.values_list("code", "customer")) == {"K-1": by_name.pk, "K-2": by_code.pk}


def test_only_the_integration_function_may_push_and_the_service_account_may_do_nothing_else(erp, sales, client):
    answer = api_error(api_client(sales.manager).post(
        "/api/v1/integration/products/", {"rows": products(1)}, format="json"), 403)
    assert answer
    assert erp.get("/api/v1/customers/").status_code == 403
    assert erp.get("/api/v1/me/").status_code == 200
    assert not client.login(username="erp", password="")  # no password: it cannot sign in to the pages
    assert Product.objects.count() == 0


def test_a_batch_is_bounded(erp):
    api_error(erp.post("/api/v1/integration/products/", {"rows": products(5001)}, format="json"), 400)
    api_error(erp.post("/api/v1/integration/products/", {"rows": "x"}, format="json"), 400)
    api_error(erp.post("/api/v1/integration/products/", {"rows": []}, format="json"), 400)
    assert Product.objects.count() == 0


def test_inventory_needs_known_products_and_warehouses_and_is_keyed_by_the_pair(erp):
    push(erp, "products", products(2))
    push(erp, "warehouses", warehouses()[:1])
    answer = push(erp, "inventory", [
        {"product": "P0000", "warehouse": "W0", "quantity": "5"},
        {"product": "P0001", "warehouse": "W9", "quantity": "5"},
        {"product": "P0000", "warehouse": "W0", "quantity": "6"},
    ])
    assert [row["result"] for row in answer["rows"]] == ["created", "rejected", "rejected"]
    assert "warehouse" in answer["rows"][1]["errors"] and "external_id" in answer["rows"][2]["errors"]
    assert push(erp, "inventory", [{"product": "P0000", "warehouse": "W0", "quantity": "7"}])["counts"]["updated"] == 1
    assert Stock.objects.get().quantity == Decimal("7")
