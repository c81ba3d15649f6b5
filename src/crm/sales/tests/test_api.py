"""Payments and invoices through the API: the same rules as the pages (400 with the field), 404
outside the contract's scope, the ageing report in the caller's scope."""

import pytest

from crm.sales.models import Receipt
from crm.sales.tests.conftest import CREDIT_CODE
from crm.testing import api_client, api_error

pytestmark = pytest.mark.django_db


def test_plans_receipts_and_invoices_through_the_api(sales, contract, customer):
    client = api_client(sales.manager)
    base = f"/api/v1/contracts/{contract.pk}"
    plan = client.post(f"{base}/payment-plans/", {"amount": "60000", "due_on": "2027-01-31"}, format="json")
    assert plan.status_code == 201, plan.content
    error = api_error(client.post(f"{base}/payment-plans/", {"amount": "40000.01", "due_on": "2027-02-28"}), 400)
    assert "amount" in error["fields"]
    receipt = client.post(f"{base}/receipts/", {"amount": "50000", "received_on": "2027-01-20"}, format="json")
    assert receipt.status_code == 201 and receipt.json()["allocations"][0]["amount"] == "50000.00"
    error = api_error(client.post(f"{base}/receipts/", {"amount": "50000.01", "received_on": "2027-01-21"}), 400)
    assert "over_reason" in error["fields"]
    assert client.get(f"/api/v1/contracts/{contract.pk}/").json()["status"] == "draft"

    api_error(client.put(f"/api/v1/customers/{customer.pk}/invoicing/", {"name": "浦江电子", "tax_id": "x"}), 400)
    details = client.put(f"/api/v1/customers/{customer.pk}/invoicing/", {"name": "浦江电子", "tax_id": CREDIT_CODE})
    assert details.status_code == 200
    invoice = client.post(f"{base}/invoices/", {"amount": "50000", "kind": "normal", "tax_rate": "6"}, format="json")
    assert invoice.status_code == 201 and invoice.json()["buyer_name"] == "浦江电子"
    api_error(client.post(f"/api/v1/invoices/{invoice.json()['id']}/issue/", {"invoice_no": "1"}), 403)
    issued = api_client(sales.supervisor).post(f"/api/v1/invoices/{invoice.json()['id']}/issue/", {"invoice_no": "1"})
    assert issued.json()["status"] == "issued"

    ageing = api_client(sales.supervisor).get("/api/v1/reports/ageing/").json()
    assert [(row["group_name"], row["total"]) for row in ageing] == [(customer.name, "10000.00")]
    api_error(api_client(sales.supervisor).get("/api/v1/reports/ageing/?group=colour"), 400)


def test_outside_the_scope_everything_is_404(sales, contract):
    client = api_client(sales.other)
    base = f"/api/v1/contracts/{contract.pk}"
    for path in ("payment-plans", "receipts", "invoices"):
        api_error(client.get(f"{base}/{path}/"), 404)
        api_error(client.post(f"{base}/{path}/", {"amount": "1"}), 404)
    api_client(sales.manager).post(f"{base}/receipts/", {"amount": "5", "received_on": "2027-01-20"})
    receipt = Receipt.objects.get()
    api_error(client.get(f"/api/v1/receipts/{receipt.pk}/"), 404)
    assert client.get("/api/v1/receipts/").json()["results"] == []
    assert client.get("/api/v1/reports/ageing/").json() == []
