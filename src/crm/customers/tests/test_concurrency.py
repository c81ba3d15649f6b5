"""Races that must end with one winner (CUS-13, CUS-8): 20 managers claim the same pool customer
at the same moment; 20 creates of the same company under a "block" rule."""

import threading

import pytest
from django.db import connection, connections

from crm.core.errors import Conflict
from crm.customers.models import Customer, Pool
from crm.customers.seeding import seed_all
from crm.customers.services.duplicates import duplicate_rule_set
from crm.customers.services.pool import customer_claim, customer_release
from crm.customers.testing import make_customer
from crm.testing import make_user

RACERS = 20


def _race(target, args_list):
    """Run target(*args) in RACERS threads released together; collect results or errors."""
    barrier = threading.Barrier(len(args_list))
    outcomes = [None] * len(args_list)

    def run(index, args):
        try:
            barrier.wait(timeout=30)
            outcomes[index] = ("ok", target(*args))
        except Conflict as exc:
            outcomes[index] = ("conflict", exc.code)
        except Exception as exc:
            outcomes[index] = ("error", repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, args)) for i, args in enumerate(args_list)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


@pytest.fixture
def racers(transactional_db, org):
    seed_all()
    return [make_user(f"racer{i}", role="manager", department=org.sales1) for i in range(RACERS)]


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_claims_end_with_one_owner(racers):
    owner = racers[0]
    customer = make_customer(manager=owner, name="宁波港联物流有限公司")
    customer_release(actor=owner, customer=customer, reason="客户暂无需求")
    Pool.objects.update(reclaim_days=0)
    connection.close()

    outcomes = _race(lambda user: customer_claim(actor=user, customer=customer).manager_id, [(u,) for u in racers])

    winners = [value for kind, value in outcomes if kind == "ok"]
    assert len(winners) == 1, outcomes
    assert all(kind == "conflict" and value == "claimed" for kind, value in outcomes if kind != "ok"), outcomes
    customer.refresh_from_db()
    assert customer.manager_id == winners[0] and customer.pool_id is None
    assert customer.events.filter(kind="claimed").count() == 1


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_creates_under_block_make_one_customer(racers):
    admin = make_user("root", is_superuser=True)
    duplicate_rule_set(actor=admin, kind="name", mode="block")
    connection.close()
    names = ["温州正泰电气股份有限公司", "正泰电气有限公司", "温州 正泰电气（集团）有限公司", "正泰电气"]

    outcomes = _race(
        lambda user, name: make_customer(manager=user, name=name, confirm=True).pk,
        [(user, names[i % len(names)]) for i, user in enumerate(racers)],
    )

    created = [value for kind, value in outcomes if kind == "ok"]
    assert len(created) == 1, outcomes
    assert all(kind == "conflict" and value == "duplicate" for kind, value in outcomes if kind != "ok"), outcomes
    assert Customer.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_unconfirmed_creates_under_warn_make_one_customer(racers):
    """Issue 12 #2: an unconfirmed create never passes the check because its twin was being
    written at the same moment; each of the others hears of the duplicate."""
    admin = make_user("root", is_superuser=True)
    duplicate_rule_set(actor=admin, kind="name", mode="warn")
    duplicate_rule_set(actor=admin, kind="phone", mode="warn")
    connection.close()

    outcomes = _race(
        lambda user: make_customer(manager=user, name="宁波港联物流有限公司", phone="13812345678", confirm=False).pk,
        [(user,) for user in racers],
    )

    created = [value for kind, value in outcomes if kind == "ok"]
    assert len(created) == 1, outcomes
    assert {value for kind, value in outcomes if kind != "ok"} == {"duplicate_warning"}, outcomes
    assert Customer.objects.count() == 1
