"""Each customer's total of shipped and paid orders per year, kept beside the orders (ADR 0026).

The contribution report (RPT-1) sorts customers by that total; summing a million customers'
orders to find the largest twenty takes seconds, reading twenty rows of `CustomerTotal` in index
order takes milliseconds. The rows are derived: whoever writes orders calls `refresh` with the
customers whose orders changed, in the same transaction, and their rows are computed anew from
the orders, set-based. `rebuild` computes every row (`crm order_totals`, the weekly job, the
benchmark generator), so a total can always be made right again from the orders.
"""

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, Sum, Value
from django.db.models.functions import ExtractYear

from crm.orders.models import EFFECTIVE, CustomerTotal, Order

BATCH = 2000  # customers per pair of statements (bounded IN lists)
TABLE = CustomerTotal._meta.db_table
# Two writers refreshing the same customer at once: the second one's rows overwrite the first's.
UPSERT = "ON CONFLICT (customer_id, year) DO UPDATE SET total = excluded.total, orders = excluded.orders"


def refresh(customer_ids: Iterable[int | None]) -> None:
    """Compute the rows of these customers anew from their orders (None, unmatched, is skipped)."""
    ids = sorted({pk for pk in customer_ids if pk is not None})
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        CustomerTotal.objects.filter(customer_id__in=chunk).delete()
        _insert(chunk)


def rebuild() -> int:
    """Every row anew from the orders; returns how many customers have one. Refreshes wait
    meanwhile (PostgreSQL: a table lock that readers do not feel), so none is lost."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {TABLE} IN SHARE ROW EXCLUSIVE MODE")
        CustomerTotal.objects.all().delete()
        _insert(None)
    return CustomerTotal.objects.filter(year=CustomerTotal.ALL_YEARS).count()


def _insert(customer_ids: list[int] | None) -> None:
    """Two INSERT … SELECT: each year's sums from the orders, then every year's from those."""
    orders = Order.objects.filter(EFFECTIVE, customer__isnull=False)
    years = CustomerTotal.objects.filter(year__gt=CustomerTotal.ALL_YEARS)
    if customer_ids is not None:
        orders = orders.filter(customer_id__in=customer_ids)
        years = years.filter(customer_id__in=customer_ids)
    by_year = (
        orders.order_by()
        .annotate(order_year=ExtractYear("ordered_on"))
        .values("customer_id", "order_year")
        .annotate(sum=Sum("total"), count=Count("id"))
        .values_list("customer_id", "order_year", "sum", "count")
    )
    every_year = (
        years.order_by()
        .values("customer_id")
        .annotate(all_years=Value(CustomerTotal.ALL_YEARS), sum=Sum("total"), count=Sum("orders"))
        .values_list("customer_id", "all_years", "sum", "count")
    )
    with connection.cursor() as cursor:
        for select in (by_year, every_year):
            sql, params = select.query.sql_with_params()
            cursor.execute(f"INSERT INTO {TABLE} (customer_id, year, total, orders) {sql} {UPSERT}", params)


def customers_merging(*, actor, target, others) -> None:
    """Merge hook: the merged customers' orders become the target's, so their totals add up."""
    ids = [target.pk, *(other.pk for other in others)]
    rows = CustomerTotal.objects.filter(customer_id__in=ids)
    folded = list(rows.order_by().values("year").annotate(sum=Sum("total"), count=Sum("orders")))
    rows.delete()
    CustomerTotal.objects.bulk_create(
        CustomerTotal(customer_id=target.pk, year=row["year"], total=row["sum"], orders=row["count"]) for row in folded
    )
