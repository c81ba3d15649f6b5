"""Benchmarks of the four reports of s003/5 §3.4 (issue 17 §7): each as its page reads it, for a
salesperson (own customers) and an executive (every customer: the heavy case, a sum over every
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
