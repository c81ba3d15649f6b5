"""销售漏斗 (RPT-7): the funnel of one pipeline with the conversion from each stage to the next, the
forecast, won and lost by reason and by competitor. Each part is one grouped query over the
opportunities in the viewer's scope (the report's parent resource is the opportunity); the
leaderboards come from the work report's measures (crm.reports.work).

The CRM keeps where an opportunity stands now, not every stage it passed. So the funnel counts,
for each open stage and the won stage, the opportunities created in the period that stand at that
stage or a later one (a won opportunity passed every open stage); every opportunity created in
the period entered the pipeline, so the first stage counts them all, the lost and the unassigned
too. Conversion from a stage to the next is the next stage's count over this one's.
"""

import datetime
import itertools
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from crm.access.engine import access_for
from crm.competitors.models import Competitor
from crm.opportunities.board import WEIGHTED
from crm.opportunities.models import Opportunity, OpportunityStatus, Pipeline, StageKind
from crm.reports.periods import Period, add_months
from crm.reports.permissions import FUNNEL

FORECAST_MONTHS = 6
ZERO = Decimal("0.00")
WON = Q(status=OpportunityStatus.WON)
LOST = Q(status=OpportunityStatus.LOST)


def pipelines() -> list[Pipeline]:
    return list(Pipeline.objects.filter(is_active=True).order_by("-is_default", "sort_order", "id"))


def pipeline_chosen(pk: int | None, choices: list[Pipeline] | None = None) -> Pipeline | None:
    """The pipeline asked for (an id among the active ones), else the default one."""
    choices = pipelines() if choices is None else choices
    return next((p for p in choices if p.pk == pk), choices[0] if choices else None)


def opportunities(*, user, pipeline: Pipeline | None = None) -> QuerySet:
    queryset = Opportunity.objects.all()
    if pipeline is not None:
        queryset = queryset.filter(pipeline=pipeline)
    return access_for(user).scoped(FUNNEL, queryset)


@dataclass
class Step:
    stage_id: int
    name: str
    reached: int  # created in the period and at this stage or beyond
    current: int  # standing at this stage now
    amount: Decimal  # their expected amounts, of those standing here now
    conversion: float | None = None  # to the next step, 0…1

    @property
    def percent(self) -> str:
        return "—" if self.conversion is None else f"{self.conversion * 100:.1f}%"


def funnel(*, user, pipeline: Pipeline, period: Period) -> list[Step]:
    """The pipeline's open stages and its won stage, in order, with how many reached each and the
    conversion to the next. One GROUP BY over the opportunities, then arithmetic on a few rows."""
    stages = [s for s in pipeline.stages.order_by("sort_order", "id") if s.kind in (StageKind.OPEN, StageKind.WON)]
    rows = (
        opportunities(user=user, pipeline=pipeline)
        .filter(**period.lookup("created_at"))
        .order_by()
        .values("stage_id")
        .annotate(n=Count("id"), amount=Sum("expected_amount"))
    )
    counted = {row["stage_id"]: (row["n"], row["amount"] or ZERO) for row in rows}
    everyone = sum(n for n, _amount in counted.values())
    steps = []
    for index, stage in enumerate(stages):
        beyond = sum(counted.get(later.pk, (0, ZERO))[0] for later in stages[index:])
        n, amount = counted.get(stage.pk, (0, ZERO))
        steps.append(Step(stage.pk, stage.name, everyone if index == 0 else beyond, n, amount))
    for step, following in itertools.pairwise(steps):
        step.conversion = following.reached / step.reached if step.reached else None
    return steps


@dataclass
class MonthForecast:
    month: datetime.date
    count: int
    amount: Decimal
    weighted: Decimal


def forecast(*, user, pipeline: Pipeline | None, start: datetime.date, months: int = FORECAST_MONTHS):
    """The opportunities in development expected to close in each of `months` months from the month
    of `start`: how many, their expected amount and that amount weighted by their probability."""
    first = start.replace(day=1)
    month_list = [add_months(first, index) for index in range(months)]
    rows = (
        opportunities(user=user, pipeline=pipeline)
        .filter(status=OpportunityStatus.DEVELOPING, expected_close__gte=first,
                expected_close__lt=add_months(first, months))
        .order_by()
        .annotate(month=TruncMonth("expected_close"))
        .values("month")
        .annotate(n=Count("id"), amount=Sum("expected_amount"), weighted=Sum(WEIGHTED))
    )
    found = {row["month"]: row for row in rows}
    return [
        MonthForecast(
            month,
            found.get(month, {}).get("n", 0),
            found.get(month, {}).get("amount") or ZERO,
            found.get(month, {}).get("weighted") or ZERO,
        )
        for month in month_list
    ]


@dataclass
class Outcome:
    key: int | None
    label: str
    won: int
    lost: int
    amount: Decimal  # won amount


def _closed(user, pipeline, period) -> QuerySet:
    return opportunities(user=user, pipeline=pipeline).filter(**period.lookup("closed_at"))


def lost_by_reason(*, user, pipeline: Pipeline | None, period: Period) -> list[Outcome]:
    """The opportunities lost in the period by their lost reason, most first (one GROUP BY)."""
    rows = (
        _closed(user, pipeline, period)
        .filter(LOST)
        .order_by()
        .values("lost_reason_id", "lost_reason__entry")
        .annotate(n=Count("id"))
        .order_by("-n", "lost_reason__entry")
    )
    return [Outcome(row["lost_reason_id"], row["lost_reason__entry"] or "", 0, row["n"], ZERO) for row in rows]


def closed_totals(*, user, pipeline: Pipeline | None, period: Period) -> Outcome:
    """How many were won (and for how much) and lost in the period."""
    found = _closed(user, pipeline, period).aggregate(
        won=Count("id", filter=WON), lost=Count("id", filter=LOST), amount=Sum("expected_amount", filter=WON)
    )
    return Outcome(None, "", found["won"], found["lost"], found["amount"] or ZERO)


def by_competitor(*, user, pipeline: Pipeline | None, period: Period) -> list[Outcome]:
    """Per competitor, the opportunities closed in the period where it was considered: won against
    it, and lost to it (two GROUP BYs, merged on a few competitors)."""
    closed = _closed(user, pipeline, period)
    won = (
        closed.filter(status=OpportunityStatus.WON, competitors__isnull=False)
        .order_by()
        .values("competitors__id")
        .annotate(n=Count("id", distinct=True), amount=Sum("expected_amount"))
    )
    lost = closed.filter(status=OpportunityStatus.LOST, lost_to__isnull=False).order_by().values("lost_to_id")
    lost = lost.annotate(n=Count("id"))
    outcomes: dict[int, Outcome] = {}
    for row in won:
        outcomes[row["competitors__id"]] = Outcome(row["competitors__id"], "", row["n"], 0, row["amount"] or ZERO)
    for row in lost:
        outcome = outcomes.setdefault(row["lost_to_id"], Outcome(row["lost_to_id"], "", 0, 0, ZERO))
        outcome.lost = row["n"]
    names = dict(Competitor.objects.filter(pk__in=list(outcomes)).values_list("pk", "name"))
    for outcome in outcomes.values():
        outcome.label = names.get(outcome.key, "—")
    return sorted(outcomes.values(), key=lambda o: (-(o.won + o.lost), o.label))
