"""Every read of orders, products and inventory (ORD-2…4), through the permission engine.

Orders are seen where their customer is (the resource's `parent`): a customer's history is read
after the customer itself (outside the user's scope: 404), and one order by the engine's `get`.
Only shipped and paid orders (status 5 and 6, `EFFECTIVE`) exist for the CRM's readers
(s003/5 §3.2.1.4); the others are kept but never shown. Products and inventory are company-wide
reference data: the function alone decides.

Each list is a fixed number of queries whatever its page size: the page's rows, then what they
need (lines with their products, the stock totals of the page's products) in one query each."""

from django.db.models import Count, Max, Q, QuerySet, Sum

from crm.access.engine import access_for
from crm.core.errors import NotFound
from crm.orders.models import EFFECTIVE, Order, OrderLine, Product, Stock, Warehouse
from crm.orders.permissions import ORDER, PRODUCT, STOCK

TEXT_LIMIT = 100
PRODUCT_ORDERINGS = {
    "name": ("name", "model_number", "batch", "id"),
    "-name": ("-name", "-model_number", "-batch", "-id"),
}


def _text(filters: dict, key: str) -> str:
    return str(filters.get(key) or "").strip()[:TEXT_LIMIT]


# --- orders (ORD-2) -----------------------------------------------------------------------------------------
def customer_for_orders(*, user, pk):
    """The customer whose orders the user wants to read: needs `orders.order.view` and the customer
    in the user's scope (NotFound otherwise)."""
    access = access_for(user)
    access.require(f"{ORDER}.view")
    return access.get("customers.customer", pk)


def order_history(*, user, customer) -> QuerySet:
    """A customer's shipped and paid orders, newest first (ordered_on, then id, both descending:
    the partial index `order_history_idx`). `customer` was read through the engine
    (customer_for_orders, or the 360 page's customer_get): its orders are in scope with it."""
    access_for(user).require(f"{ORDER}.view")
    return Order.objects.filter(EFFECTIVE, customer=customer).order_by("-ordered_on", "-id")


def order_get(*, user, pk) -> Order:
    """One shipped or paid order in the user's scope (its customer's), else NotFound. An order
    with no customer yet is shown to those who resolve unmatched orders."""
    access = access_for(user)
    queryset = Order.objects.filter(EFFECTIVE).select_related("customer")
    try:
        return access.get(ORDER, pk, queryset=queryset)
    except NotFound:
        if not access.can(f"{ORDER}.resolve"):
            raise
    order = queryset.filter(customer=None, pk=pk).first() if str(pk).isdigit() else None
    if order is None:
        raise NotFound()
    return order


def order_lines(*, order: Order) -> list[OrderLine]:
    """The lines of an order the caller already holds (read through order_get), with their products."""
    return list(order.lines.select_related("product").order_by("line_no", "id"))


def unmatched_groups(*, user) -> QuerySet:
    """Shipped and paid orders whose customer the ERP's code did not name, one row per ERP customer
    code: code, the name the ERP sent, how many, their total, the newest date (newest first).
    For those who resolve them."""
    access_for(user).require(f"{ORDER}.resolve")
    return (
        Order.objects.filter(EFFECTIVE, customer=None)
        .values("customer_code")
        .annotate(
            customer_name=Max("customer_name"),
            orders=Count("id"),
            total=Sum("total"),
            newest=Max("ordered_on"),
        )
        .order_by("-newest", "customer_code")
    )


# --- products (ORD-3) ---------------------------------------------------------------------------------------
def product_list(*, user, filters: dict | None = None) -> QuerySet:
    """Products by name, model and batch (each a fragment, any case), or `search` (a fragment of the
    name or the model), by name (`ordering`: "name" or "-name", along the index `product_name_idx`)."""
    access_for(user).require(f"{PRODUCT}.view")
    filters = filters or {}
    queryset = Product.objects.all()
    for key, field in (("name", "name"), ("model", "model_number"), ("batch", "batch")):
        value = _text(filters, key)
        if value:
            queryset = queryset.filter(**{f"{field}__icontains": value})
    search = _text(filters, "search")
    if search:
        queryset = queryset.filter(Q(name__icontains=search) | Q(model_number__icontains=search))
    ordering = PRODUCT_ORDERINGS.get(filters.get("ordering") or "name", PRODUCT_ORDERINGS["name"])
    return queryset.order_by(*ordering)


def attach_stock_totals(products) -> list[Product]:
    """Each product's total quantity over every warehouse as `stock_total` (None: no stock row),
    in one grouped query for the page's products (the index on stock.product_id)."""
    products = list(products)
    totals = dict(
        Stock.objects.filter(product_id__in=[p.pk for p in products])
        .order_by()
        .values("product_id")
        .annotate(total=Sum("quantity"))
        .values_list("product_id", "total")
    )
    for product in products:
        product.stock_total = totals.get(product.pk)
    return products


def products_by_code(*, user, codes) -> dict[str, Product]:
    """The products of these ERP codes (a quote's or contract's lines), by code, in one query."""
    access_for(user).require(f"{PRODUCT}.view")
    return {product.external_id: product for product in Product.objects.filter(external_id__in=set(codes))}


def product_get(*, user, pk) -> Product:
    access_for(user).require(f"{PRODUCT}.view")
    try:
        return Product.objects.get(pk=pk)
    except (Product.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


# --- inventory (ORD-4) --------------------------------------------------------------------------------------
def warehouse_list(*, user) -> QuerySet:
    access_for(user).require(f"{STOCK}.view")
    return Warehouse.objects.order_by("name", "id")


def stock_list(*, user, filters: dict | None = None) -> QuerySet:
    """Stock rows by product (a fragment of its name or model, any case) and warehouse (id), in the
    products' name order, then by warehouse: the product's name index leads, each product's rows
    come from the stock's product index (or the warehouse's unique pair when one is chosen)."""
    access_for(user).require(f"{STOCK}.view")
    filters = filters or {}
    queryset = Stock.objects.select_related("product", "warehouse")
    product = _text(filters, "product")
    if product:
        matching = Product.objects.filter(Q(name__icontains=product) | Q(model_number__icontains=product))
        queryset = queryset.filter(product__in=matching.values("pk"))
    warehouse = filters.get("warehouse")
    if warehouse:
        queryset = queryset.filter(warehouse_id=warehouse)
    return queryset.order_by("product__name", "product__model_number", "product__batch", "product_id", "warehouse_id")

