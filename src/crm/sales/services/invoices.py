"""Invoicing (开票, issue 16 §5): the buyer's details per customer, reused; invoice requests against
a contract, never above its amount without a reason (checked under the contract's lock); approval
when a flow for invoices applies; then finance marks them issued (with the tax invoice number) or
returned."""

import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.access.engine import access_for
from crm.approvals.services import approval_submit
from crm.audit.services import audit_create, audit_update
from crm.core.errors import Conflict, ValidationFailed
from crm.core.numbering import next_number
from crm.customers.models import Contract, Customer
from crm.customers.normalise import credit_code_key, is_valid_credit_code
from crm.customers.permissions import CUSTOMER
from crm.sales.models import INVOICE_STATES, TAX_RATES, Invoice, InvoiceKind, InvoiceStatus, InvoicingDetails
from crm.sales.permissions import INVOICE
from crm.sales.services.money import amount as read_amount
from crm.sales.services.money import locked, money, text

INVOICE_DOCUMENT = "invoice"
DETAIL_FIELDS = {"name": 100, "tax_id": 20, "address": 200, "phone": 30, "bank": 100, "account": 40}
# 增值税专用发票 carries the buyer's full details; a normal invoice needs only the title and taxpayer ID.
SPECIAL_REQUIRES = ("address", "phone", "bank", "account")


def is_valid_tax_id(value: str) -> bool:
    """纳税人识别号: today the 18-character 统一社会信用代码 (with its check character); older
    taxpayers may still hold a 15-character number (digits and capitals)."""
    value = credit_code_key(value)
    if len(value) == 18:
        return is_valid_credit_code(value)
    return len(value) == 15 and value.isalnum() and value.isascii()


def _clean_details(data: dict, *, special: bool) -> dict:
    values = {key: text(data.get(key), limit) for key, limit in DETAIL_FIELDS.items()}
    values["tax_id"] = credit_code_key(values["tax_id"])  # full-width characters and spaces typed by hand
    errors = {}
    if not values["name"]:
        errors["name"] = [_("Enter the invoice title (the buyer's registered name).")]
    if not is_valid_tax_id(values["tax_id"]):
        errors["tax_id"] = [_("Enter a valid taxpayer ID (the 18-character unified social credit code).")]
    if special:
        for key in SPECIAL_REQUIRES:
            if not values[key]:
                errors[key] = [_("A special VAT invoice needs this.")]
    if errors:
        raise ValidationFailed(fields=errors)
    return values


@transaction.atomic
def details_save(*, actor, customer: Customer, data: dict) -> InvoicingDetails:
    access_for(actor).check(CUSTOMER, "edit", customer)
    values = _clean_details(data, special=False)
    details, created = InvoicingDetails.objects.update_or_create(customer=customer, defaults=values)
    if created:
        audit_create(actor=actor, instance=details, fields=list(DETAIL_FIELDS))
    else:
        audit_update(actor=actor, instance=details, changes={k: [None, v] for k, v in values.items()})
    return details


@transaction.atomic
def invoice_request(*, actor, contract: Contract, data: dict) -> Invoice:
    """Request an invoice. The buyer's details come from the customer's saved details unless given
    (given ones are saved for the next time); a special VAT invoice needs them all."""
    access_for(actor).check_parent(INVOICE, "create", contract)
    contract = locked(contract)
    value = read_amount(data.get("amount"))
    over_reason = text(data.get("over_reason"), 200)
    if contract.invoiced_amount + value > contract.amount and not over_reason:
        raise ValidationFailed(fields={"over_reason": [
            _("Invoices would come to %(total)s, more than the contract amount %(amount)s: give the reason.")
            % {"total": money(contract.invoiced_amount + value), "amount": money(contract.amount)}
        ]})
    kind = data.get("kind") or InvoiceKind.NORMAL
    if kind not in InvoiceKind.values:
        raise ValidationFailed(fields={"kind": [_("Choose an invoice type from the list.")]})
    rate = str(data.get("tax_rate") or "13")
    if rate not in dict(TAX_RATES):
        raise ValidationFailed(fields={"tax_rate": [_("Choose a tax rate from the list.")]})
    saved = InvoicingDetails.objects.filter(customer_id=contract.customer_id).first()
    given = {key: data.get(key) for key in DETAIL_FIELDS if data.get(key)}
    source = given or ({key: getattr(saved, key) for key in DETAIL_FIELDS} if saved else {})
    buyer = _clean_details(source, special=kind == InvoiceKind.SPECIAL)
    if given:
        InvoicingDetails.objects.update_or_create(customer_id=contract.customer_id, defaults=buyer)
    invoice = Invoice.objects.create(
        number=next_number("invoice", "KP"),
        contract=contract,
        amount=value,
        kind=kind,
        tax_rate=rate,
        items=text(data.get("items"), 500),
        over_reason=over_reason,
        status=InvoiceStatus.IN_APPROVAL,
        created_by=actor,
        **{f"buyer_{key}": buyer[key] for key in DETAIL_FIELDS},
    )
    Contract.objects.filter(pk=contract.pk).update(invoiced_amount=F("invoiced_amount") + value)
    audit_create(actor=actor, instance=invoice, fields=["number", "contract", "amount", "kind", "tax_rate"])
    # With no flow for invoices the engine sets it "requested" at once (crm.sales.approval_types).
    approval_submit(actor=actor, document_type=INVOICE_DOCUMENT, obj=invoice)
    return invoice


