"""The opportunities API (API.md): CRUD while unassigned, the actions assign/succeed/fail with
409 for a step the status does not allow, the development plan under the opportunity, 404
outside the scope, masked values not searchable."""

import threading

import pytest
from django.db import connection, connections

from crm.access.models import FieldRule, Role
from crm.customers.models import Customer
from crm.customers.testing import make_customer, picklist
from crm.opportunities import services
from crm.opportunities.models import Opportunity, OpportunityStatus
from crm.testing import api_client, api_error

URL = "/api/v1/opportunities/"
BODY = {
    "source": "转介绍",
    "customer_name": "无锡太湖电器厂",
    "probability": 70,
    "summary": "车间管理系统",
    "contact_name": "赵敏",
    "contact_phone": "13912345678",
    "description": "老客户介绍",
}


def test_the_whole_flow(sales):
    supervisor, manager = api_client(sales.supervisor), api_client(sales.manager)
    created = supervisor.post(URL, BODY, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "unassigned" and body["number"].startswith("JH")
    assert body["created_by"] == sales.supervisor.pk
    pk = body["id"]
    assigned = supervisor.post(f"{URL}{pk}/assign/", {"owner": sales.manager.pk}, format="json")
    assert assigned.status_code == 200 and assigned.json()["status"] == "developing"
    assert assigned.json()["assigned_at"] and assigned.json()["owner"] == sales.manager.pk
    items = f"{URL}{pk}/plan-items/"
    item = manager.post(items, {"date": "2026-12-15", "content": "演示产品"}, format="json")
    assert item.status_code == 201, item.content
    item_url = f"{items}{item.json()['id']}/"
    api_error(manager.patch(item_url, {"date": "2026-12-16"}, format="json"), 400)
    done = manager.patch(item_url, {"result": "客户满意"}, format="json")
    assert done.status_code == 200 and done.json()["result"] == "客户满意" and done.json()["result_at"]
    assert [row["content"] for row in manager.get(items).json()["results"]] == ["演示产品"]
    region, level = picklist("region").pk, picklist("customer_level").pk
    won = manager.post(f"{URL}{pk}/succeed/", {"region": region, "level": level}, format="json")
    assert won.status_code == 200, won.content
    assert won.json()["status"] == "won" and won.json()["customer_created"] is True
    assert Customer.objects.get(pk=won.json()["customer"]).name == "无锡太湖电器厂"
    again = manager.post(f"{URL}{pk}/fail/", {}, format="json")
    assert api_error(again, 409, "illegal_transition")["message"]


def test_edit_and_delete_rules(sales):
    manager = api_client(sales.manager)
    pk = manager.post(URL, BODY, format="json").json()["id"]
    changed = manager.patch(f"{URL}{pk}/", {"summary": "改", "status": "won", "number": "X"}, format="json")
    assert changed.status_code == 200 and changed.json()["summary"] == "改" and changed.json()["status"] == "unassigned"
    api_error(api_client(sales.supervisor).delete(f"{URL}{pk}/"), 403)
    api_client(sales.supervisor).post(f"{URL}{pk}/assign/", {"owner": sales.manager.pk}, format="json")
    api_error(manager.patch(f"{URL}{pk}/", {"summary": "再改"}, format="json"), 409, "illegal_transition")
    api_error(manager.delete(f"{URL}{pk}/"), 409)


def test_bad_input_is_400_with_fields(sales):
    manager = api_client(sales.manager)
    fields = api_error(manager.post(URL, {**BODY, "probability": 101, "summary": ""}, format="json"), 400)["fields"]
    assert {"probability", "summary"} <= set(fields)
    fields = api_error(manager.post(URL, {**BODY, "contact_phone": "x1"}, format="json"), 400)["fields"]
    assert "contact_phone" in fields
    assert not Opportunity.objects.exists()


def test_managers_may_not_assign(sales):
    manager = api_client(sales.manager)
    pk = manager.post(URL, BODY, format="json").json()["id"]
    api_error(manager.post(f"{URL}{pk}/assign/", {"owner": sales.manager.pk}, format="json"), 403)


def test_out_of_scope_is_404_everywhere(sales):
    theirs = services.opportunity_create(actor=sales.other, data=BODY)
    manager = api_client(sales.manager)
    for method, path in (
        ("get", f"{URL}{theirs.pk}/"),
        ("patch", f"{URL}{theirs.pk}/"),
        ("delete", f"{URL}{theirs.pk}/"),
        ("get", f"{URL}{theirs.pk}/plan-items/"),
    ):
        api_error(getattr(manager, method)(path, {}, format="json"), 404)
    assert manager.get(URL).json()["count"] == 0


def test_on_an_existing_customer(sales):
    customer = make_customer(manager=sales.manager, name="常州恐龙园")
    manager = api_client(sales.manager)
    body = manager.post(URL, {**BODY, "customer": customer.pk}, format="json").json()
    assert body["customer"] == customer.pk and body["status"] == "developing" and body["customer_name"] == "常州恐龙园"
    assert manager.get(f"{URL}?customer={customer.pk}").json()["count"] == 1
    elsewhere = make_customer(manager=sales.other, name="深圳湾")
    api_error(manager.post(URL, {**BODY, "customer": elsewhere.pk}, format="json"), 400)


def test_a_masked_phone_is_neither_shown_nor_searchable(sales, org, make_user):
    services.opportunity_create(actor=sales.manager, data=BODY)
    viewer = make_user("masked", role="executive", department=org.head)
    executive = Role.objects.get(code="executive")
    FieldRule.objects.create(role=executive, resource="opportunities.opportunity", field="contact_phone", rule="masked")
    api = api_client(viewer)
    row = api.get(URL).json()["results"][0]
    assert row["contact_phone"] != "139 1234 5678" and "*" in row["contact_phone"]
    assert api.get(URL, {"search": "1391234"}).json()["count"] == 0
    assert api_client(sales.manager).get(URL, {"search": "1391234"}).json()["count"] == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_successes_end_with_one_customer(sales):
    """Two opportunities for one company won at the same moment: one customer (PostgreSQL races)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs write transactions one at a time")
    first = services.opportunity_create(actor=sales.supervisor, data=BODY)
    second = services.opportunity_create(actor=sales.supervisor, data=BODY)
    for opportunity in (first, second):
        services.opportunity_assign(actor=sales.supervisor, opportunity=opportunity, owner=sales.manager)
    data = {"region": picklist("region"), "level": picklist("customer_level")}
    barrier, errors = threading.Barrier(2), []

    def win(opportunity):
        try:
            barrier.wait()
            services.opportunity_succeed(actor=sales.manager, opportunity=opportunity, customer_data=data)
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=win, args=(o,)) for o in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert Customer.objects.filter(name="无锡太湖电器厂").count() == 1
    assert set(Opportunity.objects.values_list("status", flat=True)) == {OpportunityStatus.WON}
