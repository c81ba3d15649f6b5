"""Suspension measures and the confirmation (CHURN-2, CHURN-3), what closes a warning (orders
coming in, a merge), the customer's status at each step, permissions and races."""

import datetime

import pytest

from crm.audit.models import AuditEvent
from crm.churn import services
from crm.churn.models import ChurnWarning, CustomerValue, SuspensionMeasure, WarningState
from crm.churn.tests.conftest import OLD, TODAY, warned
from crm.core.errors import Conflict, PermissionDenied, ValidationFailed
from crm.core.states import IllegalTransition
from crm.customers.models import Customer, CustomerEvent, CustomerStatus
from crm.customers.services.merge import customers_merge
from crm.customers.testing import make_customer
from crm.orders import extensions as orders
from crm.orders.testing import make_order


def _status(customer) -> str:
    return Customer.objects.get(pk=customer.pk).status


def test_measures_suspend_then_confirm_makes_the_customer_lost(sales, customer):
    warning = warned(customer)
    assert _status(customer) == CustomerStatus.CHURN_WARNING
    services.measure_add(actor=sales.manager, warning=warning, text="电话拜访采购经理，了解到预算冻结")
    warning.refresh_from_db()
    assert warning.state == WarningState.SUSPENDED and warning.suspended_at is not None
    assert _status(customer) == CustomerStatus.CHURN_SUSPENDED
    services.measure_add(actor=sales.manager, warning=warning, text="提供季度折扣方案")
    assert [m.text for m in SuspensionMeasure.objects.filter(warning=warning)] == [
        "电话拜访采购经理，了解到预算冻结", "提供季度折扣方案"
    ]
    assert all(m.created_by == sales.manager for m in SuspensionMeasure.objects.all())

    services.warning_confirm(actor=sales.manager, warning=warning, reason="客户已被竞争对手收购")
    warning.refresh_from_db()
    assert warning.state == WarningState.CONFIRMED and warning.reason == "客户已被竞争对手收购"
    assert warning.confirmed_by == sales.manager and warning.confirmed_at is not None
    assert _status(customer) == CustomerStatus.LOST
    kinds = set(CustomerEvent.objects.filter(customer=customer).values_list("kind", flat=True))
    assert {"churn.warn", "churn.measure", "churn.confirm", "status"} <= kinds
    assert AuditEvent.objects.filter(object_id=str(warning.pk), changes__state=["suspended", "confirmed"]).exists()


def test_confirm_needs_a_measure_first_and_a_reason(sales, customer):
    warning = warned(customer)
    with pytest.raises(IllegalTransition):
        services.warning_confirm(actor=sales.manager, warning=warning, reason="客户倒闭")
    services.measure_add(actor=sales.manager, warning=warning, text="上门拜访")
    with pytest.raises(ValidationFailed) as refused:
        services.warning_confirm(actor=sales.manager, warning=warning, reason="   ")
    assert "reason" in refused.value.fields
    warning.refresh_from_db()
    assert warning.state == WarningState.SUSPENDED and _status(customer) == CustomerStatus.CHURN_SUSPENDED


def test_no_measure_on_a_confirmed_or_closed_warning_and_no_empty_measure(sales, customer):
    warning = warned(customer)
    with pytest.raises(ValidationFailed):
        services.measure_add(actor=sales.manager, warning=warning, text="")
    services.measure_add(actor=sales.manager, warning=warning, text="上门拜访")
    services.warning_confirm(actor=sales.manager, warning=warning, reason="客户倒闭")
    with pytest.raises(IllegalTransition):
        services.measure_add(actor=sales.manager, warning=warning, text="再试一次")
    assert SuspensionMeasure.objects.count() == 1


def test_a_stale_warning_is_told_it_moved_on(sales, customer):
    """Two people on one warning: the second acts on what they read before the first confirmed."""
    warning = warned(customer)
    services.measure_add(actor=sales.manager, warning=warning, text="上门拜访")
    stale = ChurnWarning.objects.get(pk=warning.pk)
    services.warning_confirm(actor=sales.supervisor, warning=warning, reason="客户倒闭")
    with pytest.raises(Conflict):
        services.measure_add(actor=sales.manager, warning=stale, text="迟到的措施")
    with pytest.raises(Conflict):
        services.warning_confirm(actor=sales.manager, warning=stale, reason="重复确认")
    assert SuspensionMeasure.objects.count() == 1
    assert ChurnWarning.objects.get(pk=warning.pk).confirmed_by == sales.supervisor


