"""The service lifecycle of s003/5 §3.3 (SRV-1…SRV-4) through the services: the status table,
who may create, assign, handle and give feedback, the rounds kept when a dissatisfied customer
sends a service back, audit, timeline and notifications, and the conditional UPDATE that makes
the second of two concurrent steps fail."""

import pytest

from crm.audit.models import AuditEvent
from crm.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from crm.core.states import IllegalTransition
from crm.customers.models import CustomerEvent
from crm.identity.models import UserStatus
from crm.notifications.models import Notification
from crm.service import selectors, services
from crm.service.models import SERVICE_STATES, Service, ServiceRound, ServiceStatus
from crm.service.tests.conftest import data, service_type

S = ServiceStatus


def _new(actor, customer, **changes) -> Service:
    return services.service_create(actor=actor, customer=customer, data=data(**changes))


def _assigned(sales, customer, to=None) -> Service:
    service = _new(sales.manager, customer)
    return services.service_assign(actor=sales.supervisor, service=service, assignee=to or sales.manager)


def _handled(sales, customer) -> Service:
    service = _assigned(sales, customer)
    return services.service_handle(actor=sales.manager, service=service, handling="上门更换主板")


# --- the table ------------------------------------------------------------------------------------------------
LEGAL = {
    ("assign", S.NEW): S.ASSIGNED,
    ("reassign", S.ASSIGNED): S.ASSIGNED,
    ("handle", S.ASSIGNED): S.HANDLED,
    ("archive", S.HANDLED): S.ARCHIVED,
    ("reopen", S.HANDLED): S.ASSIGNED,
}


@pytest.mark.parametrize("action", ["assign", "reassign", "handle", "archive", "reopen"])
@pytest.mark.parametrize("status", list(S))
def test_the_table_allows_exactly_the_steps_of_the_spec(action, status):
    if (action, status) in LEGAL:
        assert SERVICE_STATES.target(status, action) == LEGAL[(action, status)]
    else:
        with pytest.raises(IllegalTransition) as caught:
            SERVICE_STATES.target(status, action)
        assert caught.value.code == "illegal_transition" and caught.value.status == 409


def test_an_archived_service_takes_no_step(sales, customer):
    service = _handled(sales, customer)
    services.service_feedback(actor=sales.manager, service=service, result="客户满意", satisfaction=5)
    with pytest.raises(IllegalTransition):
        services.service_assign(actor=sales.supervisor, service=service, assignee=sales.colleague)
    with pytest.raises(IllegalTransition):
        services.service_handle(actor=sales.manager, service=service, handling="再次处理")
    with pytest.raises(IllegalTransition):
        services.service_feedback(actor=sales.manager, service=service, result="x", satisfaction=1)
    assert Service.objects.get(pk=service.pk).status == S.ARCHIVED


def test_a_new_service_cannot_be_handled_or_followed_up(sales, customer):
    service = _new(sales.manager, customer)
    with pytest.raises(IllegalTransition):
        services.service_handle(actor=sales.supervisor, service=service, handling="直接处理")
    with pytest.raises(IllegalTransition):
        services.service_feedback(actor=sales.manager, service=service, result="x", satisfaction=4)
    assert not ServiceRound.objects.exists()


# --- create (SRV-1) ---------------------------------------------------------------------------------------------
def test_create_numbers_it_and_records_creator_time_and_timeline(sales, customer):
    service = _new(sales.manager, customer)
    assert service.number.startswith("FW") and len(service.number) == 8
    assert service.status == S.NEW and service.created_by == sales.manager and service.created_at
    assert _new(sales.manager, customer).number != service.number
    assert AuditEvent.objects.filter(object_id=str(service.pk), action="create").exists()
    assert CustomerEvent.objects.filter(customer=customer, kind="service.create", data__service=service.pk).exists()


