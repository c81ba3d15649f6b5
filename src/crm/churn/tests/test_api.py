"""The churn warnings API (API.md): list with filters and ordering, detail with measures, the
measures and confirm actions, 409 on the wrong state, 400 without a reason, 404 outside the scope,
403 without the function, and a fixed number of queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.churn.models import ChurnWarning, CustomerValue, WarningState
from crm.churn.scan import churn_scan
from crm.churn.tests.conftest import OLD, TODAY, warned
from crm.customers.models import Customer, CustomerStatus
from crm.customers.testing import make_customer
from crm.orders.testing import make_order
from crm.testing import api_client, api_error

URL = "/api/v1/churn-warnings/"


def test_the_whole_flow(sales, customer):
    warning = warned(customer)
    manager = api_client(sales.manager)
    listed = manager.get(URL)
    assert listed.status_code == 200
    row = listed.json()["results"][0]
    assert row["id"] == warning.pk and row["state"] == "open" and row["customer_name"] == customer.name
    assert row["manager"] == sales.manager.pk and row["measures_count"] == 0 and row["p_alive"] is None
    assert row["last_order_on"] == OLD.isoformat() and row["actions"] == ["suspend", "close"]
    error = api_error(manager.post(f"{URL}{warning.pk}/confirm/", {"reason": "客户倒闭"}, format="json"), 409,
                      "illegal_transition")
    assert error["message"]
    added = manager.post(f"{URL}{warning.pk}/measures/", {"text": "电话回访"}, format="json")
    assert added.status_code == 201, added.content
    body = added.json()
    assert body["state"] == "suspended" and body["measures"][0]["text"] == "电话回访"
    assert body["measures"][0]["created_by"] == sales.manager.pk and body["measures_count"] == 1
    api_error(manager.post(f"{URL}{warning.pk}/confirm/", {"reason": ""}, format="json"), 400)
    api_error(manager.post(f"{URL}{warning.pk}/confirm/", {}, format="json"), 400)
    confirmed = manager.post(f"{URL}{warning.pk}/confirm/", {"reason": "客户倒闭"}, format="json")
    assert confirmed.status_code == 200 and confirmed.json()["state"] == "confirmed"
    assert confirmed.json()["confirmed_by"] == sales.manager.pk and confirmed.json()["reason"] == "客户倒闭"
    assert Customer.objects.get(pk=customer.pk).status == CustomerStatus.LOST
    api_error(manager.post(f"{URL}{warning.pk}/measures/", {"text": "晚了"}, format="json"), 409)


def test_filters_and_ordering(sales, customer):
    second = make_customer(manager=sales.colleague, name="北京华信网络有限公司")
    make_order(customer, ordered_on=OLD)
    make_order(second, ordered_on=OLD.replace(day=2))
    churn_scan(today=TODAY)
    CustomerValue.objects.create(
        customer=customer, orders=1, first_order_on=OLD, last_order_on=OLD, spend=1, p_alive=0.7, expected_orders=0,
        expected_spend=0, refreshed_at="2026-08-31T00:00:00Z",
    )
    supervisor = api_client(sales.supervisor)

    def names(**params) -> list[str]:
        answer = supervisor.get(URL, params)
        assert answer.status_code == 200, answer.content
        return [row["customer_name"] for row in answer.json()["results"]]

    assert names(ordering="p_alive") == [customer.name, second.name]  # nulls last
    assert names(ordering="-last_order_on") == [second.name, customer.name]
    assert names(manager=sales.colleague.pk) == [second.name]
    assert names(customer=customer.pk) == [customer.name]
    assert names(customer_name="huaxin") == [second.name]
    assert sorted(names(state="open", tab="active")) == sorted([customer.name, second.name])
    assert names(state="confirmed") == [] and names(tab="closed") == []
    assert names(alive_below=0.8) == [customer.name]  # the other is not valued yet: left out
    assert names(alive_below=0.7) == []
    api_error(supervisor.get(URL, {"alive_below": 1.5}), 400)
    api_error(supervisor.get(URL, {"ordering": "name"}), 400)
    api_error(supervisor.get(URL, {"state": "gone"}), 400)


def test_out_of_scope_is_404_and_no_function_is_403(sales, customer, far_customer):
    warning = warned(far_customer)
    manager = api_client(sales.manager)
    api_error(manager.get(f"{URL}{warning.pk}/"), 404, "not_found")
    api_error(manager.post(f"{URL}{warning.pk}/measures/", {"text": "x"}, format="json"), 404)
    assert manager.get(URL).json()["count"] == 0
    executive = api_client(sales.executive)
    assert executive.get(f"{URL}{warning.pk}/").status_code == 200
    api_error(executive.post(f"{URL}{warning.pk}/measures/", {"text": "x"}, format="json"), 403)
    assert ChurnWarning.objects.get(pk=warning.pk).state == WarningState.OPEN


def test_the_list_reads_a_fixed_number_of_queries(sales):
    client = api_client(sales.manager)

    def count(n: int) -> int:
        for i in range(n):
            made = make_customer(manager=sales.manager, name=f"接口计数客户{Customer.objects.count()}{i}有限公司")
            make_order(made, ordered_on=OLD)
        churn_scan(today=TODAY)
        client.get(URL)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    assert count(2) == count(7)


def test_the_answers_validate_against_the_schema(sales, customer):
    """As tests/test_api_answers_schema.py does for every endpoint, here with a warning to show."""
    from drf_spectacular.generators import SchemaGenerator
    from jsonschema import Draft7Validator


    def _jsonschema(node):  # OpenAPI 3.0's `nullable` as JSON Schema's null type
        if isinstance(node, list):
            return [_jsonschema(item) for item in node]
        if not isinstance(node, dict):
            return node
        node = {key: _jsonschema(value) for key, value in node.items()}
        return {"anyOf": [node, {"type": "null"}]} if node.pop("nullable", False) else node

    warning = warned(customer)
    client = api_client(sales.manager)
    client.post(f"{URL}{warning.pk}/measures/", {"text": "电话回访"}, format="json")
    CustomerValue.objects.create(
        customer=customer, orders=1, first_order_on=OLD, last_order_on=OLD, spend=1, p_alive=0.25, expected_orders=0,
        expected_spend=0, refreshed_at="2026-08-31T00:00:00Z",
    )
    schema = SchemaGenerator(urlconf="crm.urls").get_schema(request=None, public=True)
    components = _jsonschema(schema["components"])
    for path, url in ((URL, URL), (f"{URL}{{id}}/", f"{URL}{warning.pk}/")):
        content = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        body = client.get(url).json()
        validator = Draft7Validator(
            {"components": components, "allOf": [_jsonschema(content["schema"])]},
            format_checker=Draft7Validator.FORMAT_CHECKER,
        )
        assert [error.message for error in validator.iter_errors(body)] == []
    assert client.get(f"{URL}{warning.pk}/").json()["p_alive"] == 0.25