def invoice_decided(invoice: Invoice, approved: bool) -> None:
    """The approval's outcome: requested, or rejected (no longer counted against the contract)."""
    if approved:
        Invoice.objects.filter(pk=invoice.pk, status=InvoiceStatus.IN_APPROVAL).update(status=InvoiceStatus.REQUESTED)
        invoice.status = InvoiceStatus.REQUESTED
        return
    _uncount(invoice, InvoiceStatus.REJECTED, [InvoiceStatus.IN_APPROVAL])


def _uncount(invoice: Invoice, status: str, sources: list) -> None:
    contract = locked(invoice.contract)
    if Invoice.objects.filter(pk=invoice.pk, status__in=sources).update(status=status):
        Contract.objects.filter(pk=contract.pk).update(invoiced_amount=F("invoiced_amount") - invoice.amount)
    invoice.status = status


@transaction.atomic
def invoice_issue(*, actor, invoice: Invoice, invoice_no: str, issued_on=None) -> Invoice:
    access_for(actor).check_parent(INVOICE, "issue", invoice.contract)
    INVOICE_STATES.target(invoice.status, "issue")
    invoice_no = text(invoice_no, 30)
    if not invoice_no:
        raise ValidationFailed(fields={"invoice_no": [_("Enter the invoice number.")]})
    if issued_on is not None and not isinstance(issued_on, datetime.date):
        raise ValidationFailed(fields={"issued_on": [_("Enter a date (YYYY-MM-DD).")]})
    issued_on = issued_on or timezone.localdate()
    if not Invoice.objects.filter(pk=invoice.pk, status=InvoiceStatus.REQUESTED).update(
        status=InvoiceStatus.ISSUED, invoice_no=invoice_no, issued_on=issued_on
    ):
        raise Conflict(_("Someone else changed this invoice meanwhile; reload it."), code="stale")
    audit_update(actor=actor, instance=invoice, changes={"status": [invoice.status, InvoiceStatus.ISSUED],
                                                         "invoice_no": ["", invoice_no]})
    invoice.status, invoice.invoice_no, invoice.issued_on = InvoiceStatus.ISSUED, invoice_no, issued_on
    return invoice


@transaction.atomic
def invoice_return(*, actor, invoice: Invoice, reason: str) -> Invoice:
    """退票: a requested or issued invoice comes back; it no longer counts against the contract."""
    access_for(actor).check_parent(INVOICE, "issue", invoice.contract)
    INVOICE_STATES.target(invoice.status, "return")
    reason = text(reason, 200)
    if not reason:
        raise ValidationFailed(fields={"reason": [_("Give a reason.")]})
    before = invoice.status
    _uncount(invoice, InvoiceStatus.RETURNED, [InvoiceStatus.REQUESTED, InvoiceStatus.ISSUED])
    Invoice.objects.filter(pk=invoice.pk).update(return_reason=reason)
    invoice.return_reason = reason
    audit_update(actor=actor, instance=invoice, changes={"status": [before, InvoiceStatus.RETURNED]})
    return invoice