@pytest.mark.parametrize(("field", "value"), [("summary", " "), ("request", ""), ("type", None)])
def test_create_refuses_missing_fields(sales, customer, field, value):
    with pytest.raises(ValidationFailed) as caught:
        _new(sales.manager, customer, **{field: value})
    assert field in caught.value.fields
    assert not Service.objects.exists()


def test_create_refuses_another_category_and_a_customer_out_of_scope(sales, customer, far_customer):
    from crm.customers.testing import picklist

    with pytest.raises(ValidationFailed):
        _new(sales.manager, customer, type=picklist("customer_level"))
    with pytest.raises(ValidationFailed) as caught:
        _new(sales.manager, far_customer)
    assert "customer" in caught.value.fields
    assert not Service.objects.exists()


def test_executive_may_not_create(sales, customer):
    with pytest.raises(PermissionDenied):
        _new(sales.executive, customer)


# --- assign (SRV-2) ---------------------------------------------------------------------------------------------
def test_the_supervisor_assigns_the_time_is_recorded_and_the_person_told(sales, customer):
    service = _assigned(sales, customer, to=sales.colleague)
    stored = Service.objects.get(pk=service.pk)
    assert stored.status == S.ASSIGNED and stored.assignee == sales.colleague
    assert stored.assigned_at and stored.assigned_by == sales.supervisor
    assert Notification.objects.filter(recipient=sales.colleague, kind="service.assigned").count() == 1
    assert CustomerEvent.objects.filter(customer=customer, kind="service.assign").exists()


def test_managers_and_service_agents_may_not_assign(sales, customer, agent):
    service = _new(sales.manager, customer)
    for actor in (sales.manager, agent, sales.executive):
        with pytest.raises(PermissionDenied):
            services.service_assign(actor=actor, service=service, assignee=sales.manager)
    assert Service.objects.get(pk=service.pk).status == S.NEW


def test_only_an_active_user_is_assigned(sales, customer):
    service = _new(sales.manager, customer)
    sales.colleague.status = UserStatus.DISABLED
    sales.colleague.save(update_fields=["status"])
    with pytest.raises(ValidationFailed):
        services.service_assign(actor=sales.supervisor, service=service, assignee=sales.colleague)
    with pytest.raises(ValidationFailed):
        services.service_assign(actor=sales.supervisor, service=service, assignee=None)


def test_an_assigned_service_may_be_given_to_another(sales, customer):
    service = _assigned(sales, customer)
    services.service_assign(actor=sales.supervisor, service=service, assignee=sales.colleague)
    assert Service.objects.get(pk=service.pk).assignee == sales.colleague


# --- handle (SRV-3) ---------------------------------------------------------------------------------------------
def test_the_assignee_handles_handler_and_time_recorded_in_a_round(sales, customer):
    service = _handled(sales, customer)
    stored = Service.objects.get(pk=service.pk)
    assert stored.status == S.HANDLED and stored.handled_by == sales.manager and stored.handled_at
    (round_,) = ServiceRound.objects.filter(service=service)
    assert round_.sequence == 1 and round_.handling == "上门更换主板" and round_.handled_by == sales.manager
    assert round_.satisfaction is None
    assert CustomerEvent.objects.filter(customer=customer, kind="service.handle").exists()


def test_someone_else_may_not_handle_but_the_supervisor_over_the_assignee_may(sales, customer, agent):
    service = _assigned(sales, customer)
    for actor in (sales.colleague, agent):
        with pytest.raises(PermissionDenied):
            services.service_handle(actor=actor, service=service, handling="代为处理")
    with pytest.raises(PermissionDenied):
        services.service_handle(actor=sales.executive, service=service, handling="代为处理")
    services.service_handle(actor=sales.supervisor, service=service, handling="主管代为处理")
    assert Service.objects.get(pk=service.pk).handled_by == sales.supervisor


def test_handling_must_be_described(sales, customer):
    service = _assigned(sales, customer)
    with pytest.raises(ValidationFailed):
        services.service_handle(actor=sales.manager, service=service, handling="  ")
    assert Service.objects.get(pk=service.pk).status == S.ASSIGNED


