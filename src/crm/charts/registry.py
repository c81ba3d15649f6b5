"""Charts on lists (issue 17 §3): a list registers once what may be charted and how to get its
filtered, scoped records; the chart, the API and the page's panel read only this.

A domain app registers from its `charts.py`, imported in its AppConfig.ready():

    register(ChartSource(code="customers", resource=CUSTOMER, records=customers_for_chart,
                         list_url="customers:list", groups=[...], measures=[...]))

`records(user, params)` is the list's own selector with the list's own filters read from the
query string: the chart sees exactly the rows the list shows, in the viewer's scope.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from crm.core.errors import ValidationFailed

CHOICE, REF, DATE = "choice", "ref", "date"
DATE_PARTS = ("month", "quarter", "year")
PART_LABELS = {"month": _("{field} by month"), "quarter": _("{field} by quarter"), "year": _("{field} by year")}


@dataclass(frozen=True)
class GroupField:
    """A field to group by. `lookup` is the ORM path grouped on (an indexed column where one
    exists); `field` the model field a field rule may conceal (hidden or masked fields are not
    offered). Labels: `choices` for a choice field; `model` and `label` (its attribute) for a
    foreign key, read in one query per chart. `drill` is the list's query parameter that filters
    to one value (for dates: the (from, to) pair), or empty when the list cannot."""

    key: str
    label: object
    lookup: str
    kind: str = CHOICE
    field: str = ""
    choices: dict | None = None
    model: type | None = None
    label_attr: str = "name"
    drill: str | tuple = ""
    part: str = ""  # for dates: month, quarter or year

    @property
    def rule_field(self) -> str:
        return self.field or self.lookup.split("__")[0]


@dataclass(frozen=True)
class Measure:
    """A number column summed or averaged."""

    key: str
    label: object
    lookup: str
    field: str = ""

    @property
    def rule_field(self) -> str:
        return self.field or self.lookup.split("__")[0]


@dataclass(frozen=True)
class ChartSource:
    code: str
    label: object
    resource: str  # the permission engine's resource: its view function and field rules apply
    records: Callable  # (user, params: QueryDict) -> the list's filtered, scoped queryset
    list_url: str  # the list page's URL name, for drilling down
    groups: list = field(default_factory=list)
    measures: list = field(default_factory=list)
    permission: str = ""  # the function needed, default `<resource>.view`
    # The page's parameters a drill-down leaves behind (the customer list's saved view: the
    # filtered list is no longer that view).
    not_drilled: tuple = ()

    @property
    def function(self) -> str:
        return self.permission or f"{self.resource}.view"


def dated(key: str, label, lookup: str, *, drill: tuple = ()) -> list[GroupField]:
    """A date or time field as three groupings: by month, quarter and year."""
    return [
        GroupField(key=f"{key}_{part}", label=format_lazy(PART_LABELS[part], field=label), lookup=lookup,
                   kind=DATE, part=part, drill=drill)
        for part in DATE_PARTS
    ]


_SOURCES: dict[str, ChartSource] = {}


def register(source: ChartSource) -> None:
    _SOURCES[source.code] = source


def source(code: str) -> ChartSource | None:
    return _SOURCES.get(code)


def sources() -> list[ChartSource]:
    return list(_SOURCES.values())


def checked(form) -> dict:
    """A list's filter form read strictly: its non-empty values, or ValidationFailed naming the
    fields (a list page leaves a bad filter out; a chart asked for through the API says so)."""
    if not form.is_bound:
        return {}
    if not form.is_valid():
        raise ValidationFailed(fields={name: [str(m) for m in messages] for name, messages in form.errors.items()})
    return {name: value for name, value in form.cleaned_data.items() if value not in (None, "", False)}


def tab(params, tabs, default: str) -> str:
    """The list's status tab (`view`) as its page reads it: a known one, else the page's default."""
    view = params.get("view") or default
    return view if view in tabs else default
