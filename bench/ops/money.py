"""Benchmarks of quote-to-cash (issue 16 §7): the approval inbox, the contract list (all, and not
fully paid) and the receipts list as their pages read them, first page with its bounded count
(p95 under 150 ms at scale 1: 200,000 contracts, 1,000,000 payment records); the receivables
ageing report (a report: under 1 s)."""

from bench.registry import operation

PAGE_SIZE = 20
LIST_MS = 150


def _first_page(queryset):
    from crm.core.pagination import CappedPaginator

    paginator = CappedPaginator(queryset, PAGE_SIZE)
    page = paginator.get_page(1)
    return list(page.object_list), paginator.count


@operation("approvals.inbox", label="The approval inbox, first page", group="money", target_ms=LIST_MS)
def inbox(ctx, persona):
    from crm.approvals.selectors import inbox as inbox_rows
    from crm.approvals.selectors import waiting_count

    user_id = ctx.user_id(persona)
    boxes = ("waiting", "done", "submitted", "cc")

    def read(box):
        user = ctx.fresh_user(user_id)
        return _first_page(inbox_rows(user=user, box=box)), waiting_count(user)

    return [lambda box=box: read(box) for box in boxes]


@operation("contracts.list", label="The contract list, first page (all; not fully paid)", group="money",
           target_ms=LIST_MS)
def contracts(ctx, persona):
    from crm.customers.selectors.related import contract_list

    user_id = ctx.user_id(persona)
    cases = ({}, {"unpaid": True}, {"unpaid": True, "ordering": "-amount"}, {"status": "in_approval"})
    return [lambda filters=filters: _first_page(contract_list(user=ctx.fresh_user(user_id), filters=filters))
            for filters in cases]


@operation("receipts.list", label="The receipts list, first page", group="money", target_ms=LIST_MS)
def receipts(ctx, persona):
    import datetime

    from crm.sales.selectors import receipt_list

    user_id = ctx.user_id(persona)
    today = datetime.date.today()
    cases = ({}, {"received_from": today - datetime.timedelta(days=90)}, {"status": "confirmed"})
    return [lambda filters=filters: _first_page(receipt_list(user=ctx.fresh_user(user_id), filters=filters))
            for filters in cases]


@operation("payments.ageing", label="Receivables ageing by customer and by owner", group="money", target_ms=1000)
def ageing(ctx, persona):
    import datetime

    from crm.sales.selectors import ageing as ageing_rows

    user_id = ctx.user_id(persona)
    today = datetime.date.today()
    return [lambda group=group: ageing_rows(user=ctx.fresh_user(user_id), today=today, group=group, limit=200)
            for group in ("customer", "owner")]