# --- feedback (SRV-4) -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("satisfaction", [3, 4, 5])
def test_satisfied_archives(sales, customer, satisfaction):
    service = _handled(sales, customer)
    services.service_feedback(actor=sales.manager, service=service, result="问题已解决", satisfaction=satisfaction)
    stored = Service.objects.get(pk=service.pk)
    assert stored.status == S.ARCHIVED and stored.archived_at and stored.satisfaction == satisfaction
    round_ = ServiceRound.objects.get(service=service)
    assert round_.satisfaction == satisfaction and round_.feedback_by == sales.manager and round_.feedback_at
    assert CustomerEvent.objects.filter(customer=customer, kind="service.archive").exists()


@pytest.mark.parametrize("satisfaction", [1, 2])
def test_dissatisfied_goes_back_to_the_assignee_and_keeps_the_round(sales, customer, satisfaction):
    service = _handled(sales, customer)
    Notification.objects.all().delete()
    services.service_feedback(actor=sales.supervisor, service=service, result="仍然死机", satisfaction=satisfaction)
    stored = Service.objects.get(pk=service.pk)
    assert stored.status == S.ASSIGNED and stored.assignee == sales.manager and stored.archived_at is None
    assert Notification.objects.filter(recipient=sales.manager, kind="service.assigned").count() == 1
    services.service_handle(actor=sales.manager, service=stored, handling="更换整机")
    services.service_feedback(actor=sales.manager, service=stored, result="客户满意", satisfaction=4)
    rounds = list(ServiceRound.objects.filter(service=service).order_by("sequence"))
    assert [(r.sequence, r.handling, r.satisfaction, r.result) for r in rounds] == [
        (1, "上门更换主板", satisfaction, "仍然死机"),
        (2, "更换整机", 4, "客户满意"),
    ]
    assert Service.objects.get(pk=service.pk).status == S.ARCHIVED
    kinds = list(CustomerEvent.objects.filter(customer=customer).values_list("kind", flat=True))
    assert kinds.count("service.handle") == 2 and "service.reopen" in kinds


@pytest.mark.parametrize("satisfaction", [0, 6, None, "x"])
def test_feedback_needs_a_satisfaction_from_1_to_5_and_a_result(sales, customer, satisfaction):
    service = _handled(sales, customer)
    with pytest.raises(ValidationFailed):
        services.service_feedback(actor=sales.manager, service=service, result="好", satisfaction=satisfaction)
    with pytest.raises(ValidationFailed):
        services.service_feedback(actor=sales.manager, service=service, result="", satisfaction=4)
    assert Service.objects.get(pk=service.pk).status == S.HANDLED


def test_feedback_needs_the_function_and_the_scope(sales, customer, make_user, org):
    service = _handled(sales, customer)
    with pytest.raises(PermissionDenied):
        services.service_feedback(actor=sales.executive, service=service, result="x", satisfaction=4)
    with pytest.raises(PermissionDenied):  # a manager elsewhere: the service is outside their scope
        services.service_feedback(actor=sales.other, service=service, result="x", satisfaction=4)
    assert Service.objects.get(pk=service.pk).status == S.HANDLED


# --- the database decides between two concurrent steps ---------------------------------------------------------
def test_the_second_of_two_concurrent_handlings_is_refused(sales, customer):
    service = _assigned(sales, customer)
    first, second = Service.objects.get(pk=service.pk), Service.objects.get(pk=service.pk)  # both read "assigned"
    services.service_handle(actor=sales.manager, service=first, handling="第一次")
    with pytest.raises(IllegalTransition):
        services.service_handle(actor=sales.manager, service=second, handling="同时提交")
    assert ServiceRound.objects.filter(service=service).count() == 1
    assert Service.objects.get(pk=service.pk).handling == "第一次"


