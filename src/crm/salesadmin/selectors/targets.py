"""Targets against what was done (SADM-1), over the people and departments the viewer reaches:
one query for the people, one for their targets, one per measure for the actuals, two for the
departments, whatever their number. A quarter or a year adds up its months' targets and counts
the actuals over the whole period."""

from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice

from django.db.models import F, FloatField, Q, Sum
from django.db.models.functions import Cast
from django.db.models.query import ValuesIterable
from django.utils.translation import gettext_lazy as _

from crm.access.engine import access_for
from crm.core.errors import NotFound
from crm.identity.models import Department, User
from crm.salesadmin import figures
from crm.salesadmin.models import Review, Target
from crm.salesadmin.periods import SPANS, Period
from crm.salesadmin.permissions import TARGET

CHUNK = 2000
SPAN_LABELS = {"month": _("This month"), "quarter": _("This quarter"), "year": _("This year")}


@dataclass
class Line:
    """A person's or a department's targets and actuals for each measure."""

    key: int
    name: str
    depth: int = 0
    path: str = ""
    target: dict = field(default_factory=dict)
    actual: dict = field(default_factory=dict)
    below: dict = field(default_factory=dict)  # a department: the targets of its people added up
    review: Review | None = None

    @property
    def attainment(self) -> dict:
        """Actual as a percentage of the target, per measure (None where no target was set)."""
        return {key: percent(self.actual.get(key), self.target.get(key)) for key in figures.TARGETED}

    @property
    def cells(self) -> list[dict]:
        return [{"key": key, "label": figures.MEASURES[key].label, "target": self.target.get(key),
                 "below": self.below.get(key), "actual": self.actual.get(key),
                 "attainment": self.attainment[key], "bar": min(int(self.attainment[key] or 0), 100)}
                for key in figures.TARGETED]


def percent(actual, target) -> Decimal | None:
    if not target:
        return None
    return (Decimal(actual or 0) * 100 / Decimal(target)).quantize(Decimal("0.1"))


def people_in_scope(user, department: Department | None = None):
    people = access_for(user).users_in_scope(TARGET, User.objects.filter(is_active=True))
    if department is not None:
        people = people.filter(department__path__startswith=department.path)
    return people


def departments_in_scope(user):
    return access_for(user).departments_in_scope(TARGET, Department.objects.all())


def department_get(*, user, pk) -> Department:
    department = departments_in_scope(user).filter(pk=pk).first()
    if department is None:
        raise NotFound()
    return department


def _targets(period: Period, column: str, ids: list[int]) -> dict[int, dict]:
    """{user or department id: {measure: the months' targets added up}}: one GROUP BY."""
    rows = (Target.objects.filter(**{f"{column}__in": ids}, month__gte=period.start, month__lte=period.end)
            .order_by().values(column).annotate(**{key: Sum(key) for key in figures.TARGETED}))
    return {row[column]: {key: row[key] for key in figures.TARGETED} for row in rows}


def board(*, user, period: Period, department: Department | None = None) -> dict:
    """{"people": [Line], "departments": [Line]} for the period; people under `department` if given."""
    people = list(people_in_scope(user, department).select_related("department").order_by("department__path", "id"))
    ids = [p.pk for p in people]
    personal = _targets(period, "user_id", ids)
    actual = figures.by_person(figures.TARGETED, period, ids)
    zero = {key: figures.MEASURES[key].zero() for key in figures.TARGETED}
    reviews = {}
    if len(period.months()) == 1:
        reviews = {r.user_id: r for r in Review.objects.filter(user_id__in=ids, month=period.start)}
    lines = [
        Line(key=p.pk, name=str(p), path=p.department.path if p.department else "",
             target=personal.get(p.pk, {}), actual={k: v.get(p.pk, zero[k]) for k, v in actual.items()},
             review=reviews.get(p.pk))
        for p in people
    ]
    departments = list(departments_in_scope(user).order_by("path"))
    if department is not None:
        departments = [d for d in departments if d.path.startswith(department.path)]
    own = _targets(period, "department_id", [d.pk for d in departments])
    top = min((d.path.count("/") for d in departments), default=0)
    return {"people": lines, "departments": [_department_line(d, own, lines, top) for d in departments]}


