"""Quote to cash in the permission matrix (issue 16; ADR 0017): quotes, contracts, receipts and invoices
are seen by whoever sees the customer (and their owner), the same set on the list pages, in the API, in
the exports and in the global search; others get 404. An approval is seen only by its chain."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from crm.approvals.flows import flow_save
from crm.customers.services.contracts import contract_create, contract_submit
from crm.customers.testing import make_customer
from crm.sales.services.invoices import invoice_request
from crm.sales.services.payments import receipt_create
from crm.sales.services.quotes import quote_create

CREDIT_CODE = "91310000MA1FL8TQ5C"
KEYS = ("own", "colleague", "south")


@pytest.fixture
def world(sales):
    owners = {"own": sales.manager, "colleague": sales.colleague, "south": sales.other}
    world = {}
    for key, owner in owners.items():
        customer = make_customer(manager=owner, name=f"{key}方科技有限公司")
        contract = contract_create(actor=owner, customer=customer, data={
            "title": f"{key}合同", "amount": Decimal("90000"), "signed_on": datetime.date(2026, 11, 2)})
        world[key] = {
            "customer": customer,
            "contract": contract,
            "quote": quote_create(actor=owner, customer=customer, lines=[
                {"description": "服务", "quantity": "1", "unit_price": "1000"}],
                data={"title": f"{key}报价", "valid_until": datetime.date(2027, 1, 31)}),
            "receipt": receipt_create(actor=owner, contract=contract, data={
                "amount": "3000", "received_on": datetime.date(2026, 11, 20), "method": "transfer"}),
            "invoice": invoice_request(actor=owner, contract=contract, data={
                "amount": "3000", "name": customer.name, "tax_id": CREDIT_CODE}),
        }
    return world


EXPECTED = {
    "manager": {"own"},
    "colleague": {"colleague"},
    "supervisor": {"own", "colleague"},
    "other": {"south"},
    "executive": {"own", "colleague", "south"},
}


def _export(client, kind: str):
    return client.get(reverse("imports:export_new"), {"type": kind, "format": "csv"})


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_lists_api_exports_search_and_details_agree(client, sales, world, who):
    client.force_login(getattr(sales, who))
    seen = EXPECTED[who]

    for kind, page_name, api in (("quote", "sales:quotes", "/api/v1/quotes/"),
                                 ("receipt", "sales:receipts", "/api/v1/receipts/"),
                                 ("invoice", "sales:invoices", "/api/v1/invoices/"),
                                 ("contract", "customers:contract_list", "/api/v1/contracts/")):
        numbers = {key: world[key][kind].number for key in KEYS}
        page = client.get(reverse(page_name)).content.decode()
        assert {key for key, number in numbers.items() if number in page} == seen, kind
        listed = client.get(api, {"page_size": 200}).json()
        assert {row["number"] for row in listed["results"]} == {numbers[key] for key in seen}, kind
        for key in KEYS:
            status = 200 if key in seen else 404
            assert client.get(f"{api}{world[key][kind].pk}/").status_code == status, (kind, key)

    for kind in ("receipts", "invoices"):
        export = _export(client, kind)
        if who in ("supervisor", "executive"):
            rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
            numbers = {world[key][kind[:-1]].number for key in KEYS}
            assert {cell for row in rows[1:] for cell in row if cell in numbers} == {
                world[key][kind[:-1]].number for key in seen}, kind
        else:
            assert export.status_code == 403, kind  # managers have no export function

    for kind, prefix in (("receipt", "HK"), ("invoice", "KP"), ("quote", "BJ")):
        found = client.get(reverse("console:search"), {"q": prefix}).content.decode()
        assert {key for key in KEYS if world[key][kind].number in found} == seen, kind

    for key in KEYS:
        status = 200 if key in seen else 404
        assert client.get(reverse("sales:quote_detail", args=[world[key]["quote"].pk])).status_code == status
        assert client.get(reverse("customers:contract_detail", args=[world[key]["contract"].pk])).status_code == status
        assert client.get(f"/api/v1/contracts/{world[key]['contract'].pk}/lines/").status_code == status


def test_an_approval_is_seen_only_by_its_chain(client, sales, admin_user, world):
    flow_save(actor=admin_user, document_type="contract",
              data={"name": "合同审批", "conditions": []},
              steps=[{"name": "主管审批", "approver_kind": "superior"}])
    draft = contract_create(actor=sales.manager, customer=world["own"]["customer"], data={
        "title": "待审合同", "amount": Decimal("50000"), "signed_on": datetime.date(2026, 11, 30)})
    approval = contract_submit(actor=sales.manager, contract=draft)
    for who, status in (("manager", 200), ("supervisor", 200), ("colleague", 404), ("other", 404),
                        ("executive", 404)):
        client.force_login(getattr(sales, who))
        assert client.get(reverse("approvals:detail", args=[approval.pk])).status_code == status, who
        assert client.get(f"/api/v1/approvals/{approval.pk}/").status_code == status, who
