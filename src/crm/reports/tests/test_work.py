"""The work report (RPT-5) and the dashboard computed two ways: through the report, and through a
loop written here over every record, the scopes spelled out by hand; for a manager, a supervisor
and an executive, whose numbers differ."""

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest

from crm.customers.models import Customer, FollowUp
from crm.identity.models import User
from crm.opportunities.models import Opportunity, PlanItem
from crm.reports import dashboard, work
from crm.reports.periods import Period, dashboard_periods
from crm.reports.testing_sales import MONTH
from crm.service.models import Service

pytestmark = pytest.mark.django_db

PERIODS = (Period(*MONTH), Period(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)),
           Period(datetime.date(2026, 11, 30), datetime.date(2026, 11, 30)),
           # Whole months from the follow-up tally for the executive, and days around them (ADR 0027).
           Period(datetime.date(2025, 11, 25), datetime.date(2026, 11, 9)))


def viewers(data):
    sales = data.sales
    return {"manager": sales.manager, "supervisor": sales.supervisor, "executive": sales.executive}


def reaches(viewer, person) -> bool:
    """Whose work the viewer reads: the manager their own, the supervisor their subtree's, the
    executive everyone's."""
    if person is None:
        return False
    if viewer.username == "mgr":
        return person == viewer
    if viewer.username == "sup":
        return person == viewer or (person.department is not None
                                    and person.department.path.startswith(viewer.department.path))
    return True


def sees_customer(viewer, customer) -> bool:
    if customer is None:
        return False
    return reaches(viewer, customer.manager)


def sees_opportunity(viewer, opportunity) -> bool:
    return (reaches(viewer, opportunity.owner) or reaches(viewer, opportunity.created_by)
            or sees_customer(viewer, opportunity.customer))


def sees_service(viewer, service) -> bool:
    return (sees_customer(viewer, service.customer) or reaches(viewer, service.created_by)
            or reaches(viewer, service.assignee))


def local_day(moment) -> datetime.date:
    from django.utils import timezone

    return timezone.localtime(moment).date()


def expected(viewer, period: Period, group: str = "person") -> dict:
    """{key: {measure: value}}, by looping over every record."""
    values = defaultdict(lambda: defaultdict(int))
    contacted = defaultdict(set)

    def key(person):
        return person.pk if group == "person" else person.department_id

    def inside(moment):
        return moment is not None and period.start <= local_day(moment) <= period.end

    for customer in Customer.objects.all():
        if inside(customer.created_at) and reaches(viewer, customer.manager) and sees_customer(viewer, customer):
            values[key(customer.manager)]["new_customers"] += 1
    for followup in FollowUp.objects.all():
        if inside(followup.followed_at) and reaches(viewer, followup.created_by) and sees_customer(
            viewer, followup.customer
        ):
            values[key(followup.created_by)]["followups"] += 1
            contacted[key(followup.created_by)].add(followup.customer_id)
    for item in PlanItem.objects.all():
        owner = item.opportunity.owner
        if inside(item.result_at) and reaches(viewer, owner) and sees_opportunity(viewer, item.opportunity):
            values[key(owner)]["plan_items_done"] += 1
    for opportunity in Opportunity.objects.all():
        if not sees_opportunity(viewer, opportunity):
            continue
        if inside(opportunity.created_at) and reaches(viewer, opportunity.created_by):
            values[key(opportunity.created_by)]["new_opportunities"] += 1
        if opportunity.status == "won" and inside(opportunity.closed_at) and reaches(viewer, opportunity.owner):
            values[key(opportunity.owner)]["won_amount"] += opportunity.expected_amount or 0
    for service in Service.objects.all():
        if inside(service.handled_at) and reaches(viewer, service.handled_by) and sees_service(viewer, service):
            values[key(service.handled_by)]["services_handled"] += 1
    for who, customers in contacted.items():
        values[who]["customers_contacted"] = len(customers)
    return {who: {m.key: values[who][m.key] for m in work.MEASURES} for who in values}


def test_the_work_report_matches_a_plain_loop_for_each_scope(sales_data):
    seen = {}
    for role, viewer in viewers(sales_data).items():
        for period in PERIODS:
            for group in ("person", "team"):
                report = work.work_report(user=viewer, period=period, group=group)
                got = {row.key: row.values for row in report.rows}
                assert got == expected(viewer, period, group), (role, period, group)
                for measure in work.MEASURES:
                    if measure.additive:
                        assert report.totals[measure.key] == sum(v[measure.key] for v in got.values())
        seen[role] = work.work_report(user=viewer, period=PERIODS[0]).totals
    # The scopes differ, and so do the numbers.
    assert seen["manager"]["followups"] < seen["supervisor"]["followups"] < seen["executive"]["followups"]
    assert seen["manager"]["won_amount"] == Decimal("120000.50")
    assert seen["executive"]["won_amount"] == Decimal("220000.50")


def test_a_teams_customers_contacted_counts_a_customer_once(sales_data):
    viewer = sales_data.sales.executive
    report = work.work_report(user=viewer, period=PERIODS[0], group="team")
    sales1 = sales_data.sales.manager.department_id
    row = next(row for row in report.rows if row.key == sales1)
    # 刘洋 and 周杰 both reached 上海浦江电子: the team reached 5 different customers, not 6.
    people = work.work_report(user=viewer, period=PERIODS[0], team=sales1)
    assert sum(r.values["customers_contacted"] for r in people.rows) == 6
    assert row.values["customers_contacted"] == 5
    assert {r.key for r in people.rows} <= set(User.objects.filter(department_id=sales1).values_list("pk", flat=True))


def test_the_dashboard_sums_the_same_measures_for_each_period(sales_data):
    today = datetime.date(2026, 11, 30)
    for viewer in viewers(sales_data).values():
        cards = dashboard.dashboard(user=viewer, today=today)
        for card, compared in zip(cards, dashboard_periods(today), strict=True):
            for figure in card.figures:
                for period, value in ((compared.current, figure.current), (compared.previous, figure.previous)):
                    plain = sum(v[figure.key] for v in expected(viewer, period).values())
                    assert value == plain, (viewer.username, card.key, figure.key, period)


def test_leaderboards_rank_the_largest_first(sales_data):
    viewer = sales_data.sales.executive
    board = work.leaderboard("won_amount", user=viewer, period=PERIODS[0])
    assert [row.name for row in board] == ["刘洋", "陈静", "周杰"]
    assert [row.values["won_amount"] for row in board] == [Decimal("120000.50"), Decimal("70000.00"),
                                                            Decimal("30000.00")]