def test_a_handling_after_a_reassignment_meanwhile_is_refused(sales, customer):
    service = _assigned(sales, customer)
    stale = Service.objects.get(pk=service.pk)
    services.service_assign(actor=sales.supervisor, service=service, assignee=sales.colleague)
    with pytest.raises(Conflict) as caught:
        services.service_handle(actor=sales.manager, service=stale, handling="原处理人")
    assert caught.value.code == "stale_service"
    assert not ServiceRound.objects.exists()


def test_two_concurrent_feedbacks_write_one(sales, customer):
    service = _handled(sales, customer)
    first, second = Service.objects.get(pk=service.pk), Service.objects.get(pk=service.pk)
    services.service_feedback(actor=sales.manager, service=first, result="满意", satisfaction=5)
    with pytest.raises(IllegalTransition):
        services.service_feedback(actor=sales.supervisor, service=second, result="不满意", satisfaction=1)
    round_ = ServiceRound.objects.get(service=service)
    assert round_.satisfaction == 5 and Service.objects.get(pk=service.pk).status == S.ARCHIVED


# --- scope --------------------------------------------------------------------------------------------------------
def test_a_service_is_seen_where_its_customer_is_and_by_its_assignee(sales, customer, far_customer, agent):
    mine = _new(sales.manager, customer)
    far = _new(agent, far_customer)
    assert set(selectors.service_list(user=sales.manager)) == {mine}
    assert set(selectors.service_list(user=sales.supervisor)) == {mine}
    assert set(selectors.service_list(user=agent)) == {mine, far}
    assert set(selectors.service_list(user=sales.executive)) == {mine, far}
    with pytest.raises(NotFound):
        selectors.service_get(user=sales.manager, pk=far.pk)
    services.service_assign(actor=sales.supervisor, service=mine, assignee=sales.other)
    assert selectors.service_get(user=sales.other, pk=mine.pk) == mine  # the assignee sees it


def test_archive_filters(sales, customer, agent):
    from crm.customers.testing import make_customer

    other_customer = make_customer(manager=sales.manager, name="杭州钱塘机械厂")
    archived = []
    for target, summary, kind in ((customer, "打印机卡纸", "1"), (other_customer, "系统升级建议", "2")):
        service = _new(sales.manager, target, summary=summary, type=service_type(kind))
        services.service_assign(actor=sales.supervisor, service=service, assignee=sales.manager)
        services.service_handle(actor=sales.manager, service=service, handling="已处理")
        services.service_feedback(actor=sales.manager, service=service, result="好", satisfaction=4)
        archived.append(service)
    _new(sales.manager, customer, summary="打印机卡纸")  # new, not archived
    Service.objects.filter(pk=archived[1].pk).update(created_at="2025-03-10T10:00:00+08:00")

    def found(**filters):
        return set(selectors.service_list(user=sales.manager, filters={"view": "archived", **filters}))

    import datetime

    assert found() == set(archived)
    assert found(customer_name="浦江") == {archived[0]}
    assert found(summary="卡纸") == {archived[0]}
    assert found(type=service_type("2").pk) == {archived[1]}
    assert found(created_after=datetime.date(2025, 3, 10), created_before=datetime.date(2025, 3, 10)) == {archived[1]}
    assert found(created_before=datetime.date(2025, 3, 9)) == set()
    assert found(created_after=datetime.date(2025, 3, 11)) == {archived[0]}


def test_a_handover_gives_the_new_manager_the_services_waiting_on_the_old_one(sales, customer):
    from crm.customers.services.ownership import customers_handover

    waiting = _assigned(sales, customer)
    handled = _handled(sales, customer)
    customers_handover(actor=sales.supervisor, customers=[customer], to_manager=sales.colleague)
    assert Service.objects.get(pk=waiting.pk).assignee == sales.colleague
    assert Service.objects.get(pk=handled.pk).assignee == sales.manager  # who handled it stays on record
