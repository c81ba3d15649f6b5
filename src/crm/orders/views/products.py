"""The 基础数据 queries (s003/5 §3.5.2, §3.5.3): products by name, model and batch with their total
stock (ORD-3), and inventory by product and warehouse (ORD-4). Read only: the ERP owns the data."""

from django.shortcuts import render

from crm.access.decorators import crm_view
from crm.access.engine import access_for
from crm.core.pagination import CappedPaginator
from crm.orders import selectors
from crm.orders.permissions import PRODUCT, STOCK

PAGE_SIZE = 20


def _texts(request, *keys) -> dict:
    return {key: (request.GET.get(key) or "").strip()[: selectors.TEXT_LIMIT] for key in keys}


@crm_view(f"{PRODUCT}.view")
def product_list(request):
    filters = _texts(request, "name", "model", "batch")
    ordering = "-name" if request.GET.get("ordering") == "-name" else "name"
    queryset = selectors.product_list(user=request.user, filters={**filters, "ordering": ordering})
    page_obj = CappedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    page_obj.object_list = selectors.attach_stock_totals(page_obj.object_list)
    context = {
        "may": access_for(request.user).abilities(PRODUCT),
        "filters": filters,
        "filtered": any(filters.values()),
        "ordering": ordering,
        "page_obj": page_obj,
        "products": page_obj.object_list,
    }
    return render(request, "orders/products.html", context)


@crm_view(f"{STOCK}.view")
def stock_list(request):
    filters = _texts(request, "product")
    warehouses = list(selectors.warehouse_list(user=request.user))
    chosen = request.GET.get("warehouse") or ""
    warehouse = next((w for w in warehouses if str(w.pk) == chosen), None)
    queryset = selectors.stock_list(
        user=request.user, filters={**filters, "warehouse": warehouse.pk if warehouse else None}
    )
    page_obj = CappedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "may": access_for(request.user).abilities(STOCK),
        "filters": filters,
        "filtered": bool(filters["product"] or warehouse),
        "warehouses": warehouses,
        "warehouse": warehouse,
        "page_obj": page_obj,
        "rows": page_obj.object_list,
    }
    return render(request, "orders/inventory.html", context)
