"""Benchmark data of the ERP copy (issue 15 §8): products, warehouses, stock, and five orders per
customer (5,000,000 at scale 1) with one to three lines each, written by set-based SQL in the
database (a series joined to the customers), not row by row in Python.

Orders spread over two years before `today`; one customer in eight stopped ordering 200 days to
two years ago (the churn scan's work); one order in ten has a status other than 5 or 6.

    python -m bench.orders          # (re)make only the orders of the data set in CRM_DATABASE_URL
"""

import datetime
import time

from django.db import connection

ORDERS_PER_CUSTOMER = 5
PRODUCTS_PER_CUSTOMER = 0.01  # 10,000 products at scale 1
WAREHOUSES = 20
TABLES = ("orders_orderline", "orders_order", "orders_stock", "orders_product", "orders_warehouse",
          "orders_customerlink", "orders_customertotal")


def wipe_orders(log) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
        else:
            for table in TABLES:
                cursor.execute(f"DELETE FROM {table}")
    log("removed earlier orders")


def _series(count: int) -> str:
    """A table `s(g)` of 1…count."""
    if connection.vendor == "postgresql":
        return f"generate_series(1, {int(count)}) AS s(g)"
    return (
        f"(WITH RECURSIVE n(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM n WHERE g < {int(count)}) "
        "SELECT g FROM n) AS s"
    )


def _days_before(today: datetime.date, days_sql: str) -> str:
    if connection.vendor == "postgresql":
        return f"(DATE '{today.isoformat()}' - ({days_sql})::int)"
    return f"date('{today.isoformat()}', '-' || ({days_sql}) || ' days')"


def generate_orders(*, customers: int, today: datetime.date, log) -> dict[str, int]:
    started = time.monotonic()
    products = max(200, round(customers * PRODUCTS_PER_CUSTOMER))
    now = "CURRENT_TIMESTAMP"
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO orders_product (id, external_id, name, model_number, batch, unit, price, category, synced_at) "
            f"SELECT g, 'P' || g, '产品' || g, 'M-' || (g % 97), "
            "'20' || (24 + g % 3) || substr('ABCD', 1 + g % 4, 1), '台', "
            f"100 + (g % 50) * 20, '类别' || (g % 12), {now} FROM {_series(products)}"
        )
        cursor.execute(
            "INSERT INTO orders_warehouse (id, external_id, name, address, synced_at) "
            f"SELECT g, 'W' || g, '仓库' || g, '地址' || g, {now} FROM {_series(WAREHOUSES)}"
        )
        # Each product in five warehouses.
        cursor.execute(
            "INSERT INTO orders_stock (product_id, warehouse_id, quantity, synced_at) "
            f"SELECT p.id, w.id, (p.id * 7 + w.id * 13) % 500, {now} FROM orders_product p "
            "JOIN orders_warehouse w ON (p.id + w.id) % 4 = 0 AND w.id <= 20"
        )
        cursor.execute("DROP TABLE IF EXISTS bench_customer_rank")
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_customer_rank AS "
            "SELECT row_number() OVER (ORDER BY id) AS rn, id, number, name FROM customers_customer"
        )
        cursor.execute("CREATE INDEX bench_customer_rank_rn ON bench_customer_rank (rn)")
        count = customers * ORDERS_PER_CUSTOMER
        quiet = "c.rn % 8 = 0"
        days = f"CASE WHEN {quiet} THEN 200 + ((s.g % 530) * 7919) % 530 ELSE ((s.g % 730) * 7919) % 730 END"
        # Order g has id g, so its lines and total follow from g without reading the orders back:
        # 1 + g % 3 lines, each (1 + g % 5) × (100 + (g % 50) × 20).
        quantity, price = "(1 + s.g % 5)", "(100 + (s.g % 50) * 20)"
        cursor.execute(
            "INSERT INTO orders_order (id, external_id, number, customer_id, customer_code, customer_name, "
            "ordered_on, delivery_address, status, total, synced_at) "
            f"SELECT s.g, 'SO' || s.g, 'XS' || s.g, c.id, c.number, c.name, {_days_before(today, days)}, "
            "'上海市浦东新区张江路 ' || (s.g % 999) || ' 号', "
            "CASE WHEN s.g % 10 = 0 THEN 3 WHEN s.g % 3 = 0 THEN 5 ELSE 6 END, "
            f"(1 + s.g % 3) * {quantity} * {price}, {now} "
            f"FROM {_series(count)} JOIN bench_customer_rank c ON c.rn = 1 + (s.g - 1) % {int(customers)}"
        )
        cursor.execute(
            "INSERT INTO orders_orderline (order_id, line_no, product_id, quantity, price, amount) "
            f"SELECT s.g, k.k, 1 + (s.g * 31 + k.k * 17) % {products}, {quantity}, {price}, {quantity} * {price} "
            f"FROM {_series(count)} JOIN (SELECT 1 AS k UNION ALL SELECT 2 UNION ALL SELECT 3) k ON k.k <= 1 + s.g % 3"
        )
        if connection.vendor == "postgresql":  # the rows above named their ids
            for table in ("orders_product", "orders_warehouse", "orders_order"):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
        cursor.execute("DROP TABLE bench_customer_rank")
        from crm.orders import totals  # after Django's setup (this module is imported before it)

        totals.rebuild()  # the contribution report's sums, as the ERP sync keeps them
        for table in TABLES:
            cursor.execute(f"ANALYZE {table}")
        cursor.execute("SELECT COUNT(*) FROM orders_orderline")
        lines = cursor.fetchone()[0]
    log(f"  {count:,} orders, {lines:,} lines, {products:,} products in {time.monotonic() - started:.0f} s")
    return {"orders": count, "order_lines": lines, "products": products}


def main() -> None:
    from bench import env

    env.setup()
    from django.core.management import call_command
    from django.db import transaction

    from crm.customers.models import Customer

    call_command("migrate", interactive=False, verbosity=0)
    customers = Customer.objects.count()
    today = datetime.date.today()
    with transaction.atomic():
        wipe_orders(print)
        generate_orders(customers=customers, today=today, log=print)


if __name__ == "__main__":
    main()