def test_only_the_scope_and_the_functions_allow_it(sales, customer, far_customer):
    warning = warned(customer)
    with pytest.raises(PermissionDenied):
        services.measure_add(actor=sales.other, warning=warning, text="不是我的客户")
    with pytest.raises(PermissionDenied):  # executives read, they do not act
        services.measure_add(actor=sales.executive, warning=warning, text="高管")
    services.measure_add(actor=sales.supervisor, warning=warning, text="主管介入")  # the manager's superior
    with pytest.raises(PermissionDenied):
        services.warning_confirm(actor=sales.colleague, warning=warning, reason="同事")
    assert ChurnWarning.objects.get(pk=warning.pk).state == WarningState.SUSPENDED


def test_ordering_again_closes_the_warning_and_restores_normal(sales, customer):
    warning = warned(customer)
    services.measure_add(actor=sales.manager, warning=warning, text="上门拜访")
    make_order(customer, ordered_on=OLD - datetime.timedelta(days=30))  # an old order sent late: still churned
    assert orders.customers_ordered([customer.pk]) is None
    assert ChurnWarning.objects.get(pk=warning.pk).state == WarningState.SUSPENDED
    make_order(customer, ordered_on=TODAY, status=3)  # not shipped or paid yet
    orders.customers_ordered([customer.pk])
    assert ChurnWarning.objects.get(pk=warning.pk).state == WarningState.SUSPENDED
    make_order(customer, ordered_on=TODAY, status=6)
    orders.customers_ordered([customer.pk])
    warning.refresh_from_db()
    assert warning.state == WarningState.CLOSED and warning.closed_at is not None
    assert _status(customer) == CustomerStatus.NORMAL
    assert CustomerEvent.objects.filter(customer=customer, kind="churn.close", data__warning=warning.pk).exists()
    assert AuditEvent.objects.filter(object_id=str(warning.pk), changes__state=["suspended", "closed"]).exists()


def test_a_lost_customer_who_orders_again_is_back_to_normal(sales, customer):
    warning = warned(customer)
    services.measure_add(actor=sales.manager, warning=warning, text="上门拜访")
    services.warning_confirm(actor=sales.manager, warning=warning, reason="客户转向竞品")
    make_order(customer, ordered_on=TODAY)
    orders.customers_ordered([customer.pk])
    assert _status(customer) == CustomerStatus.NORMAL
    assert ChurnWarning.objects.get(pk=warning.pk).state == WarningState.CONFIRMED  # kept as history


def test_the_hook_runs_inside_the_order_writers_call_for_many_customers_at_once(sales, customer):
    others = [make_customer(manager=sales.manager, name=f"批量客户{n}有限公司") for n in range(3)]
    for made in [customer, *others]:
        make_order(made, ordered_on=OLD)
    from crm.churn.scan import churn_scan

    churn_scan(today=TODAY)
    for made in [customer, others[0]]:
        make_order(made, ordered_on=TODAY)
    orders.customers_ordered([c.pk for c in [customer, *others]])
    states = dict(ChurnWarning.objects.values_list("customer_id", "state"))
    assert states[customer.pk] == states[others[0].pk] == WarningState.CLOSED
    assert states[others[1].pk] == states[others[2].pk] == WarningState.OPEN
    assert _status(others[1]) == CustomerStatus.CHURN_WARNING and _status(customer) == CustomerStatus.NORMAL


def test_a_merge_keeps_one_active_warning_and_drops_the_merged_values(sales, customer):
    twin = make_customer(manager=sales.manager, name="上海浦江电子科技有限公司")
    for made in (customer, twin):
        make_order(made, ordered_on=OLD)
    from crm.churn.scan import churn_scan

    churn_scan(today=TODAY)
    now = datetime.datetime(2026, 8, 31, tzinfo=datetime.UTC)
    for made in (customer, twin):
        CustomerValue.objects.create(
            customer=made, orders=1, first_order_on=OLD, last_order_on=OLD, spend=100, p_alive=0.2,
            expected_orders=0.1, expected_spend=10, refreshed_at=now,
        )
    twin_warning = twin.churn_warnings.get()
    customers_merge(actor=sales.supervisor, target=customer, others=[twin])
    warnings = ChurnWarning.objects.filter(customer=customer)
    assert warnings.count() == 2 and warnings.filter(state__in=["open", "suspended"]).count() == 1
    assert ChurnWarning.objects.get(pk=twin_warning.pk).state == WarningState.CLOSED
    assert list(CustomerValue.objects.values_list("customer_id", flat=True)) == [customer.pk]
