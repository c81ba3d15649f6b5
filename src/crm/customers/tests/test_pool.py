"""The public pool (CUS-13): release with a reason, claim under the cap and the cool-down,
supervisors assign, and the daily return job (warn D days before, idempotent)."""

import datetime

import pytest
from django.utils import timezone

from crm.core.errors import Conflict, NotFound, ValidationFailed
from crm.customers.models import Customer, CustomerEvent, EventKind, Pool
from crm.customers.selectors.customers import customer_get
from crm.customers.selectors.pool import pool_customers
from crm.customers.services.activities import followup_create
from crm.customers.services.pool import customer_claim, customer_release, customers_assign_from_pool, pool_return_run
from crm.customers.testing import make_customer, picklist
from crm.notifications.models import Notification


@pytest.fixture
def pool(seeded):
    pool = Pool.objects.get(is_default=True)
    pool.claim_cap, pool.reclaim_days, pool.no_followup_days, pool.warn_days = 3, 30, 30, 5
    pool.save()
    return pool


def test_release_needs_a_reason_and_puts_the_customer_in_the_pool(sales, pool):
    customer = make_customer(manager=sales.manager, name="宁波港联物流有限公司")
    with pytest.raises(ValidationFailed):
        customer_release(actor=sales.manager, customer=customer, reason="  ")
    customer_release(actor=sales.manager, customer=customer, reason="客户已转向其他供应商")
    customer.refresh_from_db()
    assert customer.manager is None and customer.pool == pool and customer.previous_manager == sales.manager
    assert customer.events.filter(kind=EventKind.RELEASED, summary="客户已转向其他供应商").exists()
    # Still visible to the manager through the pool, and to a colleague of the pool's departments.
    assert customer_get(user=sales.colleague, pk=customer.pk) == customer
    assert list(pool_customers(user=sales.colleague)) == [customer]


def test_claim_respects_the_cap_and_the_cool_down(sales, pool):
    released = []
    for name in ["甲方一号科技有限公司", "乙方二号贸易有限公司"]:
        customer = make_customer(manager=sales.manager, name=name)
        customer_release(actor=sales.manager, customer=customer, reason="无需求")
        released.append(customer)
    with pytest.raises(Conflict) as caught:
        customer_claim(actor=sales.manager, customer=released[0])
    assert caught.value.code == "reclaim_too_soon"
    for name in ["丙方三号电子有限公司", "丁方四号机械有限公司", "戊方五号医药有限公司"]:
        make_customer(manager=sales.colleague, name=name)
    with pytest.raises(Conflict) as caught:
        customer_claim(actor=sales.colleague, customer=released[0])
    assert caught.value.code == "claim_cap"
    claimed = customer_claim(actor=sales.supervisor, customer=released[0])
    assert claimed.manager == sales.supervisor and claimed.pool is None
    with pytest.raises(Conflict) as caught:
        customer_claim(actor=sales.other, customer=released[0])
    assert caught.value.code == "claimed"


def test_a_pool_serving_other_departments_is_closed(sales, pool, org):
    shanghai_pool = Pool.objects.create(name="上海公海", no_followup_days=30)
    shanghai_pool.departments.set([org.shanghai])
    customer = make_customer(manager=sales.manager, name="上海临港装备有限公司")
    customer_release(actor=sales.manager, customer=customer, reason="无需求")
    customer.refresh_from_db()
    assert customer.pool == shanghai_pool  # the nearest pool above the manager's department
    with pytest.raises(NotFound):
        customer_claim(actor=sales.other, customer=customer)  # 深圳 is not served by it
    with pytest.raises(NotFound):
        customer_get(user=sales.other, pk=customer.pk)


def test_supervisors_assign_pool_customers_within_their_scope(sales, pool):
    customers = []
    for name in ["金华一号纺织有限公司", "金华二号五金有限公司"]:
        customer = make_customer(manager=sales.manager, name=name)
        customer_release(actor=sales.manager, customer=customer, reason="整理")
        customers.append(customer)
    with pytest.raises(ValidationFailed):
        customers_assign_from_pool(actor=sales.supervisor, customers=customers, manager=sales.other)  # not in scope
    moved = customers_assign_from_pool(actor=sales.supervisor, customers=customers, manager=sales.colleague)
    assert moved == 2
    assert set(Customer.objects.filter(manager=sales.colleague).values_list("name", flat=True)) == {
        "金华一号纺织有限公司",
        "金华二号五金有限公司",
    }
    assert Notification.objects.filter(recipient=sales.colleague, kind="customers.assigned").exists()


def test_the_daily_return_warns_then_returns_and_is_idempotent(sales, pool):
    now = timezone.now()
    stale = make_customer(manager=sales.manager, name="衢州老客户化工有限公司")
    soon = make_customer(manager=sales.manager, name="丽水将到期农业有限公司")
    fresh = make_customer(manager=sales.manager, name="台州新客户汽配有限公司")
    Customer.objects.filter(pk=stale.pk).update(owned_since=now - datetime.timedelta(days=40))
    Customer.objects.filter(pk=soon.pk).update(owned_since=now - datetime.timedelta(days=27))
    followup_create(
        actor=sales.manager, customer=fresh, data={"method": picklist("followup_method"), "content": "电话联系"}
    )
    Customer.objects.filter(pk=fresh.pk).update(owned_since=now - datetime.timedelta(days=60))

    first = pool_return_run(now=now)
    assert first == {"returned": 1, "warned": 1}
    stale.refresh_from_db()
    soon.refresh_from_db()
    assert stale.manager is None and stale.pool == pool and stale.previous_manager == sales.manager
    assert soon.manager == sales.manager and soon.pool_warned_at is not None
    assert Notification.objects.filter(recipient=sales.manager, kind="customers.pool").count() == 2
    assert CustomerEvent.objects.filter(customer=stale, kind=EventKind.RETURNED).count() == 1

    assert pool_return_run(now=now) == {"returned": 0, "warned": 0}  # idempotent
    assert Notification.objects.filter(recipient=sales.manager, kind="customers.pool").count() == 2
    # A follow-up resets the clock and the warning.
    followup_create(
        actor=sales.manager, customer=soon, data={"method": picklist("followup_method"), "content": "上门拜访"}
    )
    soon.refresh_from_db()
    assert soon.pool_warned_at is None
    assert pool_return_run(now=now + datetime.timedelta(days=5)) == {"returned": 0, "warned": 0}
