"""The read API of orders, products and inventory (API.md): a customer's history, one order with its
lines, product and inventory queries, unmatched orders and resolving them; 404 outside the scope,
403 without the function, 400 for bad input."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.access.models import Role, RolePermission, Scope
from crm.audit.models import AuditEvent
from crm.orders.models import CustomerLink, Order
from crm.orders.testing import make_order, make_product, make_stock, make_warehouse
from crm.testing import api_client, api_error


def test_history_lists_shipped_and_paid_orders_newest_first(sales, customer, far_customer):
    old = make_order(customer, ordered_on=datetime.date(2025, 1, 5), status=6)
    new = make_order(customer, ordered_on=datetime.date(2026, 3, 1))
    make_order(customer, ordered_on=datetime.date(2026, 4, 1), status=4)
    api = api_client(sales.manager)
    body = api.get(f"/api/v1/customers/{customer.pk}/orders/").json()
    assert body["count"] == 2 and [row["id"] for row in body["results"]] == [new.pk, old.pk]
    first = body["results"][0]
    assert first["ordered_on"] == "2026-03-01" and first["status"] == 5 and first["status_label"] == "已发货"
    assert first["total"] == "2400.00" and first["delivery_address"] == "上海市浦东新区张江路 88 号"
    paged = api.get(f"/api/v1/customers/{customer.pk}/orders/", {"page_size": 1, "page": 2}).json()
    assert [row["id"] for row in paged["results"]] == [old.pk] and paged["next"] is None
    api_error(api.get(f"/api/v1/customers/{far_customer.pk}/orders/"), 404, "not_found")
    api_error(api.get("/api/v1/customers/999999/orders/"), 404)


def test_history_queries_do_not_grow_with_the_page_size(sales, customer):
    for day in range(1, 11):
        make_order(customer, ordered_on=datetime.date(2026, 1, day))
    api = api_client(sales.manager)
    url = f"/api/v1/customers/{customer.pk}/orders/"
    counts = []
    for size in (2, 10):
        api.get(url, {"page_size": size})
        with CaptureQueriesContext(connection) as queries:
            assert len(api.get(url, {"page_size": size}).json()["results"]) == size
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_an_order_with_its_lines(sales, customer, far_customer):
    router = make_product("工业路由器", "R-200", "2026A", unit="台")
    cable = make_product("网线", "CAT6", "B7", unit="箱")
    order = make_order(customer, lines=[(router, "2", "1200.00"), (cable, "3", "150.50")])
    api = api_client(sales.manager)
    body = api.get(f"/api/v1/orders/{order.pk}/").json()
    assert body["number"] == order.number and body["total"] == "2851.50" and body["customer"] == customer.pk
    assert [(line["line_no"], line["product_name"], line["model_number"], line["batch"], line["unit"],
             line["quantity"], line["price"], line["amount"]) for line in body["lines"]] == [
        (1, "工业路由器", "R-200", "2026A", "台", "2.000", "1200.00", "2400.00"),
        (2, "网线", "CAT6", "B7", "箱", "3.000", "150.50", "451.50"),
    ]
    api_error(api.get(f"/api/v1/orders/{make_order(far_customer).pk}/"), 404)
    api_error(api.get(f"/api/v1/orders/{make_order(customer, status=2).pk}/"), 404)
    api_error(api.get("/api/v1/orders/abc/"), 404)


def test_products_and_inventory(sales):
    shanghai, beijing = make_warehouse("上海一号仓"), make_warehouse("北京二号仓")
    router = make_product("工业路由器", "R-200", "2026A")
    other = make_product("工业路由器", "R-300", "2026B")
    make_stock(router, shanghai, "4")
    make_stock(router, beijing, "6")
    make_stock(other, beijing, "1")
    api = api_client(sales.manager)
    body = api.get("/api/v1/products/", {"name": "路由", "model": "r-2", "batch": "2026"}).json()
    assert [(p["id"], p["stock_total"]) for p in body["results"]] == [(router.pk, "10.000")]
    ordered = api.get("/api/v1/products/", {"ordering": "-name"}).json()["results"]
    assert [p["id"] for p in ordered] == [other.pk, router.pk]
    api_error(api.get("/api/v1/products/", {"ordering": "price"}), 400, "validation_error")
    stock = api.get("/api/v1/inventory/", {"product": "R-3"}).json()["results"]
    assert [(s["product"], s["warehouse_name"], s["quantity"]) for s in stock] == [(other.pk, "北京二号仓", "1.000")]
    in_beijing = api.get("/api/v1/inventory/", {"warehouse": beijing.pk}).json()
    assert in_beijing["count"] == 2 and {s["product"] for s in in_beijing["results"]} == {router.pk, other.pk}
    api_error(api.get("/api/v1/inventory/", {"warehouse": "north"}), 400, "validation_error")


def test_the_functions_are_asked(make_user, org, customer):
    clerk = make_user("clerk", department=org.sales1)
    api = api_client(clerk)
    for url in (f"/api/v1/customers/{customer.pk}/orders/", "/api/v1/products/", "/api/v1/inventory/",
                "/api/v1/orders/unmatched/"):
        api_error(api.get(url), 403)
    api_error(api.post("/api/v1/orders/resolve/", {"code": "X", "customer": customer.pk}, format="json"), 403)


def test_unmatched_orders_and_resolving_them(sales, admin_user, customer, far_customer):
    first = make_order(None, customer_code="ERP-7", customer_name="浦江电子", ordered_on=datetime.date(2026, 1, 2))
    second = make_order(None, customer_code="ERP-7", customer_name="浦江电子", ordered_on=datetime.date(2026, 2, 3))
    make_order(None, customer_code="ERP-8", ordered_on=datetime.date(2025, 5, 1), status=6)
    make_order(None, customer_code="ERP-9", status=1)  # not shipped: not shown
    api = api_client(admin_user)
    api_error(api_client(sales.manager).get("/api/v1/orders/unmatched/"), 403)
    body = api.get("/api/v1/orders/unmatched/").json()
    assert body["count"] == 2
    assert body["results"][0] == {"customer_code": "ERP-7", "customer_name": "浦江电子", "orders": 2,
                                  "total": "4800.00", "newest": "2026-02-03"}
    api_error(api.post("/api/v1/orders/resolve/", {"code": "ERP-7"}, format="json"), 400, "validation_error")
    api_error(api.post("/api/v1/orders/resolve/", {"code": "NOPE", "customer": customer.pk}, format="json"), 404)
    api_error(api.post("/api/v1/orders/resolve/", {"code": "ERP-7", "customer": 999999}, format="json"), 400)
    answer = api.post("/api/v1/orders/resolve/", {"code": "ERP-7", "customer": customer.pk}, format="json")
    assert answer.status_code == 200 and answer.json() == {"code": "ERP-7", "customer": customer.pk, "linked": 2}
    assert set(Order.objects.filter(customer=customer).values_list("pk", flat=True)) == {first.pk, second.pk}
    assert CustomerLink.objects.get(code="ERP-7").customer == customer
    assert AuditEvent.objects.filter(action="orders.resolve").exists()
    history = api_client(sales.manager).get(f"/api/v1/customers/{customer.pk}/orders/").json()
    assert [row["id"] for row in history["results"]] == [second.pk, first.pk]
    assert [g["customer_code"] for g in api.get("/api/v1/orders/unmatched/").json()["results"]] == ["ERP-8"]


def test_a_resolver_may_only_name_a_customer_in_scope(make_user, org, customer, far_customer):
    role = Role.objects.create(code="resolvers", name="对账员", default_scope=Scope.DEPARTMENT)
    RolePermission.objects.create(role=role, code="orders.order.resolve")
    resolver = make_user("resolver", role="manager", department=org.sales1)
    resolver.roles.add(role)
    make_order(None, customer_code="ERP-5")
    api = api_client(resolver)
    api_error(api.post("/api/v1/orders/resolve/", {"code": "ERP-5", "customer": far_customer.pk}, format="json"), 400)
    assert Order.objects.filter(customer=None).count() == 1
    answer = api.post("/api/v1/orders/resolve/", {"code": "ERP-5", "customer": customer.pk}, format="json")
    assert answer.status_code == 200 and Order.objects.filter(customer=None).count() == 0


def test_the_answers_validate_against_the_schema(admin_user, customer):
    """tests/test_api_answers_schema.py walks every endpoint on data without orders; here they have rows."""
    from drf_spectacular.generators import SchemaGenerator
    from jsonschema import Draft7Validator
    from tests.test_api_answers_schema import _jsonschema

    product = make_product(price=None)
    make_stock(product, make_warehouse())
    order = make_order(customer, lines=[(product, "1.5", "10.00")])
    make_order(None, customer_code="ERP-1")
    schema = SchemaGenerator(urlconf="crm.urls").get_schema(request=None, public=True)
    components = _jsonschema(schema["components"])
    api = api_client(admin_user)
    answers = {
        "/api/v1/customers/{customer_pk}/orders/": f"/api/v1/customers/{customer.pk}/orders/",
        "/api/v1/orders/{id}/": f"/api/v1/orders/{order.pk}/",
        "/api/v1/orders/unmatched/": "/api/v1/orders/unmatched/",
        "/api/v1/products/": "/api/v1/products/",
        "/api/v1/inventory/": "/api/v1/inventory/",
    }
    failures = []
    for path, url in answers.items():
        body = api.get(url).json()
        assert body.get("results", [body])  # rows to check
        content = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        validator = Draft7Validator({"components": components, "allOf": [_jsonschema(content["schema"])]})
        failures += [f"{url}: {e.message}" for e in validator.iter_errors(body)]
    answer = api.post("/api/v1/orders/resolve/", {"code": "ERP-1", "customer": customer.pk}, format="json").json()
    content = schema["paths"]["/api/v1/orders/resolve/"]["post"]["responses"]["200"]["content"]["application/json"]
    failures += [e.message for e in Draft7Validator({"components": components, "allOf": [content["schema"]]})
                 .iter_errors(answer)]
    assert failures == []
