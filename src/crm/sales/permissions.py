"""Payments and invoices hang off contracts: visible where the contract is (its customer's scope),
changed by whoever may edit the contract and holds the function."""

from django.utils.translation import gettext_lazy as _

from crm.access.registry import Resource, register
from crm.core.navigation import MenuItem, register_item

PLAN = "sales.plan"
RECEIPT = "sales.receipt"
INVOICE = "sales.invoice"
QUOTE = "sales.quote"
_PARENT = ("customers.contract", "contract")

register(Resource(code=PLAN, label=_("Payment plans"), model="sales.PaymentPlan", parent=_PARENT))
register(
    Resource(
        code=RECEIPT,
        label=_("Receipts"),
        model="sales.Receipt",
        actions=("view", "create", "delete", "export"),
        parent=_PARENT,
        protected_fields={"amount": "number", "account": "text"},
    )
)
register(
    Resource(
        code=INVOICE,
        label=_("Invoices"),
        model="sales.Invoice",
        actions=("view", "create", "issue", "export"),
        parent=_PARENT,
        action_labels={"issue": _("Mark invoices issued or returned")},
    )
)

register(
    Resource(
        code=QUOTE,
        label=_("Quotes"),
        model="sales.Quote",
        actions=("view", "create", "edit", "delete", "template"),
        # Its owner sees it, and whoever sees its customer (ADR 0017).
        owner_fields=("owner",),
        parent=("customers.customer", "customer"),
        action_labels={"template": _("Edit the quote's print template")},
    )
)

register_item("sales", MenuItem(_("Quotes"), "sales:quotes", "file-earmark-ruled", f"{QUOTE}.view", 60))
register_item("customers", MenuItem(_("Receipts"), "sales:receipts", "cash-coin", f"{RECEIPT}.view", 32))
register_item("customers", MenuItem(_("Invoices"), "sales:invoices", "receipt", f"{INVOICE}.view", 34))
register_item("reports", MenuItem(_("Receivables ageing"), "sales:ageing", "hourglass-split", f"{RECEIPT}.view", 20))
