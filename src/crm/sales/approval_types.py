"""Receipts and invoice requests may go through the approval engine (issue 16 §4–5): with no flow
for them they take effect at once; with one, a receipt counts as received and a request stands
only once approved."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from crm.approvals.registry import ConditionField, DocumentType, register
from crm.sales.models import Invoice, Receipt, ReceiptStatus
from crm.sales.permissions import INVOICE, RECEIPT
from crm.sales.services.invoices import INVOICE_DOCUMENT, invoice_decided
from crm.sales.services.payments import RECEIPT_DOCUMENT, receipt_confirm, receipt_reject


def _receipt_decided(actor, receipt: Receipt, approval, status: str) -> None:
    if status:
        receipt_confirm(receipt, actor=actor)
    else:
        receipt_reject(receipt)


def _receipt_snapshot(receipt: Receipt) -> dict:
    return {
        str(_("Number")): receipt.number,
        str(_("Contract")): f"{receipt.contract.number} {receipt.contract.title}",
        str(_("Customer")): receipt.contract.customer.name,
        str(_("Amount (CNY)")): str(receipt.amount),
        str(_("Received on")): receipt.received_on.isoformat(),
        str(_("Method")): str(receipt.get_method_display()),
        str(_("Account")): receipt.account,
        str(_("Reason for the excess")): receipt.over_reason,
    }


def _invoice_snapshot(invoice: Invoice) -> dict:
    return {
        str(_("Number")): invoice.number,
        str(_("Contract")): f"{invoice.contract.number} {invoice.contract.title}",
        str(_("Amount (CNY)")): str(invoice.amount),
        str(_("Invoice type")): str(invoice.get_kind_display()),
        str(_("Tax rate")): f"{invoice.tax_rate}%",
        str(_("Invoice title")): invoice.buyer_name,
        str(_("Taxpayer ID")): invoice.buyer_tax_id,
        str(_("Items")): invoice.items,
        str(_("Reason for the excess")): invoice.over_reason,
    }


AMOUNT = ConditionField("amount", _("Amount"), "number")

register(
    DocumentType(
        code=RECEIPT_DOCUMENT,
        label=_("Receipt"),
        model="sales.Receipt",
        resource=RECEIPT,
        submit_action="create",
        title=lambda r: f"{r.number} {r.contract.customer.name}",
        url=lambda r: reverse("customers:contract_detail", args=[r.contract_id]),
        snapshot=_receipt_snapshot,
        fields=(AMOUNT,),
        values=lambda r: {"amount": r.amount},
        amount=lambda r: r.amount,
        statuses=lambda: [(ReceiptStatus.CONFIRMED.value, ReceiptStatus.CONFIRMED.label)],
        default_status=ReceiptStatus.CONFIRMED,
        on_decided=_receipt_decided,
    )
)

register(
    DocumentType(
        code=INVOICE_DOCUMENT,
        label=_("Invoice request"),
        model="sales.Invoice",
        resource=INVOICE,
        submit_action="create",
        title=lambda i: f"{i.number} {i.buyer_name}",
        url=lambda i: reverse("customers:contract_detail", args=[i.contract_id]),
        snapshot=_invoice_snapshot,
        fields=(AMOUNT,),
        values=lambda i: {"amount": i.amount},
        amount=lambda i: i.amount,
        statuses=lambda: [("requested", _("Requested"))],
        default_status="requested",
        on_decided=lambda actor, invoice, approval, status: invoice_decided(invoice, bool(status)),
    )
)
