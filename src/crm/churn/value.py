"""Customer value and the probability of churn (SEG-4), refreshed by the `churn.value` job.

For every customer with shipped or paid orders, the database sums the order history per customer
(one set-based query): days with an order, the first and last of them, the spend, and the spend
of the first day. From these, in weeks as Fader, Hardie & Lee count them: x repeat purchase days,
t_x the last one's time since the first, T the customer's age. BG/NBD (crm.churn.btyd) is fitted
on the unique (x, t_x, T) triples weighted by how many customers share them, so a million
customers fit in seconds; Gamma-Gamma on the repeat customers' average repeat spend. Each
customer then gets the probability of still being active, the expected orders and the expected
spend over the horizon (CRM_CHURN_VALUE_HORIZON_DAYS, 180 by default). All rows are replaced in
one transaction: readers see the old figures or the new, never half."""

import datetime
import time
from decimal import Decimal

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from crm.access.engine import access_for
from crm.churn import btyd
from crm.churn.models import CustomerValue, ValueModel
from crm.churn.permissions import WARNING
from crm.churn.selectors import unindexed
from crm.core.bulk import insert_values
from crm.customers.models import Customer
from crm.customers.permissions import CUSTOMER
from crm.orders.models import EFFECTIVE_STATUSES, Order

# Fewer customers than this with order history, or no repeat customer: no model is fitted.
MIN_CUSTOMERS = 30
WEEK = 7.0
CENT = Decimal("0.01")
NAMED_IDS = 5000


def _history(today: datetime.date) -> list[tuple]:
    """(customer, orders, first day, last day, order days, spend, first day's spend) per customer."""
    orders = Order._meta.db_table
    statuses = ", ".join(str(int(status)) for status in EFFECTIVE_STATUSES)
    sql = f"""
        WITH days AS (
            SELECT customer_id, ordered_on, COUNT(*) AS orders, SUM(total) AS spend
            FROM {orders}
            WHERE customer_id IS NOT NULL AND status IN ({statuses}) AND ordered_on <= %s
            GROUP BY customer_id, ordered_on
        ), customers AS (
            SELECT customer_id, SUM(orders) AS orders, MIN(ordered_on) AS first_on, MAX(ordered_on) AS last_on,
                   COUNT(*) AS days, SUM(spend) AS spend
            FROM days GROUP BY customer_id
        )
        SELECT c.customer_id, c.orders, c.first_on, c.last_on, c.days, c.spend, d.spend
        FROM customers c JOIN days d ON d.customer_id = c.customer_id AND d.ordered_on = c.first_on
    """  # noqa: S608  (constant names; the date is bound)
    with connection.cursor() as cursor:
        cursor.execute(sql, [today])
        rows = cursor.fetchall()
    if connection.vendor == "sqlite":  # dates and sums come back as text and floats
        rows = [
            (pk, orders, _day(first), _day(last), days, Decimal(str(spend)), Decimal(str(first_spend)))
            for pk, orders, first, last, days, spend, first_spend in rows
        ]
    return rows


def _day(value) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value)[:10])


