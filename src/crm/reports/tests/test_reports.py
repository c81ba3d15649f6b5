"""Each report computed two ways, through the report and through a plain query written here (a
loop over the rows, the scope spelled out by hand), compared exactly, for a manager, a supervisor
and an executive, whose scopes differ and so do their numbers."""

from collections import Counter
from decimal import Decimal

import pytest
from django.db.models import Q
from django.utils import timezone

from crm.churn.models import ChurnWarning, WarningState
from crm.customers.models import Customer
from crm.orders.models import Order
from crm.reports import selectors
from crm.service.models import Service

pytestmark = pytest.mark.django_db

YEARS = (None, 2024, 2025, 2026, 2030)


def viewers(data):
    sales = data.sales
    return {"manager": sales.manager, "supervisor": sales.supervisor, "executive": sales.executive}


def customer_rule(user) -> Q:
    """Who sees which customers, written out: the manager their own, the supervisor everyone's
    under their department's path, the executive all."""
    role = user.username
    if role == "mgr":
        return Q(manager=user)
    if role == "sup":
        return Q(manager=user) | Q(manager__department__path__startswith=user.department.path)
    return Q()


def service_rule(user) -> Q:
    """A service is seen through its customer, its creator or its assignee (ADR 0017)."""
    role = user.username
    if role == "mgr":
        return Q(customer__manager=user) | Q(created_by=user) | Q(assignee=user)
    if role == "sup":
        path = user.department.path
        return (
            Q(customer__manager=user) | Q(created_by=user) | Q(assignee=user)
            | Q(customer__manager__department__path__startswith=path)
            | Q(created_by__department__path__startswith=path)
            | Q(assignee__department__path__startswith=path)
        )
    return Q()


def expected_contribution(user, *, name="", year=None) -> dict:
    totals = {}
    for customer in Customer.objects.filter(customer_rule(user)):
        if name and name not in customer.name:
            continue
        total = Decimal("0.00")
        for order in Order.objects.filter(customer=customer):
            if order.status in (5, 6) and (year is None or order.ordered_on.year == year):
                total += order.total
        totals[customer.pk] = total
    return totals


def test_contribution_matches_a_plain_sum_for_each_scope(report_data):
    seen = {}
    for role, user in viewers(report_data).items():
        for year in YEARS:
            for name in ("", "浦江"):
                rows = list(selectors.contribution(user=user, customer=name, year=year))
                got = {row["row_id"]: row["row_total"] for row in rows}
                expected = expected_contribution(user, name=name, year=year)
                assert got == expected, (role, year, name)
                assert [row["row_total"] for row in rows] == sorted(got.values(), reverse=True)
                grand = selectors.contribution_total(user=user, customer=name, year=year)
                assert grand == sum(expected.values(), Decimal("0.00"))
        seen[role] = selectors.contribution_total(user=user)
    # Different scopes, different numbers (and the shipped-and-paid rule: 99,999 never counts).
    assert seen == {
        "manager": Decimal("3825.85"),
        "supervisor": Decimal("14485.85"),
        "executive": Decimal("31831.52"),
    }


def test_contribution_sorts_by_name_and_total_both_ways(report_data):
    user = report_data.sales.executive
    by_total = [row["row_total"] for row in selectors.contribution(user=user, ordering="total")]
    assert by_total == sorted(by_total)
    by_name = [row["row_name"] for row in selectors.contribution(user=user, ordering="name")]
    pinyin = dict(Customer.objects.values_list("name", "name_pinyin"))
    assert by_name == sorted(by_name, key=lambda name: pinyin[name])  # as the customer list sorts names
    assert [row["row_name"] for row in selectors.contribution(user=user, ordering="-name")] == by_name[::-1]


@pytest.mark.parametrize("by", ["level", "credit", "satisfaction"])
def test_composition_matches_a_plain_count_for_each_scope(report_data, by):
    seen = {}
    for role, user in viewers(report_data).items():
        groups = selectors.composition(user=user, by=by)
        got = {group.key: group.count for group in groups if group.count}
        column = "level_id" if by == "level" else by
        expected = Counter(getattr(c, column) for c in Customer.objects.filter(customer_rule(user)))
        assert got == dict(expected), (role, by)
        total = sum(expected.values())
        for group in groups:
            assert group.share == pytest.approx(group.count / total)
        assert sum(group.share for group in groups) == pytest.approx(1.0)
        table = {row["label"]: (row["count"], row["share"]) for row in selectors.composition_table(user=user, by=by)}
        assert {label: count for label, (count, _share) in table.items()} == {
            str(group.label): group.count for group in groups if group.count
        }
        seen[role] = total
    assert seen == {"manager": 3, "supervisor": 5, "executive": 7}


def test_composition_lists_every_rating_even_when_empty(report_data):
    groups = selectors.composition(user=report_data.sales.manager, by="credit")
    assert [group.key for group in groups] == [5, 4, 3, 2, 1]
    assert [group.count for group in groups] == [1, 1, 1, 0, 0]
    assert groups[0].percent == "33.3%"
    with pytest.raises(ValueError):
        selectors.composition(user=report_data.sales.manager, by="region")


