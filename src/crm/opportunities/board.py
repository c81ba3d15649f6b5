"""The kanban board and the forecast (OPP-9): read-only, set-based, scoped by the engine. A
board's first screen is a fixed number of queries whatever the number of opportunities: the
stages, the column totals (one GROUP BY), and the first cards of every column (one window query,
or one indexed query per stage when many are in sight)."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum, Window, prefetch_related_objects
from django.db.models.functions import RowNumber, TruncMonth
from django.utils import timezone

from crm.access.engine import access_for
from crm.identity.models import User
from crm.opportunities import open_totals, stale
from crm.opportunities.models import Opportunity, OpportunityStatus, Pipeline, Stage
from crm.opportunities.permissions import OPPORTUNITY

CARDS_PER_COLUMN = 30
RANK_BELOW = 3000  # opportunities in sight up to which one window query ranks the cards
CLOSED_SHOWN_DAYS = 30  # won and lost columns show what closed in the last month
WEIGHTED = ExpressionWrapper(
    F("expected_amount") * F("probability") / 100, output_field=DecimalField(max_digits=18, decimal_places=2)
)


@dataclass
class Column:
    stage: Stage
    count: int = 0
    total: Decimal = Decimal(0)
    weighted: Decimal = Decimal(0)
    cards: list = field(default_factory=list)

    @property
    def more(self) -> int:
        return max(self.count - len(self.cards), 0)


def board_queryset(*, user, pipeline: Pipeline, filters: dict, closed_only: bool = False):
    """The opportunities on a pipeline's board: open ones, and those closed lately. Filters:
    `owner` (a user id), `department` (a department: its subtree), `close_month` (a date in it),
    `tag` (a tag id)."""
    since = timezone.now() - datetime.timedelta(days=CLOSED_SHOWN_DAYS)
    closed = [OpportunityStatus.WON, OpportunityStatus.LOST]
    recently_closed = Q(status__in=closed, closed_at__gte=since)  # along (pipeline, status, closed_at)
    queryset = Opportunity.objects.filter(pipeline=pipeline).filter(
        recently_closed if closed_only else Q(status=OpportunityStatus.DEVELOPING) | recently_closed
    )
    if filters.get("owner"):
        queryset = queryset.filter(owner_id=filters["owner"])
    if filters.get("department"):
        queryset = queryset.filter(owner__department__path__startswith=filters["department"].path)
    if filters.get("tag"):
        queryset = queryset.filter(tags=filters["tag"])
    if filters.get("close_month"):
        month = filters["close_month"]
        queryset = queryset.filter(expected_close__year=month.year, expected_close__month=month.month)
    return access_for(user).scoped(OPPORTUNITY, queryset, listing=True)


def _first_cards(queryset, stage_ids: list[int], *, ranked: bool):
    """The first cards of each column, by priority. Few opportunities in sight (a salesperson's
    scope): rank them all in one window query. Many (an executive's): one short query per stage
    in the order of the (stage, priority, id) index, instead of sorting them all (the window
    query sorted 18,000 rows at scale 0.1, where these take a few ms each)."""
    cards = queryset.select_related("owner").defer("description", "close_reason")
    if ranked:
        place = Window(RowNumber(), partition_by=[F("stage_id")], order_by=[F("priority").desc(), F("id").desc()])
        yield from cards.annotate(place=place).filter(place__lte=CARDS_PER_COLUMN).order_by("stage_id", "place")
        return
    for stage_id in stage_ids:
        yield from cards.filter(stage_id=stage_id).order_by("-priority", "-id")[:CARDS_PER_COLUMN]


def board(*, user, pipeline: Pipeline, filters: dict | None = None, rank_below: int = RANK_BELOW) -> list[Column]:
    filters = filters or {}
    queryset = board_queryset(user=user, pipeline=pipeline, filters=filters)
    columns = {stage.pk: Column(stage) for stage in pipeline.stages.all()}
    if open_totals.usable(user, filters):  # the open columns from the running totals, the closed from the rows
        sums = open_totals.by_stage(pipeline, filters)
        sums.update(_sums(board_queryset(user=user, pipeline=pipeline, filters=filters, closed_only=True)))
    else:
        sums = _sums(queryset)
    for stage_id, row in sums.items():
        column = columns.get(stage_id)
        if column is not None:
            column.count, column.total, column.weighted = row["n"], row["total"] or 0, row["weighted"] or 0
    visible = sum(column.count for column in columns.values())
    cards = list(_first_cards(queryset, list(columns), ranked=visible <= rank_below))
    prefetch_related_objects(cards, "tags")  # one query for every card's tags
    for card in cards:
        column = columns.get(card.stage_id)
        if column is not None:
            card.stale_in = stale.days_left(card, pipeline)
            column.cards.append(card)
    return list(columns.values())


def _sums(queryset) -> dict[int, dict]:
    """stage id → {n, total, weighted}, summed from the rows (one GROUP BY)."""
    rows = (
        queryset.order_by()
        .values("stage_id")
        .annotate(n=Count("id"), total=Sum("expected_amount"), weighted=Sum(WEIGHTED))
    )
    return {row["stage_id"]: row for row in rows}


def forecast(*, user, group: str = "owner", months: int = 6, pipeline: Pipeline | None = None) -> dict:
    """Weighted expected amounts of the open opportunities by month of their expected close date
    and by salesperson (group="owner") or team (group="department"), from this month on."""
    start = timezone.localdate().replace(day=1)
    month_list = [_add_months(start, index) for index in range(months)]
    end = _add_months(start, months)
    table: dict[str, dict] = {}
    for name, month, n, total, weighted in _forecast_rows(user, group, start, end, pipeline):
        cell = table.setdefault(name or "—", {}).setdefault(month, {"weighted": 0, "total": 0, "n": 0})
        cell["weighted"] += weighted or 0
        cell["total"] += total or 0
        cell["n"] += n
    lines = [
        {
            "name": name,
            "cells": [cells.get(month) for month in month_list],
            "weighted": sum(cell["weighted"] for cell in cells.values()),
        }
        for name, cells in sorted(table.items())
    ]
    sums = [sum((line["cells"][i] or {"weighted": 0})["weighted"] for line in lines) for i in range(months)]
    return {"months": month_list, "lines": lines, "sums": sums, "grand": sum(sums)}


def _forecast_rows(user, group: str, start, end, pipeline):
    """(name, month, n, total, weighted) per salesperson or team and month: from the running
    totals for those who see everything, else summed from the rows in the viewer's scope."""
    if open_totals.usable(user):
        rows = open_totals.by_owner_and_month(start, end, pipeline)
        owners = User.objects.filter(pk__in={row["owner_id"] for row in rows}).select_related("department")
        names = {
            owner.pk: (owner.department.name if owner.department_id else None) if group == "department" else owner.name
            for owner in owners
        }
        for row in rows:
            yield names.get(row["owner_id"]), row["close_month"], row["n"], row["total"], row["weighted"]
        return
    queryset = Opportunity.objects.filter(
        status=OpportunityStatus.DEVELOPING, expected_close__gte=start, expected_close__lt=end
    )
    if pipeline is not None:
        queryset = queryset.filter(pipeline=pipeline)
    key = "owner__department__name" if group == "department" else "owner__name"
    rows = (
        access_for(user)
        .scoped(OPPORTUNITY, queryset, listing=True)
        .order_by()
        .annotate(month=TruncMonth("expected_close"))
        .values(key, "month")
        .annotate(weighted=Sum(WEIGHTED), total=Sum("expected_amount"), n=Count("id"))
    )
    for row in rows:
        month = row["month"].date() if isinstance(row["month"], datetime.datetime) else row["month"]
        yield row[key], month, row["n"], row["total"], row["weighted"]


def _add_months(day: datetime.date, count: int) -> datetime.date:
    month = day.month - 1 + count
    return day.replace(year=day.year + month // 12, month=month % 12 + 1, day=1)




def against_competitors(*, user) -> list[dict]:
    """Win and loss against each competitor (CMP-3, OPP-10), over the opportunities in scope where
    it was considered: open, won, lost to it, lost to another, and our win rate against it."""
    scoped = access_for(user).scoped(OPPORTUNITY, Opportunity.objects.exclude(competitors=None))
    rows = (
        scoped.order_by()
        .values("competitors__id", "competitors__name", "competitors__threat_level")
        .annotate(
            considered=Count("id"),
            open=Count("id", filter=Q(status=OpportunityStatus.DEVELOPING)),
            won=Count("id", filter=Q(status=OpportunityStatus.WON)),
            lost_to_it=Count("id", filter=Q(status=OpportunityStatus.LOST, lost_to_id=F("competitors__id"))),
            lost=Count("id", filter=Q(status=OpportunityStatus.LOST)),
        )
        .order_by("-considered", "competitors__name")
    )
    result = []
    for row in rows:
        decided = row["won"] + row["lost_to_it"]
        result.append({
            "id": row["competitors__id"],
            "name": row["competitors__name"],
            "threat_level": row["competitors__threat_level"],
            "considered": row["considered"],
            "open": row["open"],
            "won": row["won"],
            "lost_to_it": row["lost_to_it"],
            "lost_otherwise": row["lost"] - row["lost_to_it"],
            "win_rate": round(100 * row["won"] / decided) if decided else None,
        })
    return result
