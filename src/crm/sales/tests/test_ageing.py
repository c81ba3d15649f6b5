"""The receivables ageing report against a straightforward computation in Python, for a manager,
a supervisor and an executive (different scopes, different numbers); payment reminders sent once."""

import datetime
from decimal import Decimal

import pytest

from crm.customers.services.contracts import contract_create
from crm.customers.testing import make_customer
from crm.notifications.models import Notification
from crm.sales import jobs, selectors
from crm.sales.models import PaymentPlan
from crm.sales.services.payments import plan_create, receipt_create
from crm.sales.tests.conftest import TODAY

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def book(sales):
    """Three customers of three managers, instalments due on both sides of every bucket's edge."""
    offsets = [-5, 0, 1, 30, 31, 60, 61, 90, 91, 400]  # days past due (negative: not yet due)
    for number, manager in enumerate((sales.manager, sales.colleague, sales.other)):
        customer = make_customer(manager=manager, name=f"账龄测试客户{number}有限公司")
        contract = contract_create(actor=manager, customer=customer, data={"title": "合同", "amount": Decimal("1e6")})
        for index, offset in enumerate(offsets):
            plan_create(actor=manager, contract=contract, data={
                "amount": Decimal(1000 + 100 * index + number), "due_on": TODAY - offset * DAY})
        receipt_create(actor=manager, contract=contract, data={"amount": "1500", "received_on": TODAY})


def expected(user_ids) -> dict:
    rows = {}
    for plan in PaymentPlan.objects.select_related("contract__customer"):
        if plan.contract.customer.manager_id not in user_ids or plan.received >= plan.amount:
            continue
        late = (TODAY - plan.due_on).days
        bucket = ("not_due" if late < 0 else "d0_30" if late <= 30 else "d31_60" if late <= 60
                  else "d61_90" if late <= 90 else "over_90")
        row = rows.setdefault(plan.contract.customer_id, dict.fromkeys((*selectors.BUCKETS, "total"), Decimal(0)))
        row[bucket] += plan.amount - plan.received
        row["total"] += plan.amount - plan.received
    return rows


@pytest.mark.parametrize(
    ("who", "sees"),
    [("manager", ["manager"]), ("supervisor", ["manager", "colleague"]),
     ("executive", ["manager", "colleague", "other"])],
)
def test_ageing_equals_an_independent_computation(sales, book, who, sees):
    rows = selectors.ageing(user=getattr(sales, who), today=TODAY)
    got = {row["group_id"]: {key: row[key] for key in (*selectors.BUCKETS, "total")} for row in rows}
    assert got == expected({getattr(sales, name).pk for name in sees})
    assert len(got) == len(sees)


def test_by_owner_adds_up_to_the_same_total(sales, book):
    by_customer = selectors.ageing_totals(list(selectors.ageing(user=sales.executive, today=TODAY)))
    by_owner = selectors.ageing_totals(list(selectors.ageing(user=sales.executive, today=TODAY, group="owner")))
    assert by_customer == by_owner and by_customer["total"] > 0


def test_payment_reminders_are_sent_once(sales, book):
    first = jobs.remind(None, today=TODAY)
    # Due within three days: each contract's instalment due today (the one due in five days waits).
    overdue = [p for p in PaymentPlan.objects.all() if p.due_on < TODAY and p.received < p.amount]
    nothing_else = {"quotes": 0, "quotes_expired": 0, "contracts_expiring": 0, "contracts_expired": 0}
    assert first == {"due": 3, "overdue": len(overdue), **nothing_else} and len(overdue) > 3
    assert jobs.remind(None, today=TODAY) == {"due": 0, "overdue": 0, **nothing_else}
    assert Notification.objects.filter(kind="payment").count() == first["due"] + first["overdue"]
