"""What the orders app offers the apps above it, and its registrations with those below.

Apps above (churn) learn of new shipped or paid orders through `register_ordered_hook`: after
every sync or import, each hook receives the ids of the customers that ordered, inside the
writing transaction, so a churn warning closes in the same commit as the order arrives."""

from collections.abc import Callable, Iterable

_ordered_hooks: dict[str, Callable[[set[int]], None]] = {}


def register_ordered_hook(key: str, hook: Callable[[set[int]], None]) -> None:
    _ordered_hooks[key] = hook


def customers_ordered(customer_ids: Iterable[int]) -> None:
    ids = {pk for pk in customer_ids if pk is not None}
    if not ids:
        return
    for hook in _ordered_hooks.values():
        hook(ids)



# --- registrations with the apps below: the customer 360 page and the global search ------------------------
# Imported here, after the hook above: crm.orders.matching imports this module for it.
from urllib.parse import urlencode  # noqa: E402

from django.urls import reverse  # noqa: E402
from django.utils.translation import gettext_lazy as _  # noqa: E402

from crm.core.extensions import SearchHit, SearchProvider, register_search  # noqa: E402
from crm.core.pagination import CappedPaginator  # noqa: E402
from crm.customers.extensions import register_merge_hook  # noqa: E402
from crm.customers.sections import Section, register_section  # noqa: E402
from crm.orders import selectors, totals  # noqa: E402
from crm.orders.permissions import ORDER, PRODUCT  # noqa: E402

SECTION_SIZE = 10


def section_context(user, customer, page=None) -> dict:
    """客户历史订单 (ORD-2) as a tab of the customer 360 page: one page of the history (a bounded
    count and the rows); the tab pages on by itself (orders:history_section)."""
    page_obj = CappedPaginator(selectors.order_history(user=user, customer=customer), SECTION_SIZE).get_page(page)
    return {"page_obj": page_obj, "orders": page_obj.object_list}


register_section(
    Section("orders", _("Order history"), "orders/partials/customer_section.html", section_context, f"{ORDER}.view", 35)
)


def _search_products(user, query: str, limit: int) -> list[SearchHit]:
    url = reverse("orders:products")
    return [
        SearchHit(
            label=str(product),
            url=f"{url}?{urlencode({'name': product.name, 'model': product.model_number, 'batch': product.batch})}",
            kind=str(_("Product")),
            detail=" · ".join(part for part in (product.category, product.unit) if part),
        )
        for product in selectors.product_list(user=user, filters={"search": query})[:limit]
    ]


register_search(SearchProvider(key="products", search=_search_products, permission=f"{PRODUCT}.view", order=60))


register_merge_hook("orders.totals", totals.customers_merging)