def value_refresh(*, today: datetime.date | None = None, horizon_days: int | None = None) -> dict:
    started = time.monotonic()
    today = today or timezone.localdate()
    horizon_days = horizon_days or settings.CHURN_VALUE_HORIZON_DAYS
    rows = _history(today)
    if len(rows) < MIN_CUSTOMERS:
        return {"customers": len(rows), "fitted": False, "reason": "too few customers with orders"}
    ids = np.array([row[0] for row in rows], dtype=np.int64)
    days = np.array([row[4] for row in rows], dtype=np.float64)
    first = np.array([(today - row[2]).days for row in rows], dtype=np.float64)
    last = np.array([(today - row[3]).days for row in rows], dtype=np.float64)
    spend = np.array([float(row[5]) for row in rows])
    first_spend = np.array([float(row[6]) for row in rows])
    x, T = days - 1, first / WEEK
    t_x = (first - last) / WEEK
    if not (x > 0).any():
        return {"customers": len(rows), "fitted": False, "reason": "no repeat customer"}

    triples, inverse, counts = np.unique(np.stack([x, t_x, T], axis=1), axis=0, return_inverse=True,
                                         return_counts=True)
    inverse = inverse.reshape(-1)
    try:
        purchases = btyd.fit_bgnbd(triples[:, 0], triples[:, 1], triples[:, 2], weights=counts)
    except (RuntimeError, ValueError) as exc:  # the figures of the last fit stay
        return {"customers": len(rows), "fitted": False, "reason": f"BG/NBD: {exc}"}
    horizon = horizon_days / WEEK
    alive = btyd.p_alive(purchases, triples[:, 0], triples[:, 1], triples[:, 2])[inverse]
    expected = btyd.expected_purchases(purchases, horizon, triples[:, 0], triples[:, 1], triples[:, 2])[inverse]
    unsure = ~np.isfinite(expected)
    if unsure.any():
        # A data set with next to no spread between customers drives the fit to its edges (r and α in
        # the millions, a near 0), where the closed form overflows: there the posterior mean rate
        # times the horizon, for as long as the customer is alive, is what it tends to.
        rate = (purchases.r + x[unsure]) / (purchases.alpha + T[unsure])
        expected[unsure] = rate * horizon * alive[unsure]
    repeat = x > 0
    m = np.zeros_like(spend)
    m[repeat] = (spend[repeat] - first_spend[repeat]) / x[repeat]  # the average repeat transaction
    positive = repeat & (m > 0)
    try:
        spending = btyd.fit_gamma_gamma(x[positive], m[positive])
        per_order = btyd.expected_spend(spending, x, m)
    except (RuntimeError, ValueError):
        # Spend too alike between customers (or too few repeat buyers) for Gamma-Gamma to find
        # its spread: each customer's own average order stands in for its expected order.
        spending = None
        per_order = np.where(repeat, m, spend / np.maximum(days, 1))
    value = per_order * expected
    fitted = time.monotonic() - started

    now = timezone.now()
    with transaction.atomic():
        CustomerValue.objects.all().delete()
        insert_values(
            CustomerValue,
            ["customer_id", "orders", "first_order_on", "last_order_on", "spend", "p_alive", "expected_orders",
             "expected_spend", "refreshed_at"],
            (
                (int(ids[i]), row[1], row[2], row[3], row[5], float(alive[i]), float(expected[i]),
                 Decimal(f"{value[i]:.2f}"), now)
                for i, row in enumerate(rows)
            ),
        )
        ValueModel.objects.create(
            fitted_at=now, customers=len(rows), horizon_days=horizon_days,
            parameters={"bgnbd": vars(purchases), "gamma_gamma": vars(spending) if spending else None},
        )
    return {
        "customers": len(rows), "fitted": True, "unique_triples": len(triples),
        "bgnbd": {k: round(v, 4) for k, v in vars(purchases).items()},
        "gamma_gamma": {k: round(v, 4) for k, v in vars(spending).items()} if spending else None,
        "fit_seconds": round(fitted, 1), "seconds": round(time.monotonic() - started, 1),
    }


# --- reading ------------------------------------------------------------------------------------------
SORTS = {
    "alive": ("p_alive", "customer_id"),
    "-alive": ("-p_alive", "-customer_id"),
    "-spend": ("-expected_spend", "customer_id"),
    "-last": ("-last_order_on", "customer_id"),
    "last": ("last_order_on", "customer_id"),
}


def customer_values(*, user, filters: dict | None = None):
    """The figures of the customers in the user's data scope (the scope of their managers, not the
    public pools'), at risk first by default. Filters: `alive_below` (a share, 0…1), `manager`
    (a user), `sort` (a key of SORTS)."""
    access = access_for(user)
    filters = filters or {}
    values = CustomerValue.objects.select_related("customer__manager").only(  # not the customers' wide rows
        *(f.name for f in CustomerValue._meta.concrete_fields), "customer__name", "customer__manager__name",
        "customer__manager__username",
    )
    if not access.can(f"{CUSTOMER}.view") or not access.can(f"{WARNING}.view"):
        return values.none()
    condition = access.scope_filter(CUSTOMER)
    ordering = SORTS.get(filters.get("sort") or "alive", SORTS["alive"])
    if condition is not None:  # None: every customer
        ids = list(Customer.objects.filter(condition).order_by().values_list("pk", flat=True)[: NAMED_IDS + 1])
        if len(ids) <= NAMED_IDS:
            # A salesperson's few thousand customers are named and their rows sorted; walking the
            # index of the sort for the first 20 in scope reads most of the million (1 s).
            values = values.filter(customer__id__any_of=ids)
            if connection.vendor == "postgresql":
                ordering = [unindexed(key) for key in ordering]
        else:
            values = values.filter(customer__in=Customer.objects.filter(condition).values("pk"))
    if filters.get("alive_below") is not None:
        values = values.filter(p_alive__lt=filters["alive_below"])
    if filters.get("manager"):
        values = values.filter(customer__manager=filters["manager"])
    return values.order_by(*ordering)

