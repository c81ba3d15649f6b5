"""Invoicing (开票, issue 16 §5): the taxpayer ID validated, details kept per customer and reused,
a special VAT invoice needs the full details, invoices never above the contract amount without a
reason, issued and returned along the state table, approval when a flow applies."""

from decimal import Decimal

import pytest

from crm.approvals.flows import flow_save
from crm.approvals.models import ApprovalTask, TaskState
from crm.approvals.services import task_reject
from crm.core.errors import Conflict, PermissionDenied, ValidationFailed
from crm.core.states import IllegalTransition
from crm.customers.models import Contract
from crm.sales.models import Invoice, InvoiceStatus, InvoicingDetails
from crm.sales.services.invoices import (
    details_save,
    invoice_issue,
    invoice_request,
    invoice_return,
    is_valid_tax_id,
)
from crm.sales.tests.conftest import CREDIT_CODE

pytestmark = pytest.mark.django_db
BUYER = {"name": "上海浦江电子有限公司", "tax_id": CREDIT_CODE}
FULL = {**BUYER, "address": "上海市浦东新区张江路 88 号", "phone": "021-58881234", "bank": "招商银行张江支行",
        "account": "121909876510001"}


def invoiced(contract) -> Decimal:
    return Contract.objects.get(pk=contract.pk).invoiced_amount


@pytest.mark.parametrize(
    ("value", "valid"),
    [(CREDIT_CODE, True), (CREDIT_CODE.lower(), True), (CREDIT_CODE[:-1] + "D", False), ("310115123456789", True),
     ("31011512345678", False), ("", False), ("９１３１００００ＭＡ１ＦＬ８ＴＱ５Ｃ", True),
     ("91310000 MA1FL8TQ5C", True)],
)
def test_taxpayer_ids(value, valid):
    assert is_valid_tax_id(value) is valid


def test_details_are_kept_per_customer_and_reused(sales, contract, customer):
    with pytest.raises(ValidationFailed) as error:
        invoice_request(actor=sales.manager, contract=contract, data={"amount": "1000"})  # no details yet
    assert {"name", "tax_id"} <= set(error.value.fields)
    typed = {**BUYER, "tax_id": " ９１３１００００ＭＡ１ＦＬ８ＴＱ５Ｃ "}  # full-width, as typed on a Chinese keyboard
    first = invoice_request(actor=sales.manager, contract=contract, data={"amount": "1000", **typed})
    assert InvoicingDetails.objects.get(customer=customer).tax_id == CREDIT_CODE
    second = invoice_request(actor=sales.manager, contract=contract, data={"amount": "2000"})  # reused
    assert (first.buyer_tax_id, second.buyer_tax_id) == (CREDIT_CODE, CREDIT_CODE)
    assert first.status == InvoiceStatus.REQUESTED and invoiced(contract) == Decimal("3000")


def test_a_special_invoice_needs_the_full_details(sales, contract, customer):
    details_save(actor=sales.manager, customer=customer, data=BUYER)
    with pytest.raises(ValidationFailed) as error:
        invoice_request(actor=sales.manager, contract=contract, data={"amount": "1000", "kind": "special"})
    assert {"address", "phone", "bank", "account"} <= set(error.value.fields)
    data = {"amount": "1000", "kind": "special", **FULL}
    invoice = invoice_request(actor=sales.manager, contract=contract, data=data)
    assert invoice.buyer_account == FULL["account"] and invoice.tax_rate == "13"


def test_invoices_above_the_contract_need_a_reason(sales, contract):
    invoice_request(actor=sales.manager, contract=contract, data={"amount": "100000", **BUYER})
    with pytest.raises(ValidationFailed) as error:
        invoice_request(actor=sales.manager, contract=contract, data={"amount": "1", **BUYER})
    assert "over_reason" in error.value.fields
    invoice_request(actor=sales.manager, contract=contract, data={"amount": "1", "over_reason": "补开运费", **BUYER})
    assert invoiced(contract) == Decimal("100001")


def test_issue_and_return(sales, contract):
    invoice = invoice_request(actor=sales.manager, contract=contract, data={"amount": "5000", **BUYER})
    with pytest.raises(PermissionDenied):  # managers request; finance (supervisors here) issue
        invoice_issue(actor=sales.manager, invoice=invoice, invoice_no="04412345")
    with pytest.raises(ValidationFailed):
        invoice_issue(actor=sales.supervisor, invoice=invoice, invoice_no="  ")
    invoice_issue(actor=sales.supervisor, invoice=invoice, invoice_no="04412345")
    with pytest.raises(IllegalTransition):
        invoice_issue(actor=sales.supervisor, invoice=invoice, invoice_no="04412346")
    invoice_return(actor=sales.supervisor, invoice=invoice, reason="抬头有误，红冲")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.RETURNED and invoiced(contract) == 0
    with pytest.raises(IllegalTransition):
        invoice_return(actor=sales.supervisor, invoice=invoice, reason="again")
    assert invoiced(contract) == 0


def test_a_rejected_request_no_longer_counts(sales, contract, admin_user):
    flow_save(actor=admin_user, document_type="invoice", data={"name": "开票审批"},
              steps=[{"name": "主管", "approver_kind": "superior"}])
    invoice = invoice_request(actor=sales.manager, contract=contract, data={"amount": "5000", **BUYER})
    assert invoice.status == InvoiceStatus.IN_APPROVAL and invoiced(contract) == Decimal("5000")
    with pytest.raises(Conflict):
        invoice_issue(actor=sales.supervisor, invoice=invoice, invoice_no="1")
    task_reject(actor=sales.supervisor, task_id=ApprovalTask.objects.get(state=TaskState.PENDING).pk, reason="先回款")
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.REJECTED and invoiced(contract) == 0
