"""Benchmarks of the customers app: search, the list, the 360 page, the duplicate check, and the
HTTP throughput of the customer list."""

import random

from bench.registry import LoadTest, load_test, operation

SEARCH_MS = 50
PAGE_MS = 150
DUPLICATE_MS = 30
PAGE_SIZE = 20


def _search(ctx, persona, make_query):
    from crm.customers.selectors.customers import customer_search

    user_id = ctx.user_id(persona)
    queries = [q for q in (make_query(row) for row in ctx.sample_customers(persona)) if q]
    ctx.note(persona, "queries", queries[:5])
    return [lambda q=q: customer_search(user=ctx.fresh_user(user_id), query=q) for q in queries]


def _core_pinyin(row) -> tuple[str, str]:
    from crm.customers.tokens import pinyin_of

    return pinyin_of(row["name_key"])


@operation("customers.search.name2", label="Customer search, 2 Chinese characters", group="search", target_ms=SEARCH_MS)
def search_name2(ctx, persona):
    return _search(ctx, persona, lambda row: row["name_key"][:2])


@operation("customers.search.name4", label="Customer search, 4 Chinese characters", group="search", target_ms=SEARCH_MS)
def search_name4(ctx, persona):
    return _search(ctx, persona, lambda row: row["name_key"][:4])


@operation(
    "customers.search.common", label="Customer search, a frequent word (科技)", group="search", target_ms=SEARCH_MS
)
def search_common(ctx, persona):
    from crm.customers.selectors.customers import customer_search

    user_id = ctx.user_id(persona)
    return [lambda q=q: customer_search(user=ctx.fresh_user(user_id), query=q) for q in ("科技", "贸易", "有限")]


@operation("customers.search.initials", label="Customer search, pinyin initials", group="search", target_ms=SEARCH_MS)
def search_initials(ctx, persona):
    return _search(ctx, persona, lambda row: _core_pinyin(row)[1][:4])


@operation(
    "customers.search.pinyin", label="Customer search, full pinyin fragment", group="search", target_ms=SEARCH_MS
)
def search_pinyin(ctx, persona):
    return _search(ctx, persona, lambda row: _core_pinyin(row)[0][:8])


@operation(
    "customers.search.phone", label="Customer search, phone fragment (7 digits)", group="search", target_ms=SEARCH_MS
)
def search_phone(ctx, persona):
    from crm.customers import normalise

    return _search(ctx, persona, lambda row: normalise.phone_key(row["phone"])[-7:])


# --- the list -------------------------------------------------------------------------------------------
def _list_filters():
    """Two quick filters (region 华东, status normal) sorted by name (pinyin), as the list offers."""
    from crm.customers.selectors.customers import CustomerFilters
    from crm.dictionary.models import DictionaryItem

    east = DictionaryItem.objects.get(category="region", value="east")
    return CustomerFilters(refs={"region": east.pk}, status="normal", ordering="name")


def _list_page(ctx, persona, page_number: int):
    from crm.core.pagination import ListPaginator
    from crm.customers.selectors.customers import customer_list

    user_id = ctx.user_id(persona)
    filters = _list_filters()

    def call():
        queryset = customer_list(user=ctx.fresh_user(user_id), filters=filters).prefetch_related("tags")
        paginator = ListPaginator(queryset, PAGE_SIZE)  # as the list page and the API
        page = paginator.get_page(page_number)
        rows = list(page.object_list)
        return paginator.count, page.number, len(rows)

    count, number, _rows = call()
    ctx.note(persona, "rows", f"{count:,} counted (capped at 1,000; pages reach row 10,000), page {number}")
    return [call]


@operation("customers.list.page1", label="Customer list, 2 filters, sorted, page 1", group="list", target_ms=PAGE_MS)
def list_page1(ctx, persona):
    return _list_page(ctx, persona, 1)


@operation(
    "customers.list.page500", label="Customer list, 2 filters, sorted, page 500", group="list", target_ms=PAGE_MS
)
def list_page500(ctx, persona):
    return _list_page(ctx, persona, 500)


def _get(client, path: str):
    response = client.get(path)
    if response.status_code != 200:
        raise AssertionError(f"GET {path}: {response.status_code}")
    return response


@operation("customers.page.list", label="Customer list page (HTML), 2 filters, sorted", group="page", target_ms=PAGE_MS)
def list_page_html(ctx, persona):
    from crm.dictionary.models import DictionaryItem

    east = DictionaryItem.objects.get(category="region", value="east")
    client = ctx.client(persona)
    path = f"/customers/?region={east.pk}&status=normal&ordering=name"
    return [lambda: _get(client, path)]


@operation("customers.page.detail", label="Customer 360 page (HTML)", group="page", target_ms=PAGE_MS)
def detail_page(ctx, persona):
    client = ctx.client(persona)
    return [lambda pk=row["pk"]: _get(client, f"/customers/{pk}/") for row in ctx.sample_customers(persona)]


# --- the duplicate check ------------------------------------------------------------------------------------
@operation(
    "customers.duplicates.check", label="Duplicate check for a new customer", group="duplicates", target_ms=DUPLICATE_MS
)
def duplicate_check(ctx, persona):
    """Half the inputs are a company already there, typed another way with its phone; half are new."""
    from bench import words
    from crm.customers.services.duplicates import duplicate_find

    rng = random.Random(ctx.seed)
    user_id = ctx.user_id(persona)
    inputs = []
    for row in ctx.sample_customers("executive", n=10):
        name = row["name"]
        if "股份" in name:
            retyped = name.replace("股份有限公司", "有限公司")
        else:
            retyped = name.replace("有限公司", "股份有限公司")
        inputs.append({"name": retyped, "phone": row["phone"]})
        trade = "".join(rng.sample(words.TRADE_NAME_CHARS, 3))
        industry = rng.choice(words.INDUSTRY_WORDS)[0]
        phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
        inputs.append({"name": f"{rng.choice(('上海', '杭州', '深圳'))}{trade}{industry}有限公司", "phone": phone})
    ctx.note(persona, "inputs", [i["name"] for i in inputs[:4]])
    return [lambda data=data: duplicate_find(actor=ctx.fresh_user(user_id), **data) for data in inputs]


@operation(
    "customers.api.list", label="Customer list API in process: GET /api/v1/customers/", group="api",
    target_ms=None,
)
def list_api(ctx, persona):
    """The HTTP load test's request without the server: what one request costs the process (the
    statements, the CPU), to compare with core.api.me (docs/benchmarks.md, issue 19)."""
    client = ctx.client(persona)
    _get(client, "/api/v1/customers/")  # the new session's first renewal, the memos' first read: not counted
    return [lambda: _get(client, "/api/v1/customers/")]


# --- HTTP throughput -------------------------------------------------------------------------------------------
load_test(
    LoadTest(
        key="customers.http.list",
        label="Customer list API, 20 concurrent clients",
        path="/api/v1/customers/",
        target_rps=200,
        target_p95_ms=200,
    )
)
