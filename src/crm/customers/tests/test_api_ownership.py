"""REST API: who works a customer. Share (CUS-6), hand over (CUS-7), the public pool (CUS-13),
merge (CUS-9) and transfer requests after a blocked duplicate (CUS-8)."""

import pytest

from crm.customers.models import Contact, Customer, EventKind, TransferRequest
from crm.customers.services.pool import customer_release
from crm.customers.testing import make_contact, make_customer
from crm.customers.tests.test_api_customers import CREDIT_CODE, CUSTOMERS, client_for, error, required_values


@pytest.fixture
def customer(sales):
    return make_customer(manager=sales.manager, name="北京华信科技有限公司", phone="010-82345678")


def test_share_and_unshare(sales, customer):
    api = client_for(sales.manager)
    colleague = client_for(sales.colleague)
    url = f"{CUSTOMERS}{customer.pk}/"
    error(colleague.get(url), 404)
    response = api.post(f"{url}share/", {"users": [sales.colleague.pk]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["shares"] == [{"user": sales.colleague.pk, "name": "周杰", "can_edit": False}]
    assert colleague.get(url).status_code == 200
    error(colleague.patch(url, {"address": "x"}, format="json"), 403)  # shared to read only
    assert "users" in error(api.post(f"{url}share/", {"users": []}, format="json"), 400)["fields"]
    assert "users" in error(api.post(f"{url}share/", {"users": [sales.manager.pk]}, format="json"), 400)["fields"]

    response = api.post(f"{url}unshare/", {"user": sales.colleague.pk}, format="json")
    assert response.status_code == 200 and response.json()["shares"] == []
    error(colleague.get(url), 404)
    kinds = [event.kind for event in customer.events.all()]
    assert kinds.count(EventKind.SHARED) == 2


def test_hand_over_one_customer(sales, customer):
    url = f"{CUSTOMERS}{customer.pk}/handover/"
    error(client_for(sales.manager).post(url, {"manager": sales.colleague.pk}, format="json"), 403)
    supervisor = client_for(sales.supervisor)
    fields = error(supervisor.post(url, {"manager": sales.other.pk}, format="json"), 400)["fields"]
    assert "manager" in fields  # 深圳 is outside the supervisor's scope
    response = supervisor.post(url, {"manager": sales.colleague.pk, "note": "调岗"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["manager"] == sales.colleague.pk and response.json()["manager_name"] == "周杰"
    error(supervisor.post(url, {"manager": sales.colleague.pk}, format="json"), 409, "not_handed_over")
    event = customer.events.filter(kind=EventKind.HANDED_OVER).get()
    assert event.summary == "调岗" and event.data == {"manager": [sales.manager.pk, sales.colleague.pk]}
    error(client_for(sales.manager).get(f"{CUSTOMERS}{customer.pk}/"), 404)


def test_hand_over_many_leaves_out_what_is_outside_the_scope(sales, customer):
    second = make_customer(manager=sales.manager, name="上海远景贸易有限公司")
    foreign = make_customer(manager=sales.other, name="深圳腾飞电子有限公司")
    response = client_for(sales.supervisor).post(
        f"{CUSTOMERS}handover/",
        {"customers": [customer.pk, second.pk, foreign.pk], "manager": sales.colleague.pk},
        format="json",
    )
    assert response.status_code == 200 and response.json() == {"count": 2}
    managers = dict(Customer.objects.values_list("pk", "manager_id"))
    assert managers == {customer.pk: sales.colleague.pk, second.pk: sales.colleague.pk, foreign.pk: sales.other.pk}
    fields = error(client_for(sales.supervisor).post(f"{CUSTOMERS}handover/", {"customers": []}, format="json"), 400)
    assert set(fields["fields"]) == {"customers", "manager"}


def test_release_claim_and_the_pool(sales, customer):
    manager = client_for(sales.manager)
    colleague = client_for(sales.colleague)
    url = f"{CUSTOMERS}{customer.pk}/"
    assert "reason" in error(manager.post(f"{url}release/", {}, format="json"), 400)["fields"]
    response = manager.post(f"{url}release/", {"reason": "长期无需求"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["manager"] is None and response.json()["pool_name"] == "公共客户池"
    error(manager.post(f"{url}release/", {"reason": "再次"}, format="json"), 403)  # no longer theirs to change

    pool = colleague.get(f"{CUSTOMERS}pool/").json()
    assert [row["id"] for row in pool["results"]] == [customer.pk]
    assert pool["results"][0]["previous_manager_name"] == "刘洋"
    assert colleague.get(f"{CUSTOMERS}pool/", {"search": "华信"}).json()["count"] == 1
    assert colleague.get(f"{CUSTOMERS}pool/", {"search": "远景"}).json()["count"] == 0
    error(client_for(sales.executive).get(f"{CUSTOMERS}pool/"), 403)

    error(manager.post(f"{url}claim/"), 409, "reclaim_too_soon")
    response = colleague.post(f"{url}claim/")
    assert response.status_code == 200 and response.json()["manager"] == sales.colleague.pk
    error(manager.post(f"{url}claim/"), 404)  # someone else's now: out of the manager's scope
    assert colleague.get(f"{CUSTOMERS}pool/").json()["count"] == 0
    kinds = {event.kind for event in customer.events.all()}
    assert {EventKind.RELEASED, EventKind.CLAIMED} <= kinds


def test_assign_pool_customers(sales, customer):
    customer_release(actor=sales.manager, customer=customer, reason="无人跟进")
    body = {"customers": [customer.pk], "manager": sales.colleague.pk}
    error(client_for(sales.manager).post(f"{CUSTOMERS}assign/", body, format="json"), 403)
    supervisor = client_for(sales.supervisor)
    response = supervisor.post(f"{CUSTOMERS}assign/", body, format="json")
    assert response.status_code == 200 and response.json() == {"count": 1}
    customer.refresh_from_db()
    assert customer.manager == sales.colleague and customer.pool is None
    error(supervisor.post(f"{CUSTOMERS}assign/", body, format="json"), 409, "claimed")


def test_merge_duplicates(sales, customer):
    make_contact(customer=customer, name="王小明")
    twin = make_customer(manager=sales.manager, name="华信科技（北京）有限公司", phone="13812345678")
    make_contact(customer=twin, name="李雷", mobile="139 0000 1111")
    supervisor = client_for(sales.supervisor)
    body = {"target": customer.pk, "others": [twin.pk], "choices": {"phone": twin.pk}}
    error(client_for(sales.manager).post(f"{CUSTOMERS}merge/", body, format="json"), 403)
    response = supervisor.post(f"{CUSTOMERS}merge/", body, format="json")
    assert response.status_code == 200, response.content
    merged = response.json()
    assert merged["id"] == customer.pk and merged["phone"] == "138 1234 5678"
    assert sorted(Contact.objects.filter(customer=customer).values_list("name", flat=True)) == ["李雷", "王小明"]
    error(supervisor.get(f"{CUSTOMERS}{twin.pk}/"), 404)
    fields = error(
        supervisor.post(f"{CUSTOMERS}merge/", {"target": customer.pk, "others": [customer.pk]}, format="json"), 400
    )
    assert "others" in fields["fields"]
    foreign = make_customer(manager=sales.other, name="深圳腾飞电子有限公司")
    error(supervisor.post(f"{CUSTOMERS}merge/", {"target": customer.pk, "others": [foreign.pk]}, format="json"), 404)
    assert Customer.objects.filter(pk=foreign.pk).exists()


def test_a_blocked_duplicate_leads_to_a_transfer_request_the_supervisor_approves(sales):
    owned = make_customer(manager=sales.colleague, name="上海华信科技股份有限公司", credit_code=CREDIT_CODE)
    manager = client_for(sales.manager)
    blocked = error(
        manager.post(CUSTOMERS, required_values(name="华信科技（上海）", credit_code=CREDIT_CODE), format="json"),
        409,
        "duplicate",
    )
    token = blocked["details"]["duplicates"][0]["transfer_token"]
    requests = "/api/v1/customer-transfer-requests/"
    fields = error(manager.post(requests, {"transfer_token": "forged", "reason": "老客户"}, format="json"), 400)
    assert "transfer_token" in fields["fields"]
    response = manager.post(requests, {"transfer_token": token, "reason": "我方一直在跟进"}, format="json")
    assert response.status_code == 201, response.content
    request = response.json()
    assert request["status"] == "pending" and request["approver"] == sales.supervisor.pk
    assert request["owner_name"] == "周杰" and "华信" not in request["customer_name"]  # not the manager's to see
    error(manager.post(requests, {"transfer_token": token, "reason": "再问一次"}, format="json"), 409, "pending")
    error(manager.post(f"{requests}{request['id']}/approve/", {}, format="json"), 403)
    error(client_for(sales.other).get(f"{requests}{request['id']}/"), 404)

    supervisor = client_for(sales.supervisor)
    to_decide = supervisor.get(requests, {"box": "to_decide"}).json()
    assert [row["id"] for row in to_decide["results"]] == [request["id"]]
    assert to_decide["results"][0]["customer_name"] == "上海华信科技股份有限公司"
    response = supervisor.post(f"{requests}{request['id']}/approve/", {"note": "同意"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "approved"
    owned.refresh_from_db()
    assert owned.manager == sales.manager
    assert manager.get(f"{CUSTOMERS}{owned.pk}/").status_code == 200
    error(supervisor.post(f"{requests}{request['id']}/reject/", {}, format="json"), 409, "decided")
    assert manager.get(requests, {"box": "mine"}).json()["results"][0]["customer_name"] == "上海华信科技股份有限公司"


def test_a_transfer_request_can_be_rejected(sales):
    owned = make_customer(manager=sales.colleague, name="上海华信科技股份有限公司", credit_code=CREDIT_CODE)
    blocked = error(
        client_for(sales.manager).post(
            CUSTOMERS, required_values(name="华信科技", credit_code=CREDIT_CODE), format="json"
        ),
        409,
    )
    token = blocked["details"]["duplicates"][0]["transfer_token"]
    created = client_for(sales.manager).post(
        "/api/v1/customer-transfer-requests/", {"transfer_token": token, "reason": "想要"}, format="json"
    )
    response = client_for(sales.supervisor).post(
        f"/api/v1/customer-transfer-requests/{created.json()['id']}/reject/", {"note": "周杰在跟"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    assert response.json()["decision_note"] == "周杰在跟"
    owned.refresh_from_db()
    assert owned.manager == sales.colleague and TransferRequest.objects.get().status == "rejected"
