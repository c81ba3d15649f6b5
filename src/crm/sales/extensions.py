"""The sales app on other apps' pages: the contract's payments and invoices, the customer 360 tab,
the workbench (payments due), and the timeline."""

from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.access.engine import access_for
from crm.approvals.services import pending_approval
from crm.core.extensions import SearchHit, SearchProvider, WorkbenchPanel, register_panel, register_search
from crm.customers.contract_rules import Requirement, register_requirement
from crm.customers.extensions import by_old_manager, register_handover_hook, register_merge_hook
from crm.customers.models import Contract, ContractStatus
from crm.customers.permissions import CONTRACT
from crm.customers.sections import (
    RowAction,
    Section,
    register_contract_section,
    register_contract_snapshot,
    register_row_action,
    register_section,
)
from crm.customers.timeline import EventType, register_event_type
from crm.sales import selectors
from crm.sales.models import INVOICE_STATES, InvoicingDetails, PaymentPlan
from crm.sales.permissions import INVOICE, PLAN, QUOTE, RECEIPT
from crm.sales.services.contract_lines import CONTRACT_DOCUMENT
from crm.sales.services.payments import EVENT_RECEIPT

PANEL_SIZE = 8


def _contract_link(event) -> str | None:
    pk = (event.data or {}).get("contract")
    return reverse("customers:contract_detail", args=[pk]) if pk else None


register_event_type(EventType(EVENT_RECEIPT, _("Payment received"), "cash-coin", _contract_link))


def _amounts_visible(user) -> bool:
    """Whoever may not see contract amounts sees no money on them either."""
    return "amount" not in access_for(user).concealed_fields("customers.contract")


def _ratio(contract: Contract) -> int:
    return min(100, int(contract.received_amount * 100 / contract.amount)) if contract.amount else 0


def _payments(user, contract: Contract):
    if not _amounts_visible(user):
        return None
    access = access_for(user)
    return {
        "contract": contract,
        "plans": list(selectors.plans_of(user=user, contract=contract)),
        "receipts": list(selectors.receipts_of(user=user, contract=contract)[:100]),
        "outstanding": contract.amount - contract.received_amount,
        "ratio": _ratio(contract),
        "today": timezone.localdate(),
        "may": {
            "plan": access.abilities(PLAN, parent=contract),
            "receipt": access.abilities(RECEIPT, parent=contract),
        },
    }


def _invoices(user, contract: Contract):
    if not _amounts_visible(user):
        return None
    access = access_for(user)
    rows = list(selectors.invoices_of(user=user, contract=contract)[:100])
    for invoice in rows:
        invoice.actions = INVOICE_STATES.actions(invoice.status)
    return {
        "contract": contract,
        "invoices": rows,
        "details": InvoicingDetails.objects.filter(customer_id=contract.customer_id).first(),
        "may": access.abilities(INVOICE, parent=contract),
    }


def _lines(user, contract: Contract):
    editable = access_for(user).abilities(CONTRACT, parent=contract.customer)["edit"]
    if not contract.has_lines and not editable:
        return None
    return {
        "contract": contract,
        "lines": selectors.contract_lines(contract),
        "amounts": _amounts_visible(user),
        "may_edit": editable and contract.status == ContractStatus.DRAFT
        and pending_approval(CONTRACT_DOCUMENT, contract.pk) is None,
    }


register_contract_section(Section("lines", _("Lines"), "sales/partials/contract_lines.html", _lines,
                                  f"{CONTRACT}.view", 5))
def _snapshot_lines(contract: Contract) -> dict:
    lines = selectors.contract_lines(contract)
    if not lines:
        return {}
    text = "\n".join(f"{line.position}. {line.description} × {line.quantity.normalize():f} @ {line.unit_price} "
                     f"(-{line.discount.normalize():f}%) = {line.amount}" for line in lines)
    return {str(_("Lines")): text}


register_contract_snapshot(_snapshot_lines)
register_requirement(Requirement("lines", _("At least one line"),
                                 lambda contract: contract.pk is not None and contract.lines.exists()))
register_contract_section(Section("payments", _("Payments"), "sales/partials/payments.html", _payments,
                                  f"{PLAN}.view", 10))
register_contract_section(Section("invoices", _("Invoices"), "sales/partials/invoices.html", _invoices,
                                  f"{INVOICE}.view", 20))


def _customer_money(user, customer):
    if not _amounts_visible(user):
        return {"hidden": True}
    contracts = access_for(user).scoped("customers.contract", Contract.objects.all(), parent=customer)
    rows = list(contracts.exclude(amount=0).order_by("-id")[:50])
    for contract in rows:
        contract.ratio = _ratio(contract)
        contract.outstanding = contract.amount - contract.received_amount
    return {"contracts": rows, "details": InvoicingDetails.objects.filter(customer=customer).first()}


