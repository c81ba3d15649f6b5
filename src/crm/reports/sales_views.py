"""The sales report pages (RPT-5…7) and the management dashboard: like the four reports of
s003/5 (crm.reports.views), a chart beside the table, drill-down links, the export and print."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.access.decorators import crm_view
from crm.core.pagination import CappedPaginator
from crm.reports import dashboard as figures
from crm.reports import funnel as funnels
from crm.reports import periods, work
from crm.reports import products as sales
from crm.reports.forms import FunnelForm, ProductsForm, WorkForm
from crm.reports.permissions import DASHBOARD, FUNNEL, PRODUCTS, WORK
from crm.reports.views import PAGE_SIZE, link, report_context

CHART_BARS = 20  # the chart shows the people (or teams) with the largest figures; the table shows all
DEFAULT_CHART = "followups"
LEADERBOARDS = ("won_amount", "new_customers", "followups")


def _dates(period: periods.Period) -> dict:
    return {"date_from": period.start.isoformat(), "date_to": period.end.isoformat()}


def _work_links(row, group: str, period: periods.Period) -> dict:
    """Where a row leads: a person's customers (those they manage; created in the period for the
    new customers' figure); a team's people, in this report."""
    if row.key is None:
        return {}
    if group == "team":
        return {"row": link("reports:work", group="person", team=row.key, **_dates(period))}
    created = {"created_from": period.start.isoformat(), "created_to": period.end.isoformat()}
    return {
        "row": link("customers:list", manager=row.key),
        "new_customers": link("customers:list", manager=row.key, **created),
    }


@crm_view(f"{WORK}.view")
def work_report(request):
    """销售人员工作汇总: each person's (or team's) work in a period, with totals."""
    form = WorkForm(request.GET or None)
    filters = form.valid_filters()
    period = form.period()
    group, team = form.grouping()
    report = work.work_report(user=request.user, period=period, group=group, team=team)
    for row in report.rows:
        row.links = _work_links(row, group, period)
    shown = filters.get("chart") or DEFAULT_CHART
    charted = sorted(report.rows, key=lambda row: -row.values[shown])[:CHART_BARS]
    chart = {
        "kind": "hbar",
        "series": str(work.BY_KEY[shown].label),
        "labels": [row.name for row in charted],
        "values": [float(row.values[shown]) for row in charted],
        "links": [row.links.get("row", "") for row in charted],
        "whole": not work.BY_KEY[shown].money,
    }
    context = report_context(
        request,
        report=WORK,
        form=form,
        chart=chart if any(chart["values"]) else {},
        report_rows=report.rows,
        totals=report.totals,
        measures=work.MEASURES,
        group=group,
        groups=work.GROUPS.items(),
        team=team,
        period=period,
        shown=shown,
    )
    return render(request, "reports/work.html", context)


@crm_view(f"{PRODUCTS}.view")
def products_report(request):
    """产品销售统计: quantities and amounts by product over years, months or days."""
    form = ProductsForm(request.GET or None)
    chosen = form.filters()
    queryset = sales.by_period_and_product(user=request.user, filters=chosen)
    page_obj = CappedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    base = {"by": chosen.by, "category": chosen.category, **_dates(chosen.period)}
    rows = list(page_obj.object_list)
    for row in rows:
        start = sales.as_date(row["bucket"])
        row["label"] = sales.bucket_label(start, chosen.by)
        row["drill"] = link("reports:products", **{**base, "product": row["product_id"]})
        row["product_link"] = link("orders:products", name=row["product__name"])
    buckets = sales.by_period(user=request.user, filters=chosen)
    finer = sales.FINER[chosen.by]
    chart = {
        "kind": "vbar",
        "series": _("Sales amount"),
        "labels": [sales.bucket_label(b.start, chosen.by) for b in buckets],
        "values": [float(b.amount) for b in buckets],
        "links": [
            link("reports:products", by=finer, product=chosen.product, category=chosen.category,
                 **_dates(sales.bucket_period(b.start, chosen.by)))
            for b in buckets
        ],
    }
    context = report_context(
        request,
        report=PRODUCTS,
        form=form,
        chart=chart,
        page_obj=page_obj,
        rows=rows,
        chosen=chosen,
        choices=sales.BY.items(),
        categories=sales.categories(),
        products=sales.products()[:500],
        total_amount=sum((b.amount for b in buckets), sales.ZERO),
        total_quantity=sum((b.quantity for b in buckets), sales.ZERO),
    )
    return render(request, "reports/products.html", context)


def _funnel_chart(steps) -> dict:
    return {
        "kind": "funnel",
        "series": _("Opportunities"),
        "labels": [step.name for step in steps],
        "values": [step.reached for step in steps],
        "links": [step.drill for step in steps],
    }


def _steps(user, pipeline, period):
    steps = funnels.funnel(user=user, pipeline=pipeline, period=period) if pipeline else []
    for step in steps:
        step.drill = link("opportunities:list", stage=step.stage_id)
    return steps


def _leaderboards(user, period) -> list:
    return [
        (work.BY_KEY[key], [
            (row, link("customers:list", manager=row.key))
            for row in work.leaderboard(key, user=user, period=period)
        ])
        for key in LEADERBOARDS
    ]


@crm_view(f"{FUNNEL}.view")
def funnel_report(request):
    """销售漏斗: stages and conversions, the forecast, won and lost by reason and by competitor,
    leaderboards."""
    form = FunnelForm(request.GET or None)
    period = form.period()
    pipelines = funnels.pipelines()
    pipeline = funnels.pipeline_chosen(form.valid_filters().get("pipeline"), pipelines)
    steps = _steps(request.user, pipeline, period)
    this_month = timezone.localdate().replace(day=1)
    forecast = funnels.forecast(user=request.user, pipeline=pipeline, start=this_month)
    forecast_chart = {
        "kind": "vbar",
        "series": _("Weighted amount"),
        "labels": [f"{month.month:%Y-%m}" for month in forecast],
        "values": [float(month.weighted) for month in forecast],
        "links": [link("opportunities:list", view="developing", ordering="expected_close") for _m in forecast],
    }
    context = report_context(
        request,
        report=FUNNEL,
        form=form,
        chart=_funnel_chart(steps) if any(step.reached for step in steps) else {},
        steps=steps,
        pipelines=pipelines,
        pipeline=pipeline,
        period=period,
        forecast=forecast,
        forecast_chart=forecast_chart if any(forecast_chart["values"]) else {},
        closed=funnels.closed_totals(user=request.user, pipeline=pipeline, period=period),
        reasons=funnels.lost_by_reason(user=request.user, pipeline=pipeline, period=period),
        competitors=funnels.by_competitor(user=request.user, pipeline=pipeline, period=period),
        leaderboards=_leaderboards(request.user, period),
    )
    return render(request, "reports/funnel.html", context)


@crm_view(f"{DASHBOARD}.view")
def dashboard(request):
    """管理驾驶舱: the team's figures against the period before, this month's leaderboards and this
    year's funnel of the default pipeline."""
    pipeline = funnels.pipeline_chosen(None)
    year = periods.this_year()
    steps = _steps(request.user, pipeline, year)
    context = {
        "cards": figures.dashboard(user=request.user),
        "blocks": figures.blocks(user=request.user),
        "chart": _funnel_chart(steps) if any(step.reached for step in steps) else {},
        "steps": steps,
        "pipeline": pipeline,
        "leaderboards": _leaderboards(request.user, periods.this_month()),
        "may_export": False,
    }
    return render(request, "reports/dashboard.html", context)
