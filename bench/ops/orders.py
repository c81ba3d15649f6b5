"""Benchmarks of the ERP copy and churn (issue 15 §8): a customer's order history and one order
with its lines, the product and inventory queries, as the pages read them (p95 under 100 ms); the
customer value list, at risk first, and the churn warnings list (150 ms, as the other lists). The
churn scan and the model refresh are jobs, timed once each (docs/benchmarks.md gives the commands)."""

from bench.registry import operation

PAGE_SIZE = 20
QUERY_MS = 100


def _first_page(queryset, decorate=list):
    from crm.core.pagination import CappedPaginator

    paginator = CappedPaginator(queryset, PAGE_SIZE)
    page = paginator.get_page(1)
    return decorate(page.object_list), paginator.count


@operation("orders.history", label="A customer's order history, first page", group="orders", target_ms=QUERY_MS)
def history(ctx, persona):
    from crm.orders.selectors import customer_for_orders, order_history

    user_id = ctx.user_id(persona)
    customers = [row["pk"] for row in ctx.sample_customers(persona, n=20, include_pools=False)]

    def read(pk):
        user = ctx.fresh_user(user_id)
        return _first_page(order_history(user=user, customer=customer_for_orders(user=user, pk=pk)))

    return [lambda pk=pk: read(pk) for pk in customers]


@operation("orders.detail", label="One order with its lines and total", group="orders", target_ms=QUERY_MS)
def detail(ctx, persona):
    from crm.orders.models import EFFECTIVE, Order
    from crm.orders.selectors import order_get, order_lines

    user_id = ctx.user_id(persona)
    customers = [row["pk"] for row in ctx.sample_customers(persona, n=20, include_pools=False)]
    orders = list(Order.objects.filter(EFFECTIVE, customer_id__in=customers).values_list("pk", flat=True)[:20])

    def read(pk):
        order = order_get(user=ctx.fresh_user(user_id), pk=pk)
        return order, order_lines(order=order)

    return [lambda pk=pk: read(pk) for pk in orders]


@operation("orders.products", label="Product query by name, model, batch", group="orders", target_ms=QUERY_MS)
def products(ctx, persona):
    from crm.orders.selectors import attach_stock_totals, product_list

    user_id = ctx.user_id(persona)
    cases = ({}, {"name": "产品12"}, {"model": "M-7"}, {"batch": "2025B"}, {"name": "产品3", "model": "M-3"})
    return [
        lambda filters=filters: _first_page(product_list(user=ctx.fresh_user(user_id), filters=filters),
                                            attach_stock_totals)
        for filters in cases
    ]


@operation("orders.inventory", label="Inventory query by product and warehouse", group="orders", target_ms=QUERY_MS)
def inventory(ctx, persona):
    from crm.orders.models import Warehouse
    from crm.orders.selectors import stock_list

    user_id = ctx.user_id(persona)
    warehouse = Warehouse.objects.order_by("pk").values_list("pk", flat=True).first()
    cases = ({}, {"product": "产品12"}, {"warehouse": warehouse}, {"product": "M-7", "warehouse": warehouse})
    return [lambda filters=filters: _first_page(stock_list(user=ctx.fresh_user(user_id), filters=filters))
            for filters in cases]


@operation("churn.value", label="Customer value, most at risk first", group="orders", target_ms=150)
def values(ctx, persona):
    from crm.churn.value import customer_values

    user_id = ctx.user_id(persona)
    cases = ({}, {"alive_below": 0.5}, {"sort": "-spend"})
    return [lambda filters=filters: _first_page(customer_values(user=ctx.fresh_user(user_id), filters=filters))
            for filters in cases]


@operation("churn.warnings", label="Churn warnings, first page and count", group="orders", target_ms=150)
def warnings(ctx, persona):
    """The warnings list as its page reads it (the active tab by default), for the manager of a
    share of the warned customers and for the executive who sees every one."""
    from crm.churn.selectors import attach_figures, warning_list

    user_id = ctx.user_id(persona)
    cases = (
        {"tab": "active"},
        {"tab": "active", "ordering": "-last_order_on"},
        {"tab": "active", "ordering": "p_alive"},
        {"tab": "active", "mine": True},
        {"tab": "active", "customer_name": "科技"},
        {"tab": "active", "alive_below": 0.5},
        {"tab": "confirmed"},
    )
    return [lambda filters=filters: _first_page(warning_list(user=ctx.fresh_user(user_id), filters=filters),
                                                attach_figures)
            for filters in cases]
