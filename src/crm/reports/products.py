"""产品销售统计 (RPT-6): quantities and amounts of the ERP's order lines by product, over years,
months or days, from shipped and paid orders only (s003/5 §3.2.1.4), of the customers in the
viewer's scope (the report's parent resource is the customer, through the line's order).

Grouped in the database: by period and product for the table (paged), by period alone for the
chart. The periods are the orders' dates (a date column: no zone to convert)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncDay, TruncMonth, TruncYear
from django.utils.translation import gettext_lazy as _

from crm.access.engine import access_for
from crm.orders.models import EFFECTIVE_STATUSES, OrderLine, Product
from crm.reports.periods import Period, month_end, period_of, this_year
from crm.reports.permissions import PRODUCTS

BY = {"year": _("Years"), "month": _("Months"), "day": _("Days")}
DEFAULT_BY = "month"
TRUNC = {"year": TruncYear, "month": TruncMonth, "day": TruncDay}
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class ProductFilters:
    period: Period
    by: str = DEFAULT_BY
    product: int | None = None
    category: str = ""


def filters_of(valid: dict) -> ProductFilters:
    """The filters a page's form or the API checked (date_from, date_to, by, product, category):
    this year, by month, every product, unless they say otherwise."""
    return ProductFilters(
        period=period_of(valid.get("date_from"), valid.get("date_to"), this_year()),
        by=valid.get("by") or DEFAULT_BY,
        product=valid.get("product"),
        category=valid.get("category", ""),
    )


def lines(*, user, filters: ProductFilters) -> QuerySet:
    """The order lines the report sums: of effective orders in the period, in the viewer's scope."""
    queryset = OrderLine.objects.filter(
        order__status__in=EFFECTIVE_STATUSES, **filters.period.lookup("order__ordered_on", dates=True)
    )
    if filters.product:
        queryset = queryset.filter(product_id=filters.product)
    if filters.category:
        queryset = queryset.filter(product__category=filters.category)
    return access_for(user).scoped(PRODUCTS, queryset)


def by_period_and_product(*, user, filters: ProductFilters) -> QuerySet:
    """Rows of (bucket, product_id, product__name, product__category, quantity, amount, orders),
    the latest period first, the largest amount first within it."""
    if filters.by not in BY:
        raise ValueError(filters.by)
    bucket = TRUNC[filters.by]("order__ordered_on")
    return (
        lines(user=user, filters=filters)
        .order_by()
        .annotate(bucket=bucket)
        .values("bucket", "product_id", "product__name", "product__model_number", "product__category")
        .annotate(quantity=Sum("quantity"), amount=Sum("amount"), orders=Count("order_id", distinct=True))
        .order_by("-bucket", "-amount", "product_id")
    )


@dataclass
class Bucket:
    start: datetime.date
    quantity: Decimal
    amount: Decimal


def by_period(*, user, filters: ProductFilters) -> list[Bucket]:
    """The chart: the amount of every period with sales, in order (one GROUP BY)."""
    if filters.by not in BY:
        raise ValueError(filters.by)
    rows = (
        lines(user=user, filters=filters)
        .order_by()
        .annotate(bucket=TRUNC[filters.by]("order__ordered_on"))
        .values("bucket")
        .annotate(quantity=Sum("quantity"), amount=Sum("amount"))
        .order_by("bucket")
    )
    return [Bucket(as_date(row["bucket"]), row["quantity"] or ZERO, row["amount"] or ZERO) for row in rows]


def as_date(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def bucket_label(start: datetime.date, by: str) -> str:
    if by == "year":
        return f"{start:%Y}"
    if by == "month":
        return f"{start:%Y-%m}"
    return f"{start:%Y-%m-%d}"


def bucket_period(start: datetime.date, by: str) -> Period:
    """The days of one bucket: for the drill-down to the next finer one."""
    if by == "year":
        return Period(start, start.replace(month=12, day=31))
    if by == "month":
        return Period(start, month_end(start))
    return Period(start, start)


FINER = {"year": "month", "month": "day", "day": "day"}


def categories() -> list[str]:
    """The product categories the ERP sent (a filter's choices)."""
    return list(Product.objects.exclude(category="").order_by("category").values_list("category", flat=True).distinct())


def products() -> QuerySet:
    return Product.objects.order_by("name", "id").only("id", "name", "model_number")
