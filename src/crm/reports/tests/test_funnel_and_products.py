"""The funnel (RPT-7) and sales by product (RPT-6) computed two ways: through the report, and
through a loop written here over every record, the scopes spelled out by hand; for a manager, a
supervisor and an executive."""

import datetime
import itertools
from collections import Counter, defaultdict
from decimal import Decimal

import pytest

from crm.customers.models import Customer
from crm.opportunities.models import Opportunity
from crm.orders.models import OrderLine
from crm.reports import funnel, products
from crm.reports.periods import Period
from crm.reports.testing_sales import MONTH
from crm.reports.tests.test_work import local_day, reaches, sees_opportunity, viewers

pytestmark = pytest.mark.django_db

YEAR = Period(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
PERIODS = (Period(*MONTH), YEAR)


def inside(moment, period) -> bool:
    return moment is not None and period.start <= local_day(moment) <= period.end


def expected_funnel(viewer, pipeline, period) -> list[int]:
    stages = [s for s in pipeline.stages.order_by("sort_order", "id") if s.kind in ("open", "won")]
    created = [
        o for o in Opportunity.objects.filter(pipeline=pipeline)
        if sees_opportunity(viewer, o) and inside(o.created_at, period)
    ]
    reached = [len(created)]
    for stage in stages[1:]:
        reached.append(sum(1 for o in created if o.stage in stages and o.stage.sort_order >= stage.sort_order))
    return reached


def test_the_funnel_matches_a_plain_count_for_each_scope(sales_data):
    pipeline = sales_data.pipeline
    seen = {}
    for role, viewer in viewers(sales_data).items():
        for period in PERIODS:
            steps = funnel.funnel(user=viewer, pipeline=pipeline, period=period)
            assert [step.reached for step in steps] == expected_funnel(viewer, pipeline, period), (role, period)
            for step, following in itertools.pairwise(steps):
                assert step.conversion == (following.reached / step.reached if step.reached else None)
            assert steps[-1].conversion is None
        seen[role] = [step.reached for step in funnel.funnel(user=viewer, pipeline=pipeline, period=PERIODS[0])]
    assert seen["manager"] != seen["supervisor"] != seen["executive"]
    assert seen["executive"][0] == 9  # every opportunity created in November, the unassigned one too


def test_won_lost_reasons_and_competitors_match_a_plain_count(sales_data):
    for viewer in viewers(sales_data).values():
        for period in PERIODS:
            closed = [
                o for o in Opportunity.objects.all() if sees_opportunity(viewer, o) and inside(o.closed_at, period)
            ]
            totals = funnel.closed_totals(user=viewer, pipeline=None, period=period)
            assert totals.won == sum(1 for o in closed if o.status == "won")
            assert totals.lost == sum(1 for o in closed if o.status == "lost")
            assert totals.amount == sum((o.expected_amount for o in closed if o.status == "won"), Decimal("0.00"))
            reasons = Counter(o.lost_reason.entry for o in closed if o.status == "lost")
            lost = funnel.lost_by_reason(user=viewer, pipeline=None, period=period)
            assert {r.label: r.lost for r in lost} == reasons
            plain = defaultdict(lambda: [0, 0])
            for o in closed:
                if o.status == "won":
                    for rival in o.competitors.all():
                        plain[rival.name][0] += 1
                if o.status == "lost" and o.lost_to:
                    plain[o.lost_to.name][1] += 1
            got = {c.label: [c.won, c.lost] for c in funnel.by_competitor(user=viewer, pipeline=None, period=period)}
            assert got == dict(plain)


def test_the_forecast_matches_a_plain_sum(sales_data):
    start = datetime.date(2026, 11, 15)
    for viewer in viewers(sales_data).values():
        months = funnel.forecast(user=viewer, pipeline=sales_data.pipeline, start=start)
        assert [m.month for m in months][:3] == [datetime.date(2026, 11, 1), datetime.date(2026, 12, 1),
                                                   datetime.date(2027, 1, 1)]
        for month in months:
            plain = [
                o for o in Opportunity.objects.filter(status="developing")
                if sees_opportunity(viewer, o) and o.expected_close
                and (o.expected_close.year, o.expected_close.month) == (month.month.year, month.month.month)
            ]
            assert month.count == len(plain)
            weighted = sum(((o.expected_amount or Decimal("0")) * o.probability / 100 for o in plain), Decimal("0"))
            assert month.weighted == weighted.quantize(Decimal("0.01"))


def sees_customer_of_line(viewer, line) -> bool:
    customer = line.order.customer
    return customer is not None and reaches(viewer, customer.manager)


def expected_products(viewer, filters) -> dict:
    totals = defaultdict(lambda: [Decimal("0"), Decimal("0")])
    for line in OrderLine.objects.select_related("order__customer__manager", "product"):
        day = line.order.ordered_on
        if line.order.status not in (5, 6) or not filters.period.start <= day <= filters.period.end:
            continue
        if not sees_customer_of_line(viewer, line):
            continue
        if filters.product and line.product_id != filters.product:
            continue
        if filters.category and line.product.category != filters.category:
            continue
        bucket = {"year": day.replace(month=1, day=1), "month": day.replace(day=1), "day": day}[filters.by]
        totals[(bucket, line.product_id)][0] += line.quantity
        totals[(bucket, line.product_id)][1] += line.amount
    return {key: tuple(value) for key, value in totals.items()}


def test_sales_by_product_match_a_plain_sum_for_each_scope(sales_data):
    seen = {}
    wide = Period(datetime.date(2024, 1, 1), datetime.date(2026, 12, 31))
    for role, viewer in viewers(sales_data).items():
        for by in ("year", "month", "day"):
            for extra in ({}, {"product": sales_data.router.pk}, {"category": "交换设备"}):
                filters = products.ProductFilters(period=wide, by=by, **extra)
                rows = products.by_period_and_product(user=viewer, filters=filters)
                got = {(products.as_date(r["bucket"]), r["product_id"]): (r["quantity"], r["amount"]) for r in rows}
                assert got == expected_products(viewer, filters), (role, by, extra)
                chart = products.by_period(user=viewer, filters=filters)
                assert sum(b.amount for b in chart) == sum(v[1] for v in got.values())
        seen[role] = sum(b.amount for b in products.by_period(
            user=viewer, filters=products.ProductFilters(period=wide, by="year")))
    assert seen["manager"] < seen["supervisor"] < seen["executive"]


def test_customers_outside_the_scope_do_not_count(sales_data):
    viewer = sales_data.sales.manager
    mine = set(Customer.objects.filter(manager=viewer).values_list("pk", flat=True))
    lines = products.lines(user=viewer, filters=products.ProductFilters(period=YEAR))
    assert lines.exists()
    assert set(lines.values_list("order__customer_id", flat=True)) <= mine
