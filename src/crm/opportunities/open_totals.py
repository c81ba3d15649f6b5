"""Reading the running totals of the developing opportunities (models.OpenTotal, kept by the
trigger of migration 0005 on PostgreSQL). They answer the board's open columns and the forecast
for someone who sees every opportunity, when the board is filtered at most by account manager or
team; any other case sums the rows, which is the same answer, read slower (ADR 0021)."""

from decimal import Decimal

from django.db import connection
from django.db.models import Sum

from crm.access.engine import access_for
from crm.identity.models import User
from crm.opportunities.models import OpenTotal
from crm.opportunities.permissions import OPPORTUNITY

ANSWERED_FILTERS = {"owner", "department"}


def usable(user, filters: dict | None = None) -> bool:
    """Whether the totals give this viewer's answer: PostgreSQL (where the trigger keeps them), an
    unrestricted scope (the totals know no customers or shares), and no filter they lack."""
    chosen = {name for name, value in (filters or {}).items() if value}
    return (
        connection.vendor == "postgresql"
        and access_for(user).sees_all(OPPORTUNITY)
        and chosen <= ANSWERED_FILTERS
    )


def _rows(filters: dict):
    rows = OpenTotal.objects.filter(n__gt=0)
    if filters.get("owner"):
        rows = rows.filter(owner_id=filters["owner"])
    if filters.get("department"):
        team = User.objects.filter(department__path__startswith=filters["department"].path)
        rows = rows.filter(owner_id__in=team.values("pk"))
    return rows


def by_stage(pipeline, filters: dict) -> dict[int, dict]:
    """stage id → {n, total, weighted} of the pipeline's developing opportunities."""
    rows = (
        _rows(filters)
        .filter(pipeline_id=pipeline.pk)
        .values("stage_id")
        .annotate(n=Sum("n"), total=Sum("amount"), weighted=Sum("amount_probability"))
    )
    return {
        row["stage_id"]: {"n": row["n"], "total": row["total"], "weighted": _weighted(row["weighted"])}
        for row in rows
    }


def by_owner_and_month(start, end, pipeline=None) -> list[dict]:
    """Per account manager and month of the expected close date in [start, end): n, total, weighted."""
    rows = _rows({}).filter(close_month__gte=start, close_month__lt=end)
    if pipeline is not None:
        rows = rows.filter(pipeline_id=pipeline.pk)
    rows = rows.values("owner_id", "close_month").annotate(
        n=Sum("n"), total=Sum("amount"), weighted=Sum("amount_probability")
    )
    return [{**row, "weighted": _weighted(row["weighted"])} for row in rows]


def _weighted(amount_probability) -> Decimal:
    return (Decimal(amount_probability or 0) / 100).quantize(Decimal("0.01"))
