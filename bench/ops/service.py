"""Benchmarks of customer service (issue 14 §7): the lists of each step and the archive search,
first page with its capped count, as the pages read them; p95 targets of 150 ms."""

import datetime

from bench.registry import operation

PAGE_MS = 150
PAGE_SIZE = 20


def _page(ctx, persona, cases):
    from crm.core.pagination import CappedPaginator
    from crm.service.selectors import service_list

    user_id = ctx.user_id(persona)

    def page(filters):
        paginator = CappedPaginator(service_list(user=ctx.fresh_user(user_id), filters=filters), PAGE_SIZE)
        page_obj = paginator.get_page(1)
        return list(page_obj.object_list), paginator.count

    return [lambda filters=filters: page(filters) for filters in cases]


@operation("service.lists", label="Service lists: to assign, mine, to follow up, all", group="service", target_ms=150)
def lists(ctx, persona):
    cases = (
        {"view": "new"},
        {"view": "assigned", "mine": True},
        {"view": "handled"},
        {"view": "all"},
    )
    return _page(ctx, persona, cases)


@operation("service.archive", label="Service archive search", group="service", target_ms=PAGE_MS)
def archive(ctx, persona):
    from crm.dictionary.models import DictionaryItem

    complaint = DictionaryItem.objects.filter(category="service_type").order_by("value").last()
    names = [row["name"][:4] for row in ctx.sample_customers(persona, n=3)]
    today = datetime.date.today()
    cases = [
        {"view": "archived"},
        {"view": "archived", "type": complaint.pk},
        {"view": "archived", "summary": "导入乱码"},
        {"view": "archived", "created_after": today - datetime.timedelta(days=90), "created_before": today},
        *({"view": "archived", "customer_name": name} for name in names),
    ]
    ctx.note(persona, "archive searches", cases[2:5])
    return _page(ctx, persona, cases)
