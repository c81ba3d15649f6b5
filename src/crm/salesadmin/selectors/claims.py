"""Expense claims in the viewer's scope, and their statistics (SADM-3): approved claims summed by
type, person, department, customer or month, one GROUP BY each, in the database."""

from decimal import Decimal

from django.db.models import Count, F, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from crm.access.engine import access_for
from crm.core.errors import NotFound
from crm.salesadmin.models import ClaimStatus, ExpenseClaim, ExpenseLine
from crm.salesadmin.periods import Period
from crm.salesadmin.permissions import CLAIM

STATUS_FILTERS = ("draft", "in_approval", "approved", "unpaid", "paid")


def claim_filters(params) -> dict:
    """The list's status filter from its query string (the page and its exports)."""
    status = (params or {}).get("status")
    return {"status": status if status in STATUS_FILTERS else ""}


def claim_list(*, user, status: str = ""):
    queryset = access_for(user).scoped(CLAIM, ExpenseClaim.objects.select_related("claimant", "claimant__department"))
    if status == "unpaid":
        queryset = queryset.filter(status=ClaimStatus.APPROVED, paid=False)
    elif status == "paid":
        queryset = queryset.filter(paid=True)
    elif status in ClaimStatus.values:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-id")


def claim_get(*, user, pk) -> ExpenseClaim:
    return access_for(user).get(CLAIM, pk, queryset=ExpenseClaim.objects.select_related("claimant", "paid_by"))


def claim_lines(claim: ExpenseClaim):
    return claim.lines.select_related("expense_type", "customer", "opportunity").order_by("position", "id")


def line_get(*, user, pk) -> ExpenseLine:
    """A line whose claim is in scope (its receipt file)."""
    line = ExpenseLine.objects.select_related("claim").filter(pk=pk).first()
    if line is None:
        raise NotFound()
    claim_get(user=user, pk=line.claim_id)
    return line


GROUPS = {
    "type": (_("By type"), "expense_type__entry"),
    "person": (_("By person"), "claim__claimant__name"),
    "department": (_("By department"), "claim__claimant__department__name"),
    "customer": (_("By customer"), "customer__name"),
    "month": (_("By month"), "month"),
}


def claim_stats(*, user, period: Period, group: str = "type") -> list[dict]:
    """[{"label", "amount", "lines"}] for the approved claims' lines spent in the period, largest
    first (by month: in order); lines without a customer under an empty label."""
    claims = access_for(user).scoped(CLAIM, ExpenseClaim.objects.filter(status=ClaimStatus.APPROVED))
    lines = ExpenseLine.objects.filter(claim__in=claims.values("pk"), **period.lookup("spent_on", dates=True))
    column = GROUPS[group][1]
    if group == "month":
        lines = lines.annotate(month=TruncMonth("spent_on"))
    rows = lines.order_by().values(label=F(column)).annotate(amount=Sum("amount"), lines=Count("id"))
    rows = sorted(rows, key=lambda r: r["label"]) if group == "month" else sorted(
        rows, key=lambda r: r["amount"] or Decimal(0), reverse=True)
    for row in rows:
        if group == "month" and row["label"]:
            row["label"] = row["label"].strftime("%Y-%m")
        row["label"] = row["label"] or "—"
    return rows
