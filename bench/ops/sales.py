"""Benchmarks of the sales modules (issue 13): the pipeline board's first screen, the opportunity
list's tabs, the forecast, the lead list and the lead pool; p95 targets of 150 ms."""

from bench.registry import operation

PAGE_MS = 150
PAGE_SIZE = 20


def _default_pipeline():
    from crm.opportunities.models import Pipeline

    return Pipeline.objects.get(is_default=True)


@operation("opportunities.board", label="Pipeline board, first screen", group="sales", target_ms=PAGE_MS)
def board(ctx, persona):
    from crm.opportunities.board import board as board_columns

    user_id, pipeline = ctx.user_id(persona), _default_pipeline()
    return [lambda: board_columns(user=ctx.fresh_user(user_id), pipeline=pipeline)]


@operation("opportunities.list", label="Opportunity list, each tab's first page", group="sales", target_ms=PAGE_MS)
def opportunity_list(ctx, persona):
    from crm.opportunities.selectors import opportunity_list as selector
    from crm.opportunities.selectors import view_counts

    user_id = ctx.user_id(persona)

    def page(filters):
        user = ctx.fresh_user(user_id)
        view_counts(user=user)
        return list(selector(user=user, filters=filters)[:PAGE_SIZE])

    cases = [{"view": view} for view in ("unassigned", "developing", "won", "all")] + [{"view": "all", "mine": True}]
    return [lambda filters=filters: page(filters) for filters in cases]


@operation("opportunities.forecast", label="Sales forecast, six months", group="sales", target_ms=PAGE_MS)
def forecast(ctx, persona):
    from crm.opportunities.board import forecast as selector

    user_id = ctx.user_id(persona)
    groups = ("owner", "department")
    return [lambda group=group: selector(user=ctx.fresh_user(user_id), group=group) for group in groups]


@operation("leads.list", label="Lead list, open leads, first page", group="sales", target_ms=PAGE_MS)
def lead_list(ctx, persona):
    from crm.leads.selectors import lead_list as selector
    from crm.leads.selectors import view_counts

    user_id = ctx.user_id(persona)

    def page(filters):
        user = ctx.fresh_user(user_id)
        view_counts(user=user)
        return list(selector(user=user, filters=filters)[:PAGE_SIZE])

    cases = ({"view": "open"}, {"view": "open", "mine": True}, {"view": "all", "pool": True})
    return [lambda filters=filters: page(filters) for filters in cases]
