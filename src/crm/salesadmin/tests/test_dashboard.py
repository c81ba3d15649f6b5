"""The management dashboard's targets block (issue 18, "targets on the management dashboard"): the
targets of everyone the viewer reaches added up against their actuals this month, quarter and year,
equal to a count of the records row by row; a supervisor and an executive reach different people and
see different numbers; the page and the dashboard's API show it."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from crm.salesadmin.periods import SPANS, month
from crm.salesadmin.selectors.targets import team_progress
from crm.salesadmin.services.targets import target_set
from crm.salesadmin.tests.test_targets import COLLEAGUE_TARGET, MGR_TARGET
from crm.salesadmin.tests.work_data import NOVEMBER, independent, make_work

pytestmark = pytest.mark.django_db

OTHER_TARGET = {"won_amount": "90000", "received": "50000", "new_customers": 3, "followups": 6}
DAY = datetime.date(2026, 11, 20)


def _set_targets(sales, first_day):
    target_set(actor=sales.supervisor, month=first_day, user=sales.manager, data=MGR_TARGET)
    target_set(actor=sales.supervisor, month=first_day, user=sales.colleague, data=COLLEAGUE_TARGET)
    target_set(actor=sales.executive, month=first_day, user=sales.other, data=OTHER_TARGET)


def _expected(people, targets: list[dict], today) -> dict:
    """{period: {measure: (target, actual, attainment)}} counted in Python."""
    found = {}
    for name, span in SPANS.items():
        period = span(today)
        actual = independent({p.pk for p in people}, period.start, period.end)
        found[name] = {}
        for key, value in actual.items():
            target = sum((Decimal(str(t[key])) for t in targets), Decimal(0))
            found[name][key] = (target, value, (Decimal(value) * 100 / target).quantize(Decimal("0.1")))
    return found


def _found(block) -> dict:
    return {period["key"]: {m["key"]: (Decimal(m["target"]), m["actual"], m["attainment"]) for m in period["measures"]}
            for period in block["periods"]}


def test_the_block_equals_an_independent_count_for_each_scope(sales):
    make_work(sales)
    _set_targets(sales, NOVEMBER)
    target_set(actor=sales.supervisor, month=datetime.date(2026, 12, 1), user=sales.manager, data=MGR_TARGET)

    team = [sales.supervisor, sales.manager, sales.colleague]  # the supervisor's subtree (上海分公司)
    supervisor = _found(team_progress(user=sales.supervisor, today=DAY))
    expected = _expected(team, [MGR_TARGET, COLLEAGUE_TARGET], DAY)
    assert supervisor["month"] == expected["month"]
    assert supervisor["month"]["won_amount"][1] == Decimal("240000.50")  # 120,000 + 30,000.50 + 80,000 + 10,000
    # December's target (the manager's) is in the quarter and the year, not in November.
    assert supervisor["quarter"]["won_amount"][0] == Decimal("500000")
    assert {k: v[1] for k, v in supervisor["quarter"].items()} == {k: v[1] for k, v in expected["quarter"].items()}
    assert {k: v[1] for k, v in supervisor["year"].items()} == {k: v[1] for k, v in expected["year"].items()}

    everyone = [*team, sales.other, sales.executive]
    executive = _found(team_progress(user=sales.executive, today=DAY))
    assert executive["month"] == _expected(everyone, [MGR_TARGET, COLLEAGUE_TARGET, OTHER_TARGET], DAY)["month"]
    assert executive["month"] != supervisor["month"]  # Shenzhen's manager adds a target and work
    assert executive["month"]["won_amount"][1] == Decimal("310000.50")


def test_the_block_is_left_out_without_targets(sales):
    make_work(sales)
    assert team_progress(user=sales.supervisor, today=DAY) is None
    target_set(actor=sales.executive, month=NOVEMBER, user=sales.other, data=OTHER_TARGET)
    assert team_progress(user=sales.supervisor, today=DAY) is None  # not in the supervisor's reach
    assert team_progress(user=sales.executive, today=DAY) is not None


def test_the_dashboard_page_and_api_show_the_block(client, sales):
    today = timezone.localdate()
    _set_targets(sales, month(today).start)
    client.force_login(sales.supervisor)
    page = client.get(reverse("reports:dashboard")).content.decode()
    assert 'data-testid="dashboard-targets"' in page and page.count('data-testid="dashboard-target"') == 12
    block = client.get("/api/v1/reports/dashboard/").json()["blocks"]["salesadmin.targets"]
    assert [p["key"] for p in block["periods"]] == ["month", "quarter", "year"]
    won = block["periods"][0]["measures"][0]
    assert won["key"] == "won_amount" and Decimal(won["target"]) == Decimal("300000")  # money as a string
    assert won["actual"] == "0.00" and won["attainment"] == "0.0"
    client.force_login(sales.executive)
    block = client.get("/api/v1/reports/dashboard/").json()["blocks"]["salesadmin.targets"]
    assert Decimal(block["periods"][0]["measures"][0]["target"]) == Decimal("390000")


def test_the_block_costs_a_fixed_number_of_queries(sales, make_user, org, django_assert_num_queries):
    _set_targets(sales, NOVEMBER)
    team_progress(user=sales.executive, today=DAY)
    for index in range(5):
        make_user(f"extra{index}", role="manager", department=org.sales1)
    # the people, the targets, then one per measure; follow-ups one per period (month, quarter,
    # year), the longer two read from the follow-up tally (ADR 0027)
    with django_assert_num_queries(8):
        team_progress(user=sales.executive, today=DAY)
