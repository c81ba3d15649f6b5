"""The services API (API.md): the whole flow, filters, 409 illegal_transition, 404 outside the
scope, 403 without the function, 400 for bad input, and the schema."""

from crm.service.models import Service
from crm.service.tests.conftest import service_type
from crm.testing import api_client, api_error

URL = "/api/v1/services/"


def _body(customer, **changes) -> dict:
    request = "如何开具增值税专票？"
    body = {"type": service_type("1").pk, "summary": "咨询发票开具", "customer": customer.pk, "request": request}
    return {**body, **changes}


def test_the_whole_flow_with_a_dissatisfied_round(sales, customer):
    manager, supervisor = api_client(sales.manager), api_client(sales.supervisor)
    created = manager.post(URL, _body(customer), format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["number"].startswith("FW") and body["status"] == "new" and body["created_by"] == sales.manager.pk
    assert body["actions"] == ["assign"] and body["rounds"] == [] and body["type_label"] == "咨询"
    pk = body["id"]
    assigned = supervisor.post(f"{URL}{pk}/assign/", {"assignee": sales.manager.pk}, format="json")
    assert assigned.status_code == 200 and assigned.json()["status"] == "assigned" and assigned.json()["assigned_at"]
    handled = manager.post(f"{URL}{pk}/handle/", {"handling": "电话说明流程"}, format="json")
    assert handled.status_code == 200 and handled.json()["status"] == "handled"
    back = manager.post(f"{URL}{pk}/feedback/", {"result": "仍不清楚", "satisfaction": 2}, format="json")
    assert back.status_code == 200 and back.json()["status"] == "assigned"
    manager.post(f"{URL}{pk}/handle/", {"handling": "上门讲解"}, format="json")
    done = manager.post(f"{URL}{pk}/feedback/", {"result": "已清楚", "satisfaction": 4}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "archived"
    rounds = manager.get(f"{URL}{pk}/").json()["rounds"]
    assert [(r["sequence"], r["satisfaction"]) for r in rounds] == [(1, 2), (2, 4)]


def test_an_illegal_step_answers_409_illegal_transition(sales, customer):
    manager = api_client(sales.manager)
    pk = manager.post(URL, _body(customer), format="json").json()["id"]
    error = api_error(manager.post(f"{URL}{pk}/handle/", {"handling": "x"}, format="json"), 409, "illegal_transition")
    assert error["message"]
    api_error(manager.post(f"{URL}{pk}/feedback/", {"result": "x", "satisfaction": 4}, format="json"), 409,
              "illegal_transition")
    assert Service.objects.get(pk=pk).status == "new"


def test_out_of_scope_is_404_and_no_function_is_403(sales, customer, far_customer, agent):
    pk = api_client(agent).post(URL, _body(far_customer), format="json").json()["id"]
    manager = api_client(sales.manager)
    api_error(manager.get(f"{URL}{pk}/"), 404, "not_found")
    api_error(api_client(sales.supervisor).post(f"{URL}{pk}/assign/", {"assignee": sales.manager.pk}, format="json"),
              404)
    assert pk not in [row["id"] for row in manager.get(URL).json()["results"]]
    api_error(manager.post(f"{URL}{pk}/assign/", {"assignee": sales.manager.pk}, format="json"), 403)
    api_error(api_client(sales.executive).post(URL, _body(customer), format="json"), 403)
    assert Service.objects.get(pk=pk).status == "new"


def test_bad_input_is_400_with_fields(sales, customer, far_customer):
    manager = api_client(sales.manager)
    error = api_error(manager.post(URL, _body(customer, summary=""), format="json"), 400, "validation_error")
    assert "summary" in error["fields"]
    error = api_error(manager.post(URL, _body(far_customer), format="json"), 400, "validation_error")
    assert "customer" in error["fields"]
    pk = manager.post(URL, _body(customer), format="json").json()["id"]
    api_client(sales.supervisor).post(f"{URL}{pk}/assign/", {"assignee": sales.manager.pk}, format="json")
    manager.post(f"{URL}{pk}/handle/", {"handling": "处理"}, format="json")
    error = api_error(manager.post(f"{URL}{pk}/feedback/", {"result": "x", "satisfaction": 7}, format="json"), 400)
    assert "satisfaction" in error["fields"]
    api_error(manager.get(URL, {"created_after": "2025-13-01"}), 400, "validation_error")


def test_list_filters(sales, customer):
    manager = api_client(sales.manager)
    first = manager.post(URL, _body(customer, summary="打印机卡纸"), format="json").json()
    manager.post(URL, _body(customer, summary="系统升级建议", type=service_type("2").pk), format="json")

    def numbers(**params):
        return {row["number"] for row in manager.get(URL, params).json()["results"]}

    assert len(numbers()) == 2
    assert numbers(search="卡纸") == {first["number"]}
    assert numbers(search=first["number"]) == {first["number"]}
    assert numbers(type=service_type("2").pk) != {first["number"]} and len(numbers(type=service_type("2").pk)) == 1
    assert numbers(status="archived") == set()
    assert len(numbers(customer=customer.pk, created_after="2000-01-01", created_before="2999-12-31")) == 2


def test_the_schema_documents_the_actions(sales):
    schema = api_client(sales.executive).get("/api/schema/", {"format": "json"}).json()
    for path in ("/api/v1/services/", "/api/v1/services/{id}/assign/", "/api/v1/services/{id}/handle/",
                 "/api/v1/services/{id}/feedback/"):
        assert path in schema["paths"], path
