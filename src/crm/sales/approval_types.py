"""Receipts and invoice requests may go through the approval engine (issue 16 §4–5): with no flow
for them they take effect at once; with one, a receipt counts as received and a request stands
only once approved."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from crm.approvals.registry import ConditionField, DocumentType, register
from crm.sales.models import Invoice, Quote, QuoteStatus, Receipt, ReceiptStatus
from crm.sales.permissions import INVOICE, QUOTE, RECEIPT
from crm.sales.services.invoices import INVOICE_DOCUMENT, invoice_decided
from crm.sales.services.payments import RECEIPT_DOCUMENT, receipt_confirm, receipt_reject
from crm.sales.services.quotes import QUOTE_DOCUMENT, quote_decided


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


def _quote_snapshot(quote: Quote) -> dict:
    lines = "；".join(
        f"{line.description} × {line.quantity.normalize():f} @ {line.unit_price}"
        + (f" -{line.discount.normalize():f}%" if line.discount else "")
        for line in quote.lines.order_by("position")
    )
    return {
        str(_("Number")): quote.number,
        str(_("Customer")): quote.customer.name,
        str(_("Title")): quote.title,
        str(_("Lines")): lines,
        str(_("Largest discount (%)")): f"{quote.max_discount.normalize():f}",
        str(_("Total (CNY)")): str(quote.total),
        str(_("Valid until")): quote.valid_until.isoformat(),
    }


def _quote_submitted(actor, quote: Quote, approval) -> None:
    Quote.objects.filter(pk=quote.pk).update(status=QuoteStatus.IN_APPROVAL)
    quote.status = QuoteStatus.IN_APPROVAL


register(
    DocumentType(
        code=QUOTE_DOCUMENT,
        label=_("Quote"),
        model="sales.Quote",
        resource=QUOTE,
        title=lambda q: f"{q.number} {q.customer.name}",
        url=lambda q: reverse("sales:quote_detail", args=[q.pk]),
        snapshot=_quote_snapshot,
        fields=(
            ConditionField("amount", _("Total"), "number"),
            ConditionField("discount", _("Largest discount (%)"), "number"),
        ),
        values=lambda q: {"amount": q.total, "discount": q.max_discount},
        amount=lambda q: q.total,
        statuses=lambda: [(QuoteStatus.APPROVED.value, QuoteStatus.APPROVED.label)],
        default_status=QuoteStatus.APPROVED,
        on_submitted=_quote_submitted,
        on_decided=lambda actor, quote, approval, status: quote_decided(quote, status),
    )
)
