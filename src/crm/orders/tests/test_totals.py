"""The customers' kept order totals (crm.orders.totals, ADR 0026) equal a plain sum of their
shipped and paid orders after every way orders are written: the push, the file of lines, an
order moving to another customer or leaving the statuses that count, the resolution of unmatched
orders, a merge; and `rebuild` computes the same rows from nothing (RPT-1)."""

import io
from collections import defaultdict
from decimal import Decimal

from django.core.management import call_command

from crm.customers.services.merge import customers_merge
from crm.customers.testing import make_customer
from crm.orders import totals
from crm.orders.matching import orders_resolve
from crm.orders.models import CustomerTotal, Order
from crm.orders.services import erp_account_issue
from crm.orders.sync import order_lines_sync, orders_sync, products_sync


def plain_sums() -> dict[tuple[int, int], tuple[Decimal, int]]:
    """{(customer, year): (total, orders)} summed in Python; year 0 is every year."""
    sums = defaultdict(lambda: (Decimal("0"), 0))
    for order in Order.objects.filter(customer__isnull=False):
        if order.status not in (5, 6):
            continue
        for year in (order.ordered_on.year, 0):
            total, count = sums[order.customer_id, year]
            sums[order.customer_id, year] = (total + order.total, count + 1)
    return dict(sums)


def kept() -> dict[tuple[int, int], tuple[Decimal, int]]:
    return {(row.customer_id, row.year): (row.total, row.orders) for row in CustomerTotal.objects.all()}


def order(key, code, day, price, status=5, quantity=1):
    return {"external_id": key, "number": f"XS-{key}", "customer_code": code, "ordered_on": day, "status": status,
            "lines": [{"product": "P1", "quantity": quantity, "price": price}]}


def test_totals_follow_every_way_orders_are_written(sales, admin_user):
    east = make_customer(manager=sales.manager, name="上海浦江电子有限公司")
    west = make_customer(manager=sales.manager, name="成都天府软件有限公司")
    erp, _key = erp_account_issue()
    products_sync(actor=erp, rows=[{"external_id": "P1", "name": "路由器"}])

    orders_sync(actor=erp, rows=[
        order("A", east.number, "2025-03-01", "100.50"),
        order("B", east.number, "2026-01-02", "200.00", status=6),
        order("C", west.number, "2026-05-05", "300.00"),
        order("D", west.number, "2026-06-06", "999.00", status=3),  # an ERP status that does not count
        order("E", "UNKNOWN-7", "2026-07-07", "50.00"),  # unmatched
    ])
    assert kept() == plain_sums()
    assert kept()[east.pk, 0] == (Decimal("300.50"), 2)

    orders_sync(actor=erp, rows=[order("A", east.number, "2025-03-01", "100.50")])  # the same again
    assert kept() == plain_sums()

    orders_sync(actor=erp, rows=[
        order("B", west.number, "2026-01-02", "200.00", status=6),  # moves to the other customer
        order("C", west.number, "2026-05-05", "300.00", status=3),  # stops counting
        order("D", west.number, "2026-06-06", "999.00", status=5),  # starts counting
    ])
    assert kept() == plain_sums()
    assert (east.pk, 2026) not in kept()

    # A file of lines: a second line for A, and its price changed.
    order_lines_sync(actor=erp, rows=[
        {"external_id": "A", "number": "XS-A", "customer_code": east.number, "ordered_on": "2025-03-01",
         "status": 5, "line_no": 1, "product": "P1", "quantity": 2, "price": "80.00"},
        {"external_id": "A", "number": "XS-A", "customer_code": east.number, "ordered_on": "2025-03-01",
         "status": 5, "line_no": 2, "product": "P1", "quantity": 1, "price": "5.25"},
    ])
    assert kept()[east.pk, 2025] == (Decimal("165.25"), 1)
    assert kept() == plain_sums()

    orders_resolve(actor=admin_user, code="UNKNOWN-7", customer=east)
    assert kept() == plain_sums()
    assert kept()[east.pk, 2026] == (Decimal("50.00"), 1)

    customers_merge(actor=admin_user, target=east, others=[west])
    assert kept() == plain_sums()
    assert not CustomerTotal.objects.filter(customer_id=west.pk).exists()

    expected = kept()
    CustomerTotal.objects.all().delete()
    assert totals.rebuild() == 1
    assert kept() == expected
    CustomerTotal.objects.filter(customer=east, year=0).update(total=Decimal("1"))
    call_command("order_totals", stdout=io.StringIO())
    assert kept() == expected