def test_services_match_a_plain_count_for_each_scope(report_data):
    seen = {}
    for role, user in viewers(report_data).items():
        for year in YEARS:
            groups = selectors.service_composition(user=user, year=year)
            got = {group.key: group.count for group in groups if group.count}
            expected = Counter(
                service.type_id
                for service in Service.objects.filter(service_rule(user))
                if year is None or timezone.localtime(service.created_at).year == year
            )
            assert got == dict(expected), (role, year)
            table = selectors.services_table(user=user, year=year)
            assert sum(row["count"] for row in table) == sum(expected.values())
        seen[role] = sum(group.count for group in selectors.service_composition(user=user))
    # The manager: 4 services on their customers and the Shenzhen one assigned to them; the
    # supervisor the 7 on Shanghai customers and that one too.
    assert seen == {"manager": 5, "supervisor": 8, "executive": 10}


def test_churn_matches_the_confirmed_warnings_for_each_scope(report_data):
    seen = {}
    for role, user in viewers(report_data).items():
        for customer, manager in (("", ""), ("浦江", ""), ("", "周杰"), ("", "mgr"), ("西湖", "刘洋"), ("", "nobody")):
            got = [w.pk for w in selectors.churn_records(user=user, customer=customer, manager=manager)]
            expected = []
            visible = Customer.objects.filter(customer_rule(user)).values("pk")
            confirmed = ChurnWarning.objects.filter(state=WarningState.CONFIRMED, customer__in=visible)
            for warning in confirmed.select_related("customer__manager"):
                person = warning.customer.manager
                if customer and customer not in warning.customer.name:
                    continue
                if manager and not (person and (manager in person.name or manager in person.username)):
                    continue
                expected.append(warning.pk)
            assert sorted(got) == sorted(expected), (role, customer, manager)
            by_manager = selectors.churn_by_manager(user=user, customer=customer, manager=manager)
            assert sum(count.count for count in by_manager) == len(expected)
        seen[role] = len(list(selectors.churn_records(user=user)))
    assert seen == {"manager": 1, "supervisor": 2, "executive": 3}
    # Open warnings (the scan warned of more customers) are not churn records.
    assert ChurnWarning.objects.exclude(state=WarningState.CONFIRMED).exists()


def test_without_the_function_a_report_is_empty(report_data):
    agent = report_data.agent  # 客服: no reports.* function, though they see every customer
    assert list(selectors.contribution(user=agent)) == []
    assert sum(group.count for group in selectors.composition(user=agent)) == 0
    assert sum(group.count for group in selectors.service_composition(user=agent)) == 0
    assert list(selectors.churn_records(user=agent)) == []


def test_the_benchmark_operations_run_the_reports_for_both_personas(report_data):
    """bench/ops/reports.py on this data: every call answers (the numbers are measured at scale 1)."""
    from bench.context import Context
    from bench.registry import operations

    ctx = Context()
    reports = [op for op in operations() if op.key.startswith("reports.")]
    assert {op.key for op in reports} == {"reports.contribution", "reports.composition", "reports.services",
                                          "reports.churn", "reports.work", "reports.funnel", "reports.dashboard"}
    for op in reports:
        for persona in op.personas:
            ctx.current = op.key
            calls = op.setup(ctx, persona)
            assert calls, (op.key, persona)
            for call in calls:
                call()
    executive = Context().personas["executive"]
    assert executive == report_data.sales.executive.pk


def test_contribution_pages_cross_from_positive_to_zero_to_negative_totals(sales):
    """RPT-1 sorted by total: for many customers in scope a page is read from the part of the
    customers that holds it (positive totals, none, negative: RankedRows); for a few, every total is
    read and sorted. Both give the whole ordering written out here, both ways; every window of every
    size of the parts equals the same window of it, and the paginators page through it."""
    from crm.core.pagination import CappedPaginator
    from crm.customers.testing import make_customer
    from crm.orders.testing import make_order, make_product

    product = make_product()
    for index, price in enumerate(["300", "100", "100", None, None, "-50", "0", "200", None, "-20"]):
        customer = make_customer(manager=sales.manager, name=f"测试贡献客户{index}有限公司")
        if price is not None:
            make_order(customer, lines=[(product, "1", price)])
    user = sales.executive
    everyone = {c.pk: Decimal("0.00") for c in Customer.objects.all()}
    for order in Order.objects.filter(status__in=(5, 6), customer__isnull=False):
        everyone[order.customer_id] += order.total
    for ordering, expected in (
        ("-total", sorted(everyone.items(), key=lambda item: (-item[1], item[0]))),
        ("total", sorted(everyone.items(), key=lambda item: (item[1], -item[0]))),
    ):
        few = selectors.contribution(user=user, ordering=ordering)
        assert [(row["row_id"], row["row_total"]) for row in few] == expected
        rows = selectors._ranked(user=user, customer="", year=None, descending=ordering == "-total")
        assert [(row["row_id"], row["row_total"]) for row in rows] == expected
        for size in (1, 2, 3, 4, 7):
            for start in range(len(expected) + 2):
                window = rows[start : start + size]
                assert [(row["row_id"], row["row_total"]) for row in window] == expected[start : start + size]
        pages = CappedPaginator(rows, 3)
        assert pages.count == len(expected)
        seen = [row["row_id"] for number in pages.page_range for row in pages.page(number).object_list]
        assert seen == [pk for pk, _total in expected]
