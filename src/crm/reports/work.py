"""销售人员工作汇总 (RPT-5): what each salesperson (or team) did in a period, one grouped query per
measure, in the database; and the same measures summed for the management dashboard.

Two scopes apply, both from the permission engine. The report's own (`reports.work`: self,
department, subtree or all) says whose work the viewer may read; each measure is also narrowed to
the records the viewer may see (a follow-up on a customer outside their scope does not exist for
them). A measure dates the work by its own column and gives it to one person:

- new customers: customers created in the period, to their account manager;
- follow-ups and customers contacted: follow-ups made in the period, to who wrote them;
- plan items done: development plan steps whose result was recorded in the period, to the
  opportunity's account manager (the plan step keeps no author of its result);
- new opportunities: created in the period, to who created them;
- won amount: opportunities won (closed as succeeded) in the period, their expected amount, to
  their account manager;
- services handled: services handled in the period, to who handled them.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, IntegerField, Model, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm.access.engine import access_for
from crm.customers.models import Customer, FollowUp
from crm.customers.selectors import followup_tally
from crm.identity.models import Department, User
from crm.opportunities.models import Opportunity, OpportunityStatus, PlanItem
from crm.reports.periods import Period
from crm.reports.permissions import WORK
from crm.service.models import Service


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    resource: str  # the records' resource: their scope applies
    model: type[Model]
    when: str  # the timestamp that dates the work
    person: str  # the user it is counted to
    value: Callable  # (**kwargs) -> aggregate expression; kwargs: filter=
    only: Q = field(default_factory=Q)
    money: bool = False
    additive: bool = True  # False: a team's figure is not the sum of its people's (distinct customers)
    # Counted from the follow-up tally when the viewer sees every record (ADR 0027):
    # (start, end, people=, group=) -> {person, department or 0: value}.
    tally: Callable | None = None


# Each count counts the dating column (never empty in the period), so an index holding it and the
# person (customer_created_idx, service_handled_idx, followup_date_idx) answers without the table.
MEASURES = (
    Measure("new_customers", _("New customers"), "customers.customer", Customer, "created_at", "manager",
            lambda **kw: Count("created_at", **kw)),
    Measure("followups", pgettext_lazy("a count", "Follow-ups"), "customers.followup", FollowUp, "followed_at",
            "created_by", lambda **kw: Count("followed_at", **kw), tally=followup_tally.followups_counted),
    Measure("customers_contacted", _("Customers contacted"), "customers.followup", FollowUp, "followed_at",
            "created_by", lambda **kw: Count("customer_id", distinct=True, **kw), additive=False,
            tally=followup_tally.customers_contacted),
    Measure("plan_items_done", _("Plan items done"), "opportunities.planitem", PlanItem, "result_at",
            "opportunity__owner", lambda **kw: Count("result_at", **kw)),
    Measure("new_opportunities", _("New opportunities"), "opportunities.opportunity", Opportunity, "created_at",
            "created_by", lambda **kw: Count("created_at", **kw)),
    Measure("won_amount", _("Won amount"), "opportunities.opportunity", Opportunity, "closed_at", "owner",
            lambda **kw: Sum("expected_amount", **kw), only=Q(status=OpportunityStatus.WON), money=True),
    Measure("services_handled", _("Services handled"), "service.service", Service, "handled_at", "handled_by",
            lambda **kw: Count("handled_at", **kw)),
)
BY_KEY = {measure.key: measure for measure in MEASURES}

GROUPS = {"person": _("By person"), "team": _("By team")}
DEFAULT_GROUP = "person"


def grouping(group: str | None, team: int | None) -> str:
    """The grouping a request means: one team's people when a team is asked for."""
    return "person" if team else group or DEFAULT_GROUP


def _zero(measure: Measure):
    return Decimal("0.00") if measure.money else 0


def _people(user, team: int | None = None) -> QuerySet | None:
    """The users whose work the viewer may read (None: everyone), narrowed to one team if asked."""
    access = access_for(user)
    people = None if access.sees_all(WORK) else access.users_in_scope(WORK, User.objects.all())
    if team is not None:
        people = (people if people is not None else User.objects.all()).filter(department_id=team)
    return people


def _records(measure: Measure, *, user, people: QuerySet | None) -> QuerySet:
    """The measure's records the viewer may see, done by the people they may read."""
    queryset = measure.model._default_manager.filter(measure.only, **{f"{measure.person}__isnull": False})
    if people is not None:
        queryset = queryset.filter(**{f"{measure.person}__in": people.values("pk")})
    return access_for(user).scoped(measure.resource, queryset)


def _tallied(measure: Measure, user) -> bool:
    """Whether the measure is read from the follow-up tally: it has one, and the viewer sees every
    record (the tally knows nothing of scopes; anyone seeing fewer counts from the records)."""
    return measure.tally is not None and access_for(user).scope_filter(measure.resource) is None


def _people_ids(people: QuerySet | None) -> QuerySet | None:
    return None if people is None else people.values("pk")


