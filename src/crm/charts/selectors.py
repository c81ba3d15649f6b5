"""A list's chart (issue 17 §3): the list's filtered, scoped records grouped by one or two fields
with one GROUP BY query, the value counted, summed or averaged in the database. Only the groups
come back to Python (a handful of levels, users or months, never the records); the biggest
TOP groups are kept and the rest folded into "others", then labelled in one query per field."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, F, Sum
from django.db.models.functions import TruncMonth, TruncQuarter, TruncYear
from django.urls import reverse
from django.utils.translation import gettext as _

from crm.access.engine import access_for
from crm.charts import registry
from crm.charts.registry import CHOICE, DATE, REF, ChartSource, GroupField, Measure
from crm.core.errors import NotFound, ValidationFailed

KINDS = ("bar", "line", "pie", "funnel")
AGGREGATES = ("count", "sum", "avg")
# The query parameters of a chart: kept apart from the list's own filters (saved views, links).
PARAMETERS = ("chart", "group", "group2", "measure", "agg")
TOP = 10  # groups along the axis; the rest are "others"
TOP_SERIES = 6  # second groups, one series each
OTHERS = "__others__"
EMPTY = (0, Decimal(0))
TRUNCATE = {"month": TruncMonth, "quarter": TruncQuarter, "year": TruncYear}


@dataclass(frozen=True)
class ChartSettings:
    kind: str
    group: GroupField
    group2: GroupField | None
    measure: Measure | None
    agg: str

    def params(self) -> dict:
        values = {"chart": self.kind, "group": self.group.key, "agg": self.agg}
        if self.group2:
            values["group2"] = self.group2.key
        if self.measure:
            values["measure"] = self.measure.key
        return values


def chart_source(*, user, code: str) -> ChartSource:
    """A registered list the user may view: NotFound for an unknown list, PermissionDenied (403)
    without the list's view function."""
    found = registry.source(code)
    if found is None:
        raise NotFound()
    access_for(user).require(found.function)
    return found


def offered(*, user, source: ChartSource) -> tuple[list[GroupField], list[Measure]]:
    """The groupings and measures this user may use: none on a field they see hidden or masked
    (grouping or summing would tell the values they may not see)."""
    concealed = access_for(user).concealed_fields(source.resource)
    groups = [g for g in source.groups if g.rule_field not in concealed]
    measures = [m for m in source.measures if m.rule_field not in concealed]
    return groups, measures


def chart_settings(*, user, source: ChartSource, params, required: bool = False) -> ChartSettings | None:
    """The chart the query string asks for, or None when it asks for none (no `group`, and not
    `required`). What does not fit raises ValidationFailed naming the parameter."""
    if not (params.get("group") or "").strip():
        if required or any((params.get(name) or "").strip() for name in ("group2", "measure")):
            raise ValidationFailed(fields={"group": [_("Choose what to group by.")]})
        return None
    groups, measures = offered(user=user, source=source)
    groups_by_key = {g.key: g for g in groups}
    measures_by_key = {m.key: m for m in measures}
    errors = {}
    kind = (params.get("chart") or "bar").strip()
    if kind not in KINDS:
        errors["chart"] = [_("Choose one of: %(options)s") % {"options": "、".join(KINDS)}]
    agg = (params.get("agg") or "count").strip()
    if agg not in AGGREGATES:
        errors["agg"] = [_("Choose one of: %(options)s") % {"options": "、".join(AGGREGATES)}]
    group = groups_by_key.get(params.get("group", "").strip())
    if group is None:
        errors["group"] = [_("This list cannot be grouped by that field.")]
    key2 = (params.get("group2") or "").strip()
    group2 = groups_by_key.get(key2) if key2 else None
    if key2 and group2 is None:
        errors["group2"] = [_("This list cannot be grouped by that field.")]
    elif group2 is not None and group is not None and group2.key == group.key:
        errors["group2"] = [_("Choose a second field different from the first.")]
    elif group2 is not None and kind in ("pie", "funnel"):
        errors["group2"] = [_("Pie and funnel charts take one grouping.")]
    measure_key = (params.get("measure") or "").strip()
    measure = measures_by_key.get(measure_key) if measure_key else None
    if measure_key and measure is None:
        errors["measure"] = [_("This list has no such number field.")]
    elif agg in ("sum", "avg") and measure is None and "measure" not in errors:
        errors["measure"] = [_("Choose the number field to sum or average.")]
    if errors:
        raise ValidationFailed(fields=errors)
    return ChartSettings(kind=kind, group=group, group2=group2, measure=measure if agg != "count" else None, agg=agg)


def chart_data(*, user, source: ChartSource, settings: ChartSettings, params) -> dict:
    """The chart as JSON-ready data: categories (the first grouping, with drill-down links) and
    one series per value of the second grouping (or one series)."""
    records = source.records(user, params).prefetch_related(None).order_by()
    grouping = {"g1": _expression(settings.group)}
    if settings.group2:
        grouping["g2"] = _expression(settings.group2)
    if settings.agg == "count":
        sums = {"n": Count("pk")}
    else:
        # Sum and count of the non-empty values: the average of folded groups stays exact.
        sums = {"n": Count(settings.measure.lookup), "total": Sum(settings.measure.lookup)}
    rows = records.values(**grouping).annotate(**sums).order_by()
    cells: dict = {}
    for row in rows:
        key = (_key(row["g1"]), _key(row["g2"]) if settings.group2 else "")
        _add(cells, key, row["n"], row.get("total"))
    return _shape(source, settings, params, cells)


