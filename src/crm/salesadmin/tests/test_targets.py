"""Targets against actuals (issue 18 §1, done means): attainment equals a straightforward count of
the records for a salesperson, a team (销售一部) and a branch (上海分公司); targets are set and scored
by the superior only; the department tree adds its people's targets; out of scope is 404."""

import datetime
from decimal import Decimal

import pytest

from crm.core.errors import NotFound, PermissionDenied
from crm.salesadmin.periods import month, quarter
from crm.salesadmin.selectors.targets import board, percent
from crm.salesadmin.services.targets import review_save, target_set
from crm.salesadmin.tests.work_data import NOVEMBER, independent, make_work
from crm.testing import api_client, api_error

pytestmark = pytest.mark.django_db

MGR_TARGET = {"won_amount": "200000", "received": "100000", "new_customers": 4, "followups": 10}
COLLEAGUE_TARGET = {"won_amount": "100000", "received": "30000", "new_customers": 2, "followups": 5}
BRANCH_TARGET = {"won_amount": "500000", "received": "200000", "new_customers": 10, "followups": 30}


@pytest.fixture
def targets(sales, org):
    make_work(sales)
    target_set(actor=sales.supervisor, month=NOVEMBER, user=sales.manager, data=MGR_TARGET)
    target_set(actor=sales.supervisor, month=NOVEMBER, user=sales.colleague, data=COLLEAGUE_TARGET)
    target_set(actor=sales.executive, month=NOVEMBER, user=sales.supervisor, data=COLLEAGUE_TARGET)
    target_set(actor=sales.supervisor, month=NOVEMBER, department=org.sales1,
               data={"won_amount": "250000", "received": "120000", "new_customers": 5, "followups": 12})
    target_set(actor=sales.executive, month=NOVEMBER, department=org.shanghai, data=BRANCH_TARGET)


def _expected(target: dict, actual: dict) -> dict:
    return {key: (Decimal(actual[key]) * 100 / Decimal(str(target[key]))).quantize(Decimal("0.1"))
            for key in actual}


def test_attainment_equals_an_independent_count(sales, org, targets):
    period = month(NOVEMBER)
    found = board(user=sales.executive, period=period)
    people = {line.key: line for line in found["people"]}
    departments = {line.key: line for line in found["departments"]}

    mine = independent({sales.manager.pk}, period.start, period.end)
    assert mine == {"won_amount": Decimal("150000.50"), "received": Decimal("70000"), "new_customers": 2,
                    "followups": 3}  # the data is what the test means it to be
    assert people[sales.manager.pk].actual == mine
    assert people[sales.manager.pk].attainment == _expected(MGR_TARGET, mine)

    team = independent({sales.manager.pk, sales.colleague.pk}, period.start, period.end)
    assert departments[org.sales1.id].actual == team
    assert departments[org.sales1.id].target["won_amount"] == Decimal("250000")
    assert departments[org.sales1.id].below["won_amount"] == Decimal("300000")  # 200,000 + 100,000

    branch = independent({sales.manager.pk, sales.colleague.pk, sales.supervisor.pk}, period.start, period.end)
    assert departments[org.shanghai.id].actual == branch
    assert departments[org.shanghai.id].attainment == _expected(BRANCH_TARGET, branch)
    assert departments[org.shanghai.id].below["followups"] == 20  # 10 + 5 + 5


def test_a_quarter_adds_up_its_months(sales, targets):
    target_set(actor=sales.supervisor, month=datetime.date(2026, 12, 1), user=sales.manager, data=MGR_TARGET)
    period = quarter(NOVEMBER)
    line = {x.key: x for x in board(user=sales.supervisor, period=period)["people"]}[sales.manager.pk]
    assert line.target["won_amount"] == Decimal("400000") and line.target["followups"] == 20
    assert line.actual == independent({sales.manager.pk}, period.start, period.end)


