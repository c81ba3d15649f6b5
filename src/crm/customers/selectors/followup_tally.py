"""Follow-ups counted over a period for everybody's work (the work report RPT-5, the targets
board; ADR 0027): how many, summed over each author's days (FollowUpDay); and how many customers,
whole months from the tally per author, customer and year (FollowUpYear), the days around them
from the follow-ups themselves, so any range of days is counted exactly.

"Customers contacted" counts each customer once per person (or team, or everyone) however many
months and days they were contacted in: the tally's rows and the edge days' follow-ups are read as
(person, customer) pairs, and the distinct customers counted over both. The caller decides whose
follow-ups count (`people`); these functions do not narrow by the viewer's scope of customers, so a
report calls them only for a viewer who sees every follow-up.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, F, Max, Min, Q, QuerySet, Sum, Value
from django.utils import timezone

from crm.customers.models import FollowUp, FollowUpDay, FollowUpYear
from crm.customers.models.tally import MONTHS, month_field

# Fewer whole months than this: reading the follow-ups of the period by their date index is
# quicker than reading a year of the tally.
MIN_MONTHS = 3
GROUPS = ("person", "team", None)  # None: everyone together


@dataclass(frozen=True)
class Split:
    """A range of days as whole months by year (read from the tally) and the days left over."""

    months: dict[int, tuple[int, ...]] = field(default_factory=dict)
    days: tuple[tuple[datetime.date, datetime.date], ...] = ()


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def _month_end(day: datetime.date) -> datetime.date:
    return _next_month(day) - datetime.timedelta(days=1)


def split(start: datetime.date, end: datetime.date) -> Split:
    """[start, end] (inclusive) as its whole months and the days before and after them."""
    first = start if start.day == 1 else _next_month(start)
    after = _next_month(end) if _month_end(end) == end else end.replace(day=1)
    whole = []
    month = first
    while month < after:
        whole.append(month)
        month = _next_month(month)
    if len(whole) < MIN_MONTHS:
        return Split(days=((start, end),))
    months: dict[int, tuple[int, ...]] = {}
    for month in whole:
        months[month.year] = (*months.get(month.year, ()), month.month)
    days = []
    if start < first:
        days.append((start, first - datetime.timedelta(days=1)))
    if after <= end:
        days.append((after, end))
    return Split(months, tuple(days))


def widened(start: datetime.date, end: datetime.date, *, people=None) -> tuple[datetime.date, datetime.date]:
    """[start, end] stretched to the first of its first month and the last of its last month when
    nobody counted (`people`) made a follow-up on the days added (one read of the per-day counts):
    the same follow-ups, so the same customers, and whole months are read from the tally. A year
    to date is a whole year, with no month condition and no follow-ups of its last days to add."""
    wider_start, wider_end = start.replace(day=1), _month_end(end)
    gaps = Q()
    if wider_start < start:
        gaps |= Q(day__gte=wider_start, day__lt=start)
    if end < wider_end:
        gaps |= Q(day__gt=end, day__lte=wider_end)
    if not gaps:
        return start, end
    days = FollowUpDay.objects.filter(gaps).exclude(count=0)
    if people is not None:
        days = days.filter(author__in=people)
    if not days.exists():
        return wider_start, wider_end
    return start, end


def _times(day_range: tuple[datetime.date, datetime.date]) -> Q:
    zone = timezone.get_default_timezone()
    start, end = day_range
    return Q(
        followed_at__gte=datetime.datetime.combine(start, datetime.time.min, tzinfo=zone),
        followed_at__lt=datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone),
    )


def _followups(parts: Split, people) -> QuerySet | None:
    if not parts.days:
        return None
    during = Q()
    for day_range in parts.days:
        during |= _times(day_range)
    queryset = FollowUp.objects.filter(during, created_by__isnull=False).order_by()
    return queryset if people is None else queryset.filter(created_by__in=people)


def _tally(parts: Split, people) -> QuerySet | None:
    """The tally's rows with some follow-up in the period's whole months."""
    if not parts.months:
        return None
    queryset = FollowUpYear.objects.filter(year__in=list(parts.months))
    partial = {year: months for year, months in parts.months.items() if len(months) < len(MONTHS)}
    if partial:  # whole years need no condition: a row exists only with some follow-up in its year
        queryset = queryset.filter(_in_months(partial) | Q(year__in=[y for y in parts.months if y not in partial]))
    return queryset if people is None else queryset.filter(author__in=people)


def _in_months(months_by_year: dict[int, tuple[int, ...]]) -> Q:
    """Rows of these years with some follow-up in the given months."""
    condition = Q()
    for year, months in months_by_year.items():
        some = Q()
        for month in months:
            some |= Q(**{f"{month_field(month)}__gt": 0})
        condition |= Q(year=year) & some
    return condition


def _key(group: str | None, person: str):
    if group is None:
        return Value(0)
    return F(person) if group == "person" else F(f"{person}__department")


def followups_counted(start: datetime.date, end: datetime.date, *, people=None, group: str | None = "person") -> dict:
    """{person (or department) id: follow-ups made in [start, end]} (group None: {0: everyone's}),
    summed over the authors' days."""
    days = FollowUpDay.objects.filter(day__gte=start, day__lte=end)
    if people is not None:
        days = days.filter(author__in=people)
    counted = days.annotate(k=_key(group, "author")).values("k").annotate(v=Sum("count")).values_list("k", "v")
    return {key: value for key, value in counted if value}  # everyone's sum over no rows is NULL


def customers_contacted(start: datetime.date, end: datetime.date, *, people=None, group: str | None = "person") -> dict:
    """{person (or department) id: distinct customers they followed up in [start, end]} (group None:
    {0: the customers anybody followed up}): one statement over the tally's and the follow-ups' pairs."""
    parts = split(*widened(start, end, people=people))
    if not parts.months:  # too few months for the tally: the follow-ups of the days asked, by their index
        parts = split(start, end)
    if group == "person" and len(parts.months) == 1 and not parts.days:
        # One row per person, customer and year: within one year of whole months, no customer twice.
        rows = _tally(parts, people).values("author").annotate(v=Count("*")).values_list("author", "v")
        return dict(rows)
    if group == "team" and not parts.days:
        return _teams_contacted(_tally(parts, people))
    selects, params = [], []
    for queryset, person in ((_tally(parts, people), "author"), (_followups(parts, people), "created_by")):
        if queryset is None:
            continue
        pairs = queryset.annotate(k=_key(group, person), c=F("customer_id")).values("k", "c")
        sql, values = pairs.query.sql_with_params()
        selects.append(sql)
        params += values
    if len(selects) == 1:
        # The distinct pairs first, then a count per key: PostgreSQL finds the tally's pairs distinct
        # in the order of its (customer, author, year) index, with no sort (COUNT(DISTINCT) sorts every
        # pair of each key: a person's two years 0.72 → 0.41 s at scale 1, a team's 2.4 → 1.0 s).
        distinct = f"SELECT DISTINCT c, k FROM ({selects[0]}) pairs"  # noqa: S608
        statement = f"SELECT k, COUNT(*) FROM ({distinct}) distinct_pairs GROUP BY k"  # noqa: S608
    else:
        # Over a UNION the planner cannot estimate the distinct pairs (it guessed 40,000 for a million
        # and hashed them into a spill that ran for minutes): COUNT(DISTINCT) sorts, predictably.
        statement = f"SELECT k, COUNT(DISTINCT c) FROM ({' UNION ALL '.join(selects)}) pairs GROUP BY k"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return {key: value for key, value in cursor.fetchall() if key is not None or group is None}


def _teams_contacted(tally: QuerySet) -> dict:
    """{department id: distinct customers its people followed up} from the tally's rows.

    Distinct (customer, team) pairs over a million rows cost a hash of every pair (0.5 s for a year
    at scale 1, 0.9 s for two). Most customers are followed up by one person: the customers' lowest
    and highest author, in the order of the tally's (customer, author, year) index with no sort,
    count each customer of one author for that author's team; only the customers of several authors
    are read again, to count them once for each team among their authors."""
    sql, params = tally.values("customer_id", "author_id").query.sql_with_params()
    per_customer = f"SELECT customer_id, MIN(author_id) AS lo, MAX(author_id) AS hi FROM ({sql}) t GROUP BY customer_id"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT lo, hi, COUNT(*) FROM ({per_customer}) per GROUP BY lo, hi", params)  # noqa: S608
        groups = cursor.fetchall()
    alone = {lo: count for lo, hi, count in groups if lo == hi}
    authors_of: dict[int, set[int]] = {}
    if len(alone) < len(groups):
        several = (
            tally.values("customer_id").annotate(lo=Min("author_id"), hi=Max("author_id")).filter(lo__lt=F("hi"))
        )
        rows = tally.filter(customer_id__in=several.values("customer_id")).values_list("customer_id", "author_id")
        for customer, author in rows:
            authors_of.setdefault(customer, set()).add(author)
    authors = set(alone).union(*authors_of.values())
    team_of = dict(get_user_model().objects.filter(pk__in=authors).values_list("pk", "department_id"))
    counted: Counter = Counter()
    for author, count in alone.items():
        counted[team_of.get(author)] += count
    for several_authors in authors_of.values():
        counted.update({team_of.get(author) for author in several_authors})
    counted.pop(None, None)  # people in no department belong to no team
    return dict(counted)
