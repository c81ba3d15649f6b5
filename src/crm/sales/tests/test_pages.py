"""The payment and invoice dialogs on a contract's page, the lists and the ageing report: in scope,
404 outside it, refusals shown on the form (400), never a 500."""

import pytest
from django.urls import reverse

from crm.sales.models import Invoice, PaymentPlan, Receipt
from crm.sales.services.payments import plan_create, receipt_create
from crm.sales.tests.conftest import CREDIT_CODE

pytestmark = pytest.mark.django_db


def test_the_contract_page_shows_its_money(client, sales, contract):
    plan_create(actor=sales.manager, contract=contract, data={"amount": "60000", "due_on": "2027-01-31"})
    receipt_create(actor=sales.manager, contract=contract, data={"amount": "15000", "received_on": "2027-01-10"})
    client.force_login(sales.manager)
    page = client.get(reverse("customers:contract_detail", args=[contract.pk])).content.decode()
    assert 'data-testid="contract-panel-payments"' in page
    assert 'data-testid="received">¥15,000.00' in page and 'data-testid="outstanding">¥85,000.00' in page
    assert 'data-testid="plan"' in page and 'data-testid="contract-panel-invoices"' in page


def test_dialogs_create_and_refuse(client, sales, contract):
    client.force_login(sales.manager)
    url = reverse("sales:plan_create", args=[contract.pk])
    assert client.post(url, {"amount": "100000.01", "due_on": "2027-01-31"}).status_code == 400
    assert client.post(url, {"amount": "60000", "due_on": "2027-01-31"}).status_code == 302
    url = reverse("sales:receipt_create", args=[contract.pk])
    assert client.post(url, {"amount": "120000", "received_on": "2027-01-10", "method": "transfer"}).status_code == 400
    assert client.post(url, {"amount": "20000", "received_on": "2027-01-10", "method": "transfer"}).status_code == 302
    assert PaymentPlan.objects.get().received == 20000 and Receipt.objects.count() == 1
    url = reverse("sales:invoice_create", args=[contract.pk])
    bad = {"amount": "1000", "kind": "normal", "tax_rate": "13", "name": "上海浦江电子有限公司", "tax_id": "123"}
    assert client.post(url, bad).status_code == 400
    good = {**bad, "tax_id": CREDIT_CODE}
    assert client.post(url, good).status_code == 302 and Invoice.objects.count() == 1


def test_outside_the_scope_the_contract_does_not_exist(client, sales, contract):
    client.force_login(sales.other)
    for name in ("sales:plan_create", "sales:receipt_create", "sales:invoice_create"):
        assert client.get(reverse(name, args=[contract.pk])).status_code == 404
    assert client.post(reverse("sales:receipt_create", args=[contract.pk]), {"amount": "1"}).status_code == 404


def test_lists_and_ageing(client, sales, contract):
    plan_create(actor=sales.manager, contract=contract, data={"amount": "60000", "due_on": "2026-01-31"})
    receipt_create(actor=sales.manager, contract=contract, data={"amount": "15000", "received_on": "2026-02-10"})
    client.force_login(sales.supervisor)
    assert "上海浦江电子有限公司" in client.get(reverse("sales:receipts")).content.decode()
    ageing = client.get(reverse("sales:ageing")).content.decode()
    assert "45,000.00" in ageing
    assert client.get(reverse("sales:ageing") + "?group=owner").status_code == 200
    assert client.get(reverse("sales:receipts") + "?received_from=notadate").status_code == 400
    client.force_login(sales.other)
    assert "上海浦江电子有限公司" not in client.get(reverse("sales:receipts")).content.decode()
    assert "45,000.00" not in client.get(reverse("sales:ageing")).content.decode()


