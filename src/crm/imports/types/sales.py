"""Receipts and invoice requests (issue 16 §4–5) as exports: the lists as filtered on screen."""

from django.utils.translation import gettext_lazy as _

from crm.imports import registry
from crm.imports.exports import Column
from crm.sales.forms import ReceiptFilterForm
from crm.sales.models import InvoiceStatus
from crm.sales.permissions import INVOICE, RECEIPT
from crm.sales.selectors import invoice_list, receipt_list

RECEIPT_COLUMNS = (
    Column("number", _("Number")),
    Column("received_on", _("Received on")),
    Column("contract.customer.name", _("Customer")),
    Column("contract.number", _("Contract")),
    Column("amount", _("Amount (CNY)")),
    Column("get_method_display", _("Method")),
    Column("account", _("Receiving account")),
    Column("reference", _("Bank reference")),
    Column("get_status_display", _("Status")),
    Column("over_reason", _("Reason for the excess")),
)
INVOICE_COLUMNS = (
    Column("number", _("Number")),
    Column("contract.number", _("Contract")),
    Column("buyer_name", _("Invoice title")),
    Column("buyer_tax_id", _("Taxpayer ID")),
    Column("amount", _("Amount (CNY)")),
    Column("get_kind_display", _("Invoice type")),
    Column("tax_rate", _("Tax rate")),
    Column("get_status_display", _("Status")),
    Column("invoice_no", _("Invoice number")),
    Column("issued_on", _("Issued on")),
)


def receipts_query(actor, params):
    form = ReceiptFilterForm(params or None)
    filters = form.cleaned_data if form.is_valid() else {}
    return receipt_list(user=actor, filters=filters), list(RECEIPT_COLUMNS)


def invoices_query(actor, params):
    status = (params or {}).get("status")
    filters = {"status": status} if status in InvoiceStatus.values else {}
    return invoice_list(user=actor, filters=filters), list(INVOICE_COLUMNS)


registry.register_export(
    registry.ExportSource(code="receipts", label=_("Receipts"), resource=RECEIPT, query=receipts_query)
)
registry.register_export(
    registry.ExportSource(code="invoices", label=_("Invoices"), resource=INVOICE, query=invoices_query)
)
