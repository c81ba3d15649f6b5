"""Benchmarks of the four reports of s003/5 §3.4 and of the sales reports (issue 17 §7): each as its
page reads it, for a salesperson (own customers) and an executive (every customer: the heavy case, a sum over every
shipped and paid order or a count over every customer and service). The spec allows 30 s per
report; the target is under 1 s at scale 1 (1,000,000 customers, 5,000,000 orders, 1,000,000
services) on PostgreSQL (docs/benchmarks.md)."""

from bench.registry import operation

PAGE_SIZE = 20
REPORT_MS = 1000


def _calls(ctx, persona, function: str, cases, read):
    """One call per case, as the persona; none when the persona's role lacks the report (data
    generated before the reports existed: `crm migrate` grants the new functions)."""
    from crm.access.engine import access_for

    user_id = ctx.user_id(persona)
    if not access_for(ctx.fresh_user(user_id)).can(function):
        ctx.note(persona, "skipped", f"the role lacks {function}")
        return []
    return [lambda case=case: read(ctx.fresh_user(user_id), case) for case in cases]


def _page(queryset):
    from crm.core.pagination import CappedPaginator

    paginator = CappedPaginator(queryset, PAGE_SIZE)
    return list(paginator.get_page(1).object_list), paginator.count


@operation("reports.contribution", label="客户贡献分析: page 1 and the total", group="reports", target_ms=REPORT_MS)
def contribution(ctx, persona):
    from crm.reports import selectors

    cases = ({}, {"year": 2025}, {"ordering": "name"}, {"customer": "科技"}, {"customer": "科技", "year": 2024})

    def read(user, case):
        return (
            _page(selectors.contribution(user=user, **case)),
            selectors.contribution_total(user=user, customer=case.get("customer", ""), year=case.get("year")),
        )

    return _calls(ctx, persona, "reports.contribution.view", cases, read)


@operation("reports.composition", label="客户构成分析: by level, credit, satisfaction", group="reports",
           target_ms=REPORT_MS)
def composition(ctx, persona):
    from crm.reports import selectors

    return _calls(
        ctx, persona, "reports.composition.view", ("level", "credit", "satisfaction"),
        lambda user, by: selectors.composition(user=user, by=by),
    )


@operation("reports.services", label="客户服务分析: by type, all years and one", group="reports", target_ms=REPORT_MS)
def services(ctx, persona):
    from crm.reports import selectors

    return _calls(
        ctx, persona, "reports.services.view", (None, 2025, 2026),
        lambda user, year: selectors.service_composition(user=user, year=year),
    )


@operation("reports.churn", label="客户流失分析: page 1 and the chart", group="reports", target_ms=REPORT_MS)
def churn(ctx, persona):
    from crm.reports import selectors

    cases = ({}, {"customer": "科技"}, {"manager": "王"})

    def read(user, case):
        return _page(selectors.churn_records(user=user, **case)), selectors.churn_by_manager(user=user, **case)

    return _calls(ctx, persona, "reports.churn.view", cases, read)


# --- the sales reports (RPT-5, RPT-7) -----------------------------------------------------------
def _periods():
    from django.utils import timezone

    from crm.reports.periods import Period, this_month, this_year

    today = timezone.localdate()
    return (this_month(), this_year(), Period(today.replace(year=today.year - 1, month=1, day=1), today))


@operation("reports.work", label="销售人员工作汇总: by person and by team", group="reports", target_ms=REPORT_MS)
def work(ctx, persona):
    from crm.reports import work as selectors

    cases = [(period, group) for period in _periods() for group in ("person", "team")]
    return _calls(
        ctx, persona, "reports.work.view", cases,
        lambda user, case: selectors.work_report(user=user, period=case[0], group=case[1]),
    )


@operation("reports.dashboard", label="管理驾驶舱: four periods against the ones before, leaderboards, funnel",
           group="reports", target_ms=REPORT_MS, personas=("executive",))  # salespeople have no dashboard
def dashboard(ctx, persona):
    from crm.reports import dashboard as figures
    from crm.reports import funnel, work
    from crm.reports.periods import this_month, this_year
    from crm.reports.sales_views import LEADERBOARDS

    pipeline = funnel.pipeline_chosen(None)

    def read(user, _case):  # what the page reads (crm.reports.sales_views.dashboard)
        return (
            figures.dashboard(user=user),
            figures.blocks(user=user),
            funnel.funnel(user=user, pipeline=pipeline, period=this_year()) if pipeline else [],
            [work.leaderboard(key, user=user, period=this_month()) for key in LEADERBOARDS],
        )

    return _calls(ctx, persona, "reports.dashboard.view", (None,), read)


@operation("reports.funnel", label="销售漏斗: funnel, forecast, reasons, competitors", group="reports",
           target_ms=REPORT_MS)
def funnel(ctx, persona):
    from django.utils import timezone

    from crm.reports import funnel as selectors

    pipeline = selectors.pipeline_chosen(None)

    def read(user, period):
        return (
            selectors.funnel(user=user, pipeline=pipeline, period=period),
            selectors.forecast(user=user, pipeline=pipeline, start=timezone.localdate()),
            selectors.closed_totals(user=user, pipeline=pipeline, period=period),
            selectors.lost_by_reason(user=user, pipeline=pipeline, period=period),
            selectors.by_competitor(user=user, pipeline=pipeline, period=period),
        )

    if pipeline is None:
        ctx.note(persona, "skipped", "no pipeline")
        return []
    return _calls(ctx, persona, "reports.funnel.view", _periods(), read)
