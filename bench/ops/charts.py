"""Benchmarks of the charts on lists (issue 17 §3): the customer list's chart by level, as the
page computes it (one GROUP BY over the list's records in the persona's scope, the level labels
in one query), counted and with a sum, for a salesperson (own customers) and an executive (every
customer: at scale 1 a million rows grouped by the indexed level column)."""

from bench.registry import operation

CHART_MS = 1000  # a report's target (docs/benchmarks.md); the chart is a report of one list


@operation("charts.customers.level", label="Customer list chart by level: count, and sum of revenue", group="reports",
           target_ms=CHART_MS)
def customers_by_level(ctx, persona):
    from django.http import QueryDict

    from crm.charts import registry
    from crm.charts.selectors import chart_data, chart_settings

    source = registry.source("customers")
    user_id = ctx.user_id(persona)
    cases = [QueryDict("group=level"), QueryDict("group=level&agg=sum&measure=annual_revenue&chart=pie")]

    def read(params):
        user = ctx.fresh_user(user_id)
        settings = chart_settings(user=user, source=source, params=params)
        return chart_data(user=user, source=source, settings=settings, params=params)

    return [lambda params=params: read(params) for params in cases]
