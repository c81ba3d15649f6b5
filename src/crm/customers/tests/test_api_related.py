"""REST API: what hangs off a customer. Contacts (CUS-3), follow-ups (CUS-5), interaction records
(CUS-4), attachments (CUS-12), contracts (CUS-16), the timeline (CUS-10); and that a customer
outside the caller's scope is a 404 on every endpoint."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from crm.customers.models import Attachment, Contact, Contract, Customer, FollowUp, Interaction
from crm.customers.services.activities import followup_create, interaction_create
from crm.customers.services.contracts import contract_create
from crm.customers.services.files import attachment_upload
from crm.customers.testing import make_contact, make_customer, picklist
from crm.customers.tests.test_api_customers import CUSTOMERS, client_for, error

PDF = b"%PDF-1.4\n% a quote\n" + b"0" * 200


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def customer(sales):
    return make_customer(manager=sales.manager, name="北京华信科技有限公司")


def test_contacts_list_create_change_delete(sales, customer):
    api = client_for(sales.manager)
    url = f"{CUSTOMERS}{customer.pk}/contacts/"
    body = {"name": "王小明", "gender": "male", "position": "采购经理", "office_phone": "021-62345678"}
    first = api.post(url, body, format="json")
    assert first.status_code == 201, first.content
    assert first.json()["is_primary"] is True and first.json()["customer"] == customer.pk  # the first is primary
    second = api.post(url, {**body, "name": "李雷", "mobile": "13900001111", "is_primary": True}, format="json")
    assert second.status_code == 201 and second.json()["mobile"] == "139 0000 1111"
    assert [row["name"] for row in api.get(url).json()["results"]] == ["李雷", "王小明"]
    fields = error(api.post(url, {"name": "张三"}, format="json", HTTP_ACCEPT_LANGUAGE="en"), 400)["fields"]
    assert fields["gender"] == ["This field is required."] and "office_phone" in fields

    contact = f"/api/v1/contacts/{first.json()['id']}/"
    assert "mobile" in error(api.patch(contact, {"mobile": "12345"}, format="json"), 400)["fields"]
    response = api.patch(contact, {"position": "总经理"}, format="json")
    assert response.status_code == 200 and response.json()["position"] == "总经理"
    assert api.get(contact).json()["position"] == "总经理"
    assert api.delete(f"/api/v1/contacts/{second.json()['id']}/").status_code == 204
    assert Contact.objects.get().is_primary is True  # the primary's successor
    error(client_for(sales.colleague).get(contact), 404)


def test_follow_ups_set_the_customers_dates(sales, customer):
    api = client_for(sales.manager)
    contact = make_contact(customer=customer)
    url = f"{CUSTOMERS}{customer.pk}/follow-ups/"
    next_date = datetime.date.today() + datetime.timedelta(days=7)
    body = {
        "method": picklist("followup_method", "phone").pk,
        "contact": contact.pk,
        "content": "电话沟通报价",
        "result": "客户考虑中",
        "next_followup_on": next_date.isoformat(),
    }
    response = api.post(url, body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["method_entry"] == "电话" and response.json()["contact_name"] == "张伟"
    assert response.json()["created_by"] == sales.manager.pk
    customer.refresh_from_db()
    assert customer.next_followup_on == next_date and customer.last_followup_at is not None
    assert api.get(f"{CUSTOMERS}{customer.pk}/").json()["next_followup_on"] == next_date.isoformat()

    past = {**body, "next_followup_on": "2020-01-01"}
    assert "next_followup_on" in error(api.post(url, past, format="json"), 400)["fields"]
    elsewhere = make_contact(customer=make_customer(manager=sales.manager, name="上海远景贸易有限公司"))
    assert "contact" in error(api.post(url, {**body, "contact": elsewhere.pk}, format="json"), 400)["fields"]
    assert "method" in error(api.post(url, {**body, "method": picklist("industry").pk}, format="json"), 400)["fields"]

    followup = f"/api/v1/follow-ups/{response.json()['id']}/"
    assert api.patch(followup, {"result": "已下单"}, format="json").json()["result"] == "已下单"
    error(api.delete(followup), 403)  # managers do not delete follow-ups
    assert client_for(sales.supervisor).delete(followup).status_code == 204
    assert [row["content"] for row in api.get(url).json()["results"]] == []


def test_interaction_records(sales, customer):
    api = client_for(sales.manager)
    url = f"{CUSTOMERS}{customer.pk}/interactions/"
    body = {"occurred_on": "2026-05-20", "place": "客户总部", "summary": "年度合作洽谈", "detail": "讨论了续约"}
    response = api.post(url, body, format="json")
    assert response.status_code == 201, response.content
    record = f"/api/v1/interactions/{response.json()['id']}/"
    assert "summary" in error(api.patch(record, {"summary": ""}, format="json"), 400)["fields"]  # CUS-4
    assert api.patch(record, {"notes": "带了样品"}, format="json").json()["notes"] == "带了样品"
    assert [row["summary"] for row in api.get(url).json()["results"]] == ["年度合作洽谈"]
    error(api.delete(record), 403)  # managers do not delete interaction records
    assert client_for(sales.supervisor).delete(record).status_code == 204 and not Interaction.objects.exists()


def test_attachments_upload_download_limits(sales, customer, settings):
    api = client_for(sales.manager)
    url = f"{CUSTOMERS}{customer.pk}/attachments/"
    upload = SimpleUploadedFile("报价单.pdf", PDF, content_type="application/pdf")
    response = api.post(url, {"file": upload, "kind": "quote", "description": "第一版"}, format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["original_name"] == "报价单.pdf" and body["size"] == len(PDF) and body["kind"] == "quote"
    assert body["content_type"] == "application/pdf" and body["uploaded_by"] == sales.manager.pk
    assert [row["id"] for row in api.get(url).json()["results"]] == [body["id"]]

    download = api.get(body["download_url"], HTTP_ACCEPT="application/pdf")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf" and "attachment" in download["Content-Disposition"]
    error(client_for(sales.colleague).get(body["download_url"]), 404)

    settings.CRM_UPLOAD_MAX_BYTES = 100
    big = SimpleUploadedFile("合同.pdf", PDF, content_type="application/pdf")
    error(api.post(url, {"file": big}, format="multipart"), 413, "too_large")
    settings.CRM_UPLOAD_MAX_BYTES = 20 * 1024 * 1024
    fake = SimpleUploadedFile("合同.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    assert "file" in error(api.post(url, {"file": fake}, format="multipart"), 400)["fields"]
    program = SimpleUploadedFile("setup.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    assert "file" in error(api.post(url, {"file": program}, format="multipart"), 400)["fields"]
    assert "file" in error(api.post(url, {"kind": "quote"}, format="multipart"), 400)["fields"]
    assert Attachment.objects.count() == 1

    assert api.delete(f"/api/v1/attachments/{body['id']}/").status_code == 204
    assert not Attachment.objects.exists()


def test_contracts_nested_and_on_their_own(sales, customer):
    api = client_for(sales.manager)
    nested = api.post(
        f"{CUSTOMERS}{customer.pk}/contracts/",
        {"title": "年度采购合同", "amount": "128000.50", "signed_on": "2026-05-01", "status": "active"},
        format="json",
    )
    assert nested.status_code == 201, nested.content
    body = nested.json()
    assert body["number"].startswith("HT") and body["owner"] == sales.manager.pk and body["amount"] == "128000.50"
    assert body["customer"] == customer.pk and body["customer_name"] == "北京华信科技有限公司"
    customer.refresh_from_db()
    assert customer.last_deal_on == datetime.date(2026, 5, 1)

    other = make_customer(manager=sales.manager, name="上海远景贸易有限公司")
    draft = api.post("/api/v1/contracts/", {"customer": other.pk, "title": "试用协议", "amount": "0"}, format="json")
    assert draft.status_code == 201 and draft.json()["status"] == "draft"
    assert (
        "customer" in error(api.post("/api/v1/contracts/", {"title": "x", "amount": "1"}, format="json"), 400)["fields"]
    )
    foreign = make_customer(manager=sales.other, name="深圳腾飞电子有限公司")
    body_out = {"customer": foreign.pk, "title": "x", "amount": "1"}
    assert "customer" in error(api.post("/api/v1/contracts/", body_out, format="json"), 400)["fields"]
    fields = error(
        api.post("/api/v1/contracts/", {**body_out, "customer": other.pk, "amount": "-5"}, format="json"), 400
    )
    assert "amount" in fields["fields"]

    def numbers(**params):
        return [row["title"] for row in api.get("/api/v1/contracts/", params).json()["results"]]

    assert numbers() == ["试用协议", "年度采购合同"]
    assert numbers(status="active") == ["年度采购合同"]
    assert numbers(customer=other.pk) == ["试用协议"]
    assert numbers(search="采购") == ["年度采购合同"]
    assert numbers(signed_from="2026-04-01", signed_to="2026-05-31") == ["年度采购合同"]
    assert numbers(owner="me", ordering="id") == ["年度采购合同", "试用协议"]

    contract = f"/api/v1/contracts/{body['id']}/"
    error(api.delete(contract), 403)  # managers do not delete contracts
    supervisor = client_for(sales.supervisor)
    error(supervisor.delete(contract), 409, "not_draft")
    assert api.patch(contract, {"status": "completed"}, format="json").status_code == 200
    error(api.patch(contract, {"title": "改名"}, format="json"), 409, "closed")
    assert supervisor.delete(f"/api/v1/contracts/{draft.json()['id']}/").status_code == 204
    assert list(Contract.objects.values_list("title", flat=True)) == ["年度采购合同"]


def test_the_timeline_pages_the_customers_events(sales, customer):
    make_contact(customer=customer)
    client = client_for(sales.manager)
    client.patch(f"{CUSTOMERS}{customer.pk}/", {"address": "北京海淀"}, format="json")
    body = client.get(f"{CUSTOMERS}{customer.pk}/timeline/", {"page_size": 2}).json()
    assert body["count"] == 3 and body["next"]
    assert [row["kind"] for row in body["results"]] == ["updated", "contact"]
    assert body["results"][0]["actor_name"] == "刘洋" and body["results"][0]["data"] == {"fields": ["address"]}


def test_a_customer_outside_the_scope_is_404_on_every_endpoint(sales):
    """The supervisor (scope: 上海分公司 and below, every customer function) asks for a customer in 深圳."""
    foreign = make_customer(manager=sales.other, name="深圳腾飞电子有限公司", phone="0755-86001234")
    contact = make_contact(customer=foreign)
    followup = followup_create(
        actor=sales.other, customer=foreign, data={"method": picklist("followup_method"), "content": "拜访"}
    )
    interaction = interaction_create(
        actor=sales.other, customer=foreign, data={"occurred_on": "2026-05-01", "place": "深圳", "summary": "洽谈"}
    )
    attachment = attachment_upload(actor=sales.other, customer=foreign, upload=SimpleUploadedFile("a.pdf", PDF))
    contract = contract_create(actor=sales.other, customer=foreign, data={"title": "框架协议", "amount": "1"})
    api = client_for(sales.supervisor)
    base = f"{CUSTOMERS}{foreign.pk}/"
    pdf = SimpleUploadedFile("b.pdf", PDF)
    requests = [
        ("get", base, None),
        ("patch", base, {"address": "x"}),
        ("put", base, {"name": "x"}),
        ("delete", base, None),
        *[("get", f"{base}{part}/", None) for part in ("contacts", "follow-ups", "interactions", "attachments")],
        ("get", f"{base}contracts/", None),
        ("get", f"{base}timeline/", None),
        ("post", f"{base}contacts/", {"name": "x", "gender": "male", "position": "x", "office_phone": "021-62345678"}),
        ("post", f"{base}follow-ups/", {"method": picklist("followup_method").pk, "content": "x"}),
        ("post", f"{base}interactions/", {"occurred_on": "2026-05-01", "place": "x", "summary": "x"}),
        ("post", f"{base}contracts/", {"title": "x", "amount": "1"}),
        ("post", f"{base}share/", {"users": [sales.manager.pk]}),
        ("post", f"{base}unshare/", {"user": sales.manager.pk}),
        ("post", f"{base}handover/", {"manager": sales.manager.pk}),
        ("post", f"{base}claim/", {}),
        ("post", f"{base}release/", {"reason": "x"}),
        ("get", f"/api/v1/contacts/{contact.pk}/", None),
        ("patch", f"/api/v1/contacts/{contact.pk}/", {"name": "x"}),
        ("delete", f"/api/v1/contacts/{contact.pk}/", None),
        ("get", f"/api/v1/follow-ups/{followup.pk}/", None),
        ("patch", f"/api/v1/follow-ups/{followup.pk}/", {"content": "x"}),
        ("delete", f"/api/v1/follow-ups/{followup.pk}/", None),
        ("get", f"/api/v1/interactions/{interaction.pk}/", None),
        ("delete", f"/api/v1/interactions/{interaction.pk}/", None),
        ("get", f"/api/v1/attachments/{attachment.pk}/", None),
        ("get", f"/api/v1/attachments/{attachment.pk}/download/", None),
        ("delete", f"/api/v1/attachments/{attachment.pk}/", None),
        ("get", f"/api/v1/contracts/{contract.pk}/", None),
        ("patch", f"/api/v1/contracts/{contract.pk}/", {"title": "x"}),
        ("delete", f"/api/v1/contracts/{contract.pk}/", None),
        ("post", f"{CUSTOMERS}merge/", {"target": foreign.pk, "others": [contact.customer_id]}),
        ("post", f"{CUSTOMERS}9999999/contacts/", {"name": "x"}),
    ]
    for method, url, data in requests:
        response = getattr(api, method)(url, data, format="json")
        assert response.status_code == 404, (method, url, response.content)
        assert response.json()["error"]["code"] == "not_found"
    response = api.post(f"{base}attachments/", {"file": pdf}, format="multipart")
    assert response.status_code == 404
    assert [row["id"] for row in api.get("/api/v1/contracts/").json()["results"]] == []
    foreign.refresh_from_db()
    assert foreign.manager == sales.other and foreign.address == "" and foreign.pool is None
    assert Contact.objects.count() == FollowUp.objects.count() == Interaction.objects.count() == 1
    assert Attachment.objects.count() == Contract.objects.count() == 1 and Customer.objects.count() == 1
