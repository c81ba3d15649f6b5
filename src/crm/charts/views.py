"""The chart panel of a list page: the list view calls `chart_panel(request, code)` and includes
"charts/panel.html" with it; the chart's settings live in the query string (shareable, and
saved with a list view where the list has them)."""

from urllib.parse import urlencode

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm.charts import registry
from crm.charts.selectors import AGGREGATES, KINDS, PARAMETERS, chart_data, chart_settings, offered
from crm.core.errors import ValidationFailed

# "chart type": Line and Funnel have other meanings elsewhere (a row number, the sales funnel).
KIND_LABELS = {
    "bar": pgettext_lazy("chart type", "Bar"),
    "line": pgettext_lazy("chart type", "Line"),
    "pie": pgettext_lazy("chart type", "Pie"),
    "funnel": pgettext_lazy("chart type", "Funnel"),
}
AGGREGATE_LABELS = {"count": _("Count"), "sum": _("Sum"), "avg": _("Average")}


def chart_panel(request, code: str) -> dict:
    """What the panel shows: the form's choices and values, and the chart or why there is none."""
    source = registry.source(code)
    groups, measures = offered(user=request.user, source=source)
    data, error = None, ""
    try:
        settings = chart_settings(user=request.user, source=source, params=request.GET)
        if settings is not None:
            data = chart_data(user=request.user, source=source, settings=settings, params=request.GET)
    except ValidationFailed as exc:
        error = exc.summary()
    keep = [(k, v) for k, values in request.GET.lists() if k not in (*PARAMETERS, "page") for v in values]
    return {
        "code": code,
        "data": data,
        "error": error,
        "open": bool(data or error),
        "keep": keep,
        "clear_url": f"{request.path}?{urlencode(keep)}",
        "values": {name: request.GET.get(name, "") for name in PARAMETERS},
        "kinds": [(k, KIND_LABELS[k]) for k in KINDS],
        "aggregates": [(a, AGGREGATE_LABELS[a]) for a in AGGREGATES],
        "groups": groups,
        "measures": measures,
    }