def _expression(group: GroupField):
    if group.kind == DATE:
        return TRUNCATE[group.part](group.lookup)
    return F(group.lookup)


def _key(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    return str(value)


def _add(cells: dict, key, n, total) -> None:
    held = cells.setdefault(key, [0, Decimal(0)])
    held[0] += n or 0
    held[1] += Decimal(total or 0)


def _value(agg: str, held) -> float | int | None:
    n, total = held
    if agg == "count":
        return n
    if agg == "sum":
        return float(round(total, 2))
    return float(round(total / n, 2)) if n else None


def _kept(group: GroupField, agg: str, cells: dict, position: int, limit: int) -> list[str]:
    """The keys shown: dates in time order (the latest `limit`), others biggest first."""
    totals: dict = {}
    for key, held in cells.items():
        _add(totals, key[position], *held)
    if group.kind == DATE:
        return sorted(totals)[-limit:]
    ranked = sorted(totals, key=lambda k: (_value(agg, totals[k]) or 0, k), reverse=True)[:limit]
    if group.kind == CHOICE and group.choices:
        # Statuses and ratings keep their own order (a funnel of statuses reads in the pipeline's order).
        order = {str(value): i for i, value in enumerate(group.choices)}
        ranked.sort(key=lambda k: order.get(k, len(order)))
    return ranked


def _shape(source: ChartSource, settings: ChartSettings, params, cells: dict) -> dict:
    agg = settings.agg
    categories = _kept(settings.group, agg, cells, 0, TOP)
    series_keys = _kept(settings.group2, agg, cells, 1, TOP_SERIES) if settings.group2 else [""]
    folded: dict = {}
    for (key1, key2), held in cells.items():
        c = key1 if key1 in categories else OTHERS
        s = key2 if key2 in series_keys else OTHERS
        _add(folded, (c, s), *held)
    if any(c == OTHERS for c, _s in folded):
        categories = [*categories, OTHERS]
    if any(s == OTHERS for _c, s in folded):
        series_keys = [*series_keys, OTHERS]
    labels1 = _labels(settings.group, categories)
    labels2 = _labels(settings.group2, series_keys) if settings.group2 else {}
    measure_label = str(settings.measure.label) if settings.measure else _("Count")
    overall: list = [0, Decimal(0)]
    for held in folded.values():
        overall[0] += held[0]
        overall[1] += held[1]
    return {
        "list": source.code,
        **settings.params(),
        "title": _title(settings),
        "categories": [
            {"key": key, "label": labels1[key], "link": _drill(source, settings.group, params, key)}
            for key in categories
        ],
        "series": [
            {
                "key": s,
                "label": labels2[s] if settings.group2 else measure_label,
                # A group without records counts 0 and sums 0; its average is None (no values).
                "values": [_value(agg, folded.get((c, s), EMPTY)) for c in categories],
            }
            for s in series_keys
        ],
        "total": _value(agg, overall),
    }


def _title(settings: ChartSettings) -> str:
    by = str(settings.group.label)
    if settings.group2:
        by = f"{by} × {settings.group2.label}"
    if settings.agg == "count":
        return _("Count by %(by)s") % {"by": by}
    what = _("Sum of %(measure)s") if settings.agg == "sum" else _("Average %(measure)s")
    return _("%(what)s by %(by)s") % {"what": what % {"measure": settings.measure.label}, "by": by}


def _labels(group: GroupField, keys: list[str]) -> dict:
    labels = {OTHERS: _("Others"), "": _("(none)")}
    wanted = [k for k in keys if k not in labels]
    if group.kind == DATE:
        labels.update({k: _period(group.part, k) for k in wanted})
    elif group.kind == REF and group.model is not None and wanted:
        # One query for the shown groups' names (dictionary items, users, departments, regions).
        rows = group.model._default_manager.filter(pk__in=wanted)
        if group.label_attr:
            found = {str(pk): str(label) for pk, label in rows.values_list("pk", group.label_attr)}
        else:
            found = {str(obj.pk): str(obj) for obj in rows}
        labels.update({k: found.get(k, k) for k in wanted})
    else:
        choices = {str(value): str(label) for value, label in (group.choices or {}).items()}
        labels.update({k: choices.get(k, k) for k in wanted})
    return labels


def _period(part: str, key: str) -> str:
    day = datetime.date.fromisoformat(key)
    if part == "year":
        return str(day.year)
    if part == "quarter":
        return _("%(year)d Q%(quarter)d") % {"year": day.year, "quarter": (day.month - 1) // 3 + 1}
    return f"{day.year}-{day.month:02d}"


def _period_end(part: str, start: datetime.date) -> datetime.date:
    months = {"month": 1, "quarter": 3, "year": 12}[part]
    month = start.month - 1 + months
    following = datetime.date(start.year + month // 12, month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def _drill(source: ChartSource, group: GroupField, params, key: str) -> str | None:
    """The list filtered to one group: the list's current filters and the group's own, without
    the chart; None where the list has no filter for it (others, empty values)."""
    if not group.drill or key in (OTHERS, ""):
        return None
    left = (*PARAMETERS, *source.not_drilled, "page")
    query = [(k, v) for k, values in params.lists() if k not in left for v in values]
    if group.kind == DATE:
        start = datetime.date.fromisoformat(key)
        names = dict(zip(group.drill, (start, _period_end(group.part, start)), strict=True))
        query = [(k, v) for k, v in query if k not in names] + [(k, d.isoformat()) for k, d in names.items()]
    else:
        query = [(k, v) for k, v in query if k != group.drill] + [(group.drill, key)]
    return f"{reverse(source.list_url)}?{urlencode(query)}"