def _department_line(department: Department, own: dict, people: list[Line], top: int) -> Line:
    """A department's own target, beside the targets and actuals of everyone in its subtree."""
    members = [line for line in people if line.path.startswith(department.path)]
    line = Line(key=department.pk, name=department.name, depth=department.path.count("/") - top,
                path=department.path, target=own.get(department.pk, {}))
    for key in figures.TARGETED:
        zero = figures.MEASURES[key].zero()
        line.below[key] = sum((m.target.get(key) or zero for m in members), zero)
        line.actual[key] = sum((m.actual.get(key) or zero for m in members), zero)
    return line


def my_month(*, user, period: Period) -> Line:
    """The viewer's own target and actuals (the workbench panel)."""
    return Line(key=user.pk, name=str(user), target=_targets(period, "user_id", [user.pk]).get(user.pk, {}),
                actual=figures.of_person(figures.TARGETED, period, user.pk))


def _set(key: str, value):
    """A target added up, None where nobody has one (shown as "—", no attainment)."""
    return figures.MEASURES[key].clean(value) if value else None


def team_progress(*, user, today) -> dict | None:
    """The management dashboard's block: the targets of everyone the viewer reaches added up, against
    their actuals, this month, quarter and year (the board's "People" sums for its whole scope). Two
    queries and one per measure; None when nobody in reach has a target this year. The people are read
    first and named by id (as on the board): a salesperson's own figures are then read through the
    person's index, not through every record of the year."""
    spans = {key: span(today) for key, span in SPANS.items()}
    people = list(people_in_scope(user).values_list("pk", flat=True))
    summed = Target.objects.filter(user__in=people, month__gte=spans["year"].start,
                                   month__lte=spans["year"].end).aggregate(**{
        f"{name}_{key}": Sum(key, filter=Q(month__gte=period.start, month__lte=period.end))
        for name, period in spans.items() for key in figures.TARGETED})
    if not any(summed.values()):
        return None
    actual = figures.totals(figures.TARGETED, spans, people)
    periods = []
    for name, period in spans.items():
        line = Line(key=0, name=str(SPAN_LABELS[name]),
                    target={key: _set(key, summed[f"{name}_{key}"]) for key in figures.TARGETED},
                    actual={key: actual[key][name] for key in figures.TARGETED})
        measures = [{**{k: v for k, v in cell.items() if k != "below"}, "label": str(cell["label"]),
                     "money": figures.MEASURES[cell["key"]].money} for cell in line.cells]
        periods.append({"key": name, "label": line.name, "start": period.start, "end": period.end,
                        "measures": measures})
    return {"periods": periods}


def _with_actuals(period: Period) -> type[ValuesIterable]:
    """How target rows are read: a chunk at a time, each chunk's actuals counted in one grouped query
    per measure (figures.by_person, as on the board), not a correlated sub-query per row."""

    class TargetRows(ValuesIterable):
        def __iter__(self):
            rows = super().__iter__()
            while chunk := list(islice(rows, CHUNK)):
                found = figures.by_person(figures.TARGETED, period, [row["user"] for row in chunk])
                for row in chunk:
                    for key in figures.TARGETED:
                        actual = found[key].get(row["user"], figures.MEASURES[key].zero())
                        attainment = percent(actual, row[f"{key}_target"])
                        row[f"{key}_actual"] = float(actual)  # numbers in a spreadsheet, to sum and sort
                        row[f"{key}_attainment"] = None if attainment is None else float(attainment)
                    yield row

    return TargetRows


def target_rows(*, user, period: Period, department: Department | None = None):
    """The board's people with a target, for its export: one row per salesperson (a dict) with the
    period's targets added up (`<measure>_target`), the actuals (`<measure>_actual`) and the attainment
    in percent (`<measure>_attainment`, empty without a target). Department targets are on the board only."""
    people = people_in_scope(user, department).values("pk")
    rows = (Target.objects.filter(user__in=people, month__gte=period.start, month__lte=period.end)
            .values("user").annotate(name=F("user__name"), department_name=F("user__department__name"),
                                     **{f"{key}_target": Cast(Sum(key), FloatField()) for key in figures.TARGETED})
            .order_by("user__department__path", "user__name", "user"))
    rows._iterable_class = _with_actuals(period)  # kept by the filters the export adds (its scope)
    return rows