def _customer_quotes(user, customer):
    return {"quotes": list(selectors.quote_list(user=user, customer=customer)[:50]), "customer": customer}


register_section(Section("quotes", _("Quotes"), "sales/partials/customer_quotes.html", _customer_quotes,
                         f"{QUOTE}.view", 44))
register_row_action(RowAction(key="quote", label=_("New quote"), url_name="sales:quote_create",
                              permission=f"{QUOTE}.create", icon="file-earmark-ruled", order=45))
register_event_type(EventType("sales.quote", _("Quote"), "file-earmark-ruled",
                              lambda event: reverse("sales:quote_detail", args=[event.data["quote"]])
                              if (event.data or {}).get("quote") else None))

register_section(Section("money", _("Payments and invoices"), "sales/partials/customer_money.html", _customer_money,
                         f"{RECEIPT}.view", 45))


def _due_panel(user):
    plans = list(selectors.plans_due(user=user, today=timezone.localdate())[: PANEL_SIZE + 1])
    if not plans:
        return None
    for plan in plans:
        plan.overdue = plan.due_on < timezone.localdate()
    return {"plans": plans[:PANEL_SIZE], "more": len(plans) > PANEL_SIZE}


register_panel(WorkbenchPanel(key="sales.due", template="sales/partials/panel_due.html", context=_due_panel,
                              permission=f"{PLAN}.view", order=25))


def _merge_invoicing(*, actor, target, others) -> None:
    """One set of invoicing details per customer: the target keeps its own, else takes the newest
    of the merged customers'; the rest go."""
    others_ids = [customer.pk for customer in others]
    if not InvoicingDetails.objects.filter(customer=target).exists():
        newest = InvoicingDetails.objects.filter(customer_id__in=others_ids).order_by("-updated_at").first()
        if newest is not None:
            InvoicingDetails.objects.filter(pk=newest.pk).update(customer=target)
    InvoicingDetails.objects.filter(customer_id__in=others_ids).delete()


register_merge_hook("sales.invoicing", _merge_invoicing)


def _handover_plans(*, actor, customer_ids, old_managers, new_manager) -> dict:
    """Open instalments owned by a customer's old manager follow the customer to the new one."""
    moved = 0
    for old_manager, ids in by_old_manager(old_managers).items():
        moved += PaymentPlan.objects.filter(
            contract__customer_id__in=ids, owner_id=old_manager, received__lt=F("amount")
        ).update(owner=new_manager)
    return {str(_("Payment instalments")): moved} if moved else {}


register_handover_hook("sales.plans", _handover_plans)


def _search(user, query: str, limit: int) -> list[SearchHit]:
    """Quotes by number (prefix) or title (fragment), in scope."""
    query = query.strip()[:50]
    if len(query) < 2:
        return []
    quotes = selectors.quote_list(user=user)
    found = quotes.filter(Q(number__istartswith=query) | Q(title__icontains=query))[:limit]
    return [
        SearchHit(label=f"{quote.customer.name} · {quote.title}", url=reverse("sales:quote_detail", args=[quote.pk]),
                  kind=str(_("Quote")), detail=f"{quote.number} · {quote.get_status_display()}")
        for quote in found
    ]


register_search(SearchProvider(key="quotes", search=_search, permission=f"{QUOTE}.view", order=35))


def _by_number(queryset, query: str, limit: int):
    """Receipts and invoices by their number's start (numbers are upper case: the unique index serves)."""
    query = query.strip()[:30].upper()
    if len(query) < 2:
        return []
    return list(queryset.filter(number__startswith=query).order_by("number")[:limit])


def _search_receipts(user, query: str, limit: int) -> list[SearchHit]:
    return [
        SearchHit(label=f"{receipt.contract.customer.name} · {receipt.number}",
                  url=reverse("customers:contract_detail", args=[receipt.contract_id]), kind=str(_("Receipt")),
                  detail=f"{receipt.contract.number} · {receipt.received_on.isoformat()}")
        for receipt in _by_number(selectors.receipt_list(user=user), query, limit)
    ]


def _search_invoices(user, query: str, limit: int) -> list[SearchHit]:
    return [
        SearchHit(label=f"{invoice.contract.customer.name} · {invoice.number}",
                  url=reverse("customers:contract_detail", args=[invoice.contract_id]), kind=str(_("Invoice")),
                  detail=f"{invoice.contract.number} · {invoice.get_status_display()}")
        for invoice in _by_number(selectors.invoice_list(user=user), query, limit)
    ]


register_search(SearchProvider(key="receipts", search=_search_receipts, permission=f"{RECEIPT}.view", order=36))
register_search(SearchProvider(key="invoices", search=_search_invoices, permission=f"{INVOICE}.view", order=37))
