"""Expense claims go through the approval engine (SADM-3): a flow may test the claim's amount (for
example a second approver above 5,000 CNY); with no flow a claim is approved when submitted."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from crm.approvals.registry import ConditionField, DocumentType, register
from crm.salesadmin.models import ClaimStatus, ExpenseClaim
from crm.salesadmin.permissions import CLAIM
from crm.salesadmin.services.claims import CLAIM_DOCUMENT, claim_decided, claim_submitted


def _snapshot(claim: ExpenseClaim) -> dict:
    lines = "；".join(
        f"{line.spent_on.isoformat()} {line.expense_type.entry} {line.amount}"
        + (f" {line.customer.name}" if line.customer_id else "")
        + (f" {line.description}" if line.description else "")
        for line in claim.lines.select_related("expense_type", "customer")
    )
    return {
        str(_("Number")): claim.number,
        str(_("Claimant")): str(claim.claimant),
        str(_("Title")): claim.title,
        str(_("Expenses")): lines,
        str(_("Total (CNY)")): str(claim.total),
    }


register(
    DocumentType(
        code=CLAIM_DOCUMENT,
        label=_("Expense claim"),
        model="salesadmin.ExpenseClaim",
        resource=CLAIM,
        title=lambda c: f"{c.number} {c.title}",
        url=lambda c: reverse("salesadmin:claim_detail", args=[c.pk]),
        snapshot=_snapshot,
        fields=(ConditionField("amount", _("Amount"), "number"),),
        values=lambda c: {"amount": c.total},
        amount=lambda c: c.total,
        statuses=lambda: [(ClaimStatus.APPROVED.value, ClaimStatus.APPROVED.label)],
        default_status=ClaimStatus.APPROVED,
        on_submitted=lambda actor, claim, approval: claim_submitted(claim),
        on_decided=lambda actor, claim, approval, status: claim_decided(claim, approval, status),
    )
)