def test_the_supervisor_sees_the_subtree_only(sales, org, targets):
    found = board(user=sales.supervisor, period=month(NOVEMBER))
    assert {line.key for line in found["people"]} == {sales.supervisor.pk, sales.manager.pk, sales.colleague.pk}
    assert {line.key for line in found["departments"]} == {org.shanghai.pk, org.sales1.pk}
    mine = board(user=sales.manager, period=month(NOVEMBER))
    assert [line.key for line in mine["people"]] == [sales.manager.pk] and not mine["departments"]


def test_only_the_superior_sets_and_scores(sales, org, targets):
    with pytest.raises(PermissionDenied):
        target_set(actor=sales.supervisor, month=NOVEMBER, user=sales.supervisor, data=MGR_TARGET)
    with pytest.raises(PermissionDenied):
        target_set(actor=sales.supervisor, month=NOVEMBER, department=org.shanghai, data=MGR_TARGET)
    with pytest.raises(NotFound):
        target_set(actor=sales.supervisor, month=NOVEMBER, user=sales.other, data=MGR_TARGET)
    with pytest.raises(PermissionDenied):
        target_set(actor=sales.manager, month=NOVEMBER, user=sales.colleague, data=MGR_TARGET)
    review = review_save(actor=sales.supervisor, user=sales.manager, month=NOVEMBER, score=88, comment="回款及时")
    again = review_save(actor=sales.supervisor, user=sales.manager, month=datetime.date(2026, 11, 20), score=90)
    assert again.pk == review.pk and again.score == 90
    with pytest.raises(PermissionDenied):
        review_save(actor=sales.manager, user=sales.manager, month=NOVEMBER, score=100)


def test_api_board_targets_and_errors(sales, org, targets):
    client = api_client(sales.supervisor)
    body = client.get("/api/v1/sales-targets-board/?month=2026-11-01").json()
    manager = next(line for line in body["people"] if line["id"] == sales.manager.pk)
    expected = _expected(MGR_TARGET, independent({sales.manager.pk}, NOVEMBER, month(NOVEMBER).end))
    assert {m["key"]: Decimal(m["attainment"]) for m in manager["measures"]} == expected
    listed = client.get("/api/v1/sales-targets/").json()
    assert listed["count"] == 5  # three people's and two departments' (上海分公司 and 销售一部)
    api_error(client.post("/api/v1/sales-targets/", {"month": "2026-11-01", "user": sales.other.pk,
                                                     "won_amount": "1"}), 404)
    api_error(client.post("/api/v1/sales-targets/", {"month": "2026-11-01", "user": sales.manager.pk,
                                                     "won_amount": "-5"}), 400, "validation_error")
    api_error(client.post("/api/v1/sales-targets/", {"month": "x"}), 400, "validation_error")
    api_error(client.get("/api/v1/sales-targets-board/?span=decade"), 400, "validation_error")
    api_error(client.get(f"/api/v1/sales-targets-board/?department={org.shenzhen.pk}"), 404)
    api_error(api_client(sales.manager).post("/api/v1/sales-targets/", {"month": "2026-11-01"}), 403)
    reviewed = client.post("/api/v1/monthly-reviews/", {"user": sales.manager.pk, "month": "2026-11-01",
                                                        "score": 75})
    assert reviewed.status_code == 200 and reviewed.json()["score"] == 75
    api_error(client.post("/api/v1/monthly-reviews/", {"user": sales.manager.pk, "month": "2026-11-01",
                                                       "score": 101}), 400)


def test_board_queries_do_not_grow_with_people(sales, org, targets, django_assert_max_num_queries):
    from crm.access.engine import access_for

    access_for(sales.executive)
    with django_assert_max_num_queries(12):
        board(user=sales.executive, period=month(NOVEMBER))


def test_percent():
    assert percent(Decimal("50"), Decimal("200")) == Decimal("25.0") and percent(5, 0) is None
