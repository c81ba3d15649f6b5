"""A customer's order history 客户历史订单 (ORD-2, s003/5 §3.2.1.4): its shipped and paid orders,
newest first, page by page (on its own page, and as a tab of the customer 360 page), and one
order with its lines and total."""

from django.shortcuts import render

from crm.access.decorators import crm_view
from crm.access.engine import access_for
from crm.core.pagination import CappedPaginator
from crm.orders import extensions, selectors
from crm.orders.permissions import ORDER

PAGE_SIZE = 20


def history_page(user, customer, number, *, per_page: int = PAGE_SIZE):
    """One page of the customer's history: a bounded count and the page's rows (two queries)."""
    queryset = selectors.order_history(user=user, customer=customer)
    return CappedPaginator(queryset, per_page).get_page(number)


@crm_view(f"{ORDER}.view")
def customer_orders(request, pk):
    customer = selectors.customer_for_orders(user=request.user, pk=pk)
    page_obj = history_page(request.user, customer, request.GET.get("page"))
    context = {"customer": customer, "page_obj": page_obj, "orders": page_obj.object_list}
    return render(request, "orders/history.html", context)


@crm_view(f"{ORDER}.view")
def customer_orders_section(request, pk):
    """The 360 page's tab, one page at a time (htmx swaps it into the tab)."""
    customer = selectors.customer_for_orders(user=request.user, pk=pk)
    context = {"customer": customer, **extensions.section_context(request.user, customer, request.GET.get("page"))}
    return render(request, "orders/partials/customer_section.html", context)


@crm_view(f"{ORDER}.view")
def order_detail(request, pk):
    order = selectors.order_get(user=request.user, pk=pk)
    access = access_for(request.user)
    context = {
        "order": order,
        "lines": selectors.order_lines(order=order),
        "customer_visible": order.customer_id is not None
        and access.allows("customers.customer", "view", order.customer),
    }
    return render(request, "orders/detail.html", context)