def test_not_fully_paid_filter_and_an_amount_no_one_may_find_out(client, sales, customer, contract):
    from decimal import Decimal

    from crm.access.models import FieldRule, Role
    from crm.customers.services.contracts import contract_create, contract_submit
    from crm.testing import api_client

    paid = contract_create(actor=sales.manager, customer=customer, data={
        "title": "已回清", "amount": Decimal("500"), "signed_on": contract.signed_on})
    for signed in (contract, paid):
        contract_submit(actor=sales.manager, contract=signed)  # no flow: in force at once
    receipt_create(actor=sales.manager, contract=paid, data={"amount": "500", "received_on": "2027-01-10"})
    client.force_login(sales.manager)
    page = client.get(reverse("customers:contract_list") + "?unpaid=on").content.decode()
    assert contract.number in page and paid.number not in page
    rows = api_client(sales.manager).get("/api/v1/contracts/?unpaid=true").json()["results"]
    assert [row["number"] for row in rows] == [contract.number] and rows[0]["received_amount"] == "0.00"

    # A role that sees contract amounts masked can neither filter, sort nor read the totals.
    FieldRule.objects.create(role=Role.objects.get(code="manager"), resource="customers.contract", field="amount",
                             rule="masked")
    page = client.get(reverse("customers:contract_list") + "?unpaid=on&amount_min=400&amount_max=600").content.decode()
    assert contract.number in page and paid.number in page
    rows = api_client(sales.manager).get("/api/v1/contracts/?unpaid=true").json()["results"]
    assert len(rows) == 2 and all("received_amount" not in row for row in rows)
    assert 'data-testid="contract-panel-payments"' not in client.get(
        reverse("customers:contract_detail", args=[contract.pk])).content.decode()


def test_a_contract_is_visible_to_its_owner_and_through_its_customer(client, sales, customer):
    from decimal import Decimal

    from crm.customers.selectors.related import contract_get, contract_list
    from crm.customers.services.contracts import contract_create

    owned = contract_create(
        actor=sales.manager, customer=customer, data={"title": "代签合同", "amount": Decimal("1"), "owner": sales.other}
    )
    # The Shenzhen manager owns it without seeing the Shanghai customer; the customer's manager sees it too.
    for user in (sales.other, sales.manager, sales.supervisor, sales.executive):
        assert contract_get(user=user, pk=owned.pk) == owned
        assert owned in contract_list(user=user)
    client.force_login(sales.colleague)
    assert client.get(reverse("customers:contract_detail", args=[owned.pk])).status_code == 404
    assert owned not in contract_list(user=sales.colleague)


def test_receipts_and_invoices_export_within_the_scope(sales, customer, contract):
    import csv
    import io

    from crm.core.errors import PermissionDenied
    from crm.customers.services.contracts import contract_create
    from crm.customers.testing import make_customer
    from crm.imports.services import exports as service
    from crm.sales.services.invoices import invoice_request
    from crm.sales.tests.conftest import CREDIT_CODE

    far = make_customer(manager=sales.other, name="深圳腾飞电子有限公司")
    far_contract = contract_create(actor=sales.other, customer=far, data={"title": "合同", "amount": "100"})
    receipt_create(actor=sales.manager, contract=contract, data={"amount": "1000", "received_on": "2027-01-10"})
    receipt_create(actor=sales.other, contract=far_contract, data={"amount": "10", "received_on": "2027-01-10"})
    buyer = {"name": "浦江", "tax_id": CREDIT_CODE}
    invoice_request(actor=sales.manager, contract=contract, data={"amount": "1000", **buyer})
    with pytest.raises(PermissionDenied):  # managers have no export function for receipts
        service.export_start(actor=sales.manager, record_type="receipts", fmt="csv")
    exported = service.export_start(actor=sales.supervisor, record_type="receipts", fmt="csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert exported.rows == 1 and rows[1][2] == "上海浦江电子有限公司"
    invoices = service.export_start(actor=sales.supervisor, record_type="invoices", fmt="xlsx")
    assert invoices.rows == 1