def grouped(measure: Measure, *, user, period: Period, group: str = DEFAULT_GROUP, team: int | None = None) -> dict:
    """{person id (or department id): value} for one measure: one GROUP BY."""
    if not access_for(user).can(f"{WORK}.view"):
        return {}
    people = _people(user, team)
    if _tallied(measure, user):
        return measure.tally(period.start, period.end, people=_people_ids(people), group=group)
    column = measure.person if group == "person" else f"{measure.person}__department"
    queryset = _records(measure, user=user, people=people).filter(**period.lookup(measure.when))
    rows = queryset.order_by().values_list(column).annotate(value=measure.value()).values_list(column, "value")
    return {key: value if value is not None else _zero(measure) for key, value in rows}


def total(measure: Measure, *, user, periods: list[Period], team: int | None = None) -> list:
    """The measure over everyone the viewer may read, for each period: one query with a filtered
    aggregate per period (the dashboard's eight periods read each table once)."""
    if not access_for(user).can(f"{WORK}.view") or not periods:
        return [_zero(measure) for _period in periods]
    people = _people(user, team)
    if _tallied(measure, user):
        return [measure.tally(p.start, p.end, people=_people_ids(people), group=None).get(0, 0) for p in periods]
    queryset = _records(measure, user=user, people=people)
    start, end = min(p.start for p in periods), max(p.end for p in periods)
    queryset = queryset.filter(**Period(start, end).lookup(measure.when))
    found = queryset.aggregate(
        **{f"p{index}": measure.value(filter=Q(**period.lookup(measure.when))) for index, period in enumerate(periods)}
    )
    return [found[f"p{index}"] if found[f"p{index}"] is not None else _zero(measure) for index in range(len(periods))]


@dataclass
class WorkRow:
    key: int | None  # the person's or the department's id
    name: str
    team: str
    values: dict


@dataclass
class WorkReport:
    group: str
    rows: list[WorkRow]
    totals: dict


def work_report(*, user, period: Period, group: str = DEFAULT_GROUP, team: int | None = None) -> WorkReport:
    """Every measure by person or team: one GROUP BY per measure, then one query for the names and
    one for each non-additive total. A row for each person (or team) with some work in the period,
    the largest won amount first, then the most follow-ups."""
    if group not in GROUPS:
        raise ValueError(group)
    found = {m.key: grouped(m, user=user, period=period, group=group, team=team) for m in MEASURES}
    keys = set().union(*(values.keys() for values in found.values()))
    rows = [
        WorkRow(key, "", "", {m.key: found[m.key].get(key, _zero(m)) for m in MEASURES})
        for key in keys
    ]
    _name(rows, group)
    rows.sort(key=lambda row: (-row.values["won_amount"], -row.values["followups"], row.name, row.key or 0))
    totals = {}
    for measure in MEASURES:
        if measure.additive:
            totals[measure.key] = sum((row.values[measure.key] for row in rows), _zero(measure))
        else:
            totals[measure.key] = total(measure, user=user, periods=[period], team=team)[0] if rows else 0
    return WorkReport(group, rows, totals)


def _name(rows: list[WorkRow], group: str) -> None:
    keys = [row.key for row in rows if row.key is not None]
    if group == "person":
        people = {u.pk: u for u in User.objects.filter(pk__in=keys).select_related("department")}
        for row in rows:
            person = people.get(row.key)
            row.name = (person.name or person.username) if person else "—"
            row.team = person.department.name if person and person.department_id else ""
    else:
        names = dict(Department.objects.filter(pk__in=keys).values_list("pk", "name"))
        for row in rows:
            row.name = names.get(row.key, "—")


def leaderboard(measure_key: str, *, user, period: Period, limit: int = 10) -> list[WorkRow]:
    """The people with the largest figure of one measure in the period, largest first (one GROUP
    BY, then the names)."""
    measure = BY_KEY[measure_key]
    found = grouped(measure, user=user, period=period)
    best = sorted(((value, key) for key, value in found.items() if value), key=lambda item: (-item[0], item[1]))
    rows = [WorkRow(key, "", "", {measure_key: value}) for value, key in best[:limit]]
    _name(rows, "person")
    return rows


def work_table(*, user, period: Period, group: str = DEFAULT_GROUP, team: int | None = None) -> QuerySet:
    """The same figures as rows of a queryset (the export, which pages through a queryset): the
    people (or departments) with some work, each measure a correlated sub-query over the same
    records as `grouped`."""
    if group not in GROUPS:
        raise ValueError(group)
    if not access_for(user).can(f"{WORK}.view"):
        return User.objects.none()
    people = _people(user, team)
    annotations = {}
    for measure in MEASURES:
        column = measure.person if group == "person" else f"{measure.person}__department"
        found = (
            _records(measure, user=user, people=people)
            .filter(**period.lookup(measure.when), **{column: OuterRef("pk")})
            .order_by()
            .values(column)
            .annotate(value=measure.value())
            .values("value")
        )
        field = DecimalField(max_digits=20, decimal_places=2) if measure.money else IntegerField()
        zero = Value(_zero(measure), output_field=field)
        annotations[measure.key] = Coalesce(Subquery(found, output_field=field), zero)
    rows = (User.objects.select_related("department") if group == "person" else Department.objects.all())
    some = Q()
    for measure in MEASURES:
        some |= Q(**{f"{measure.key}__gt": 0})
    return rows.annotate(**annotations).filter(some).order_by("-won_amount", "-followups", "pk")
