"""The opportunity lifecycle of s003/5 §3.1 (OPP-1…OPP-8) through the services: who may create,
edit, delete, assign and develop; the read-only fields; the frozen plan date; the status table;
success finds or creates the customer, never a second copy."""

import datetime

import pytest

from crm.audit.models import AuditEvent
from crm.core.errors import NotFound, PermissionDenied, ValidationFailed
from crm.core.states import IllegalTransition
from crm.customers.models import Contact, Customer, CustomerEvent
from crm.customers.testing import make_customer, picklist
from crm.notifications.models import Notification
from crm.opportunities import selectors, services
from crm.opportunities.models import Opportunity, OpportunityStatus, PlanItem

DAY = datetime.date(2026, 1, 1)
DATA = {
    "source": "展会",
    "customer_name": "杭州西湖茶业有限公司",
    "probability": 60,
    "summary": "采购 CRM 系统",
    "contact_name": "王芳",
    "contact_phone": "13812345678",
    "description": "客户在展会上表示有意向，预算约 20 万。",
}


def _new(actor, **changes) -> Opportunity:
    return services.opportunity_create(actor=actor, data={**DATA, **changes})


def _assigned(sales, **changes) -> Opportunity:
    opportunity = _new(sales.supervisor, **changes)
    return services.opportunity_assign(actor=sales.supervisor, opportunity=opportunity, owner=sales.manager)


def _customer_data():
    return {"region": picklist("region"), "level": picklist("customer_level")}


# --- create (OPP-1) ---------------------------------------------------------------------------------------
def test_create_numbers_it_and_sets_creator_and_time_read_only(sales):
    opportunity = _new(sales.manager, number="X1", created_by=sales.supervisor.pk, status="won")
    assert opportunity.number.startswith("JH") and len(opportunity.number) == 8
    assert opportunity.created_by == sales.manager
    assert opportunity.status == OpportunityStatus.UNASSIGNED and opportunity.owner is None
    assert opportunity.contact_phone == "138 1234 5678"
    assert _new(sales.manager).number != opportunity.number
    assert AuditEvent.objects.filter(object_id=str(opportunity.pk), action="create").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("customer_name", ""), ("summary", ""), ("description", ""), ("probability", 101), ("probability", -1)],
)
def test_create_refuses_missing_or_out_of_range_fields(sales, field, value):
    with pytest.raises(ValidationFailed) as caught:
        _new(sales.manager, **{field: value})
    assert field in caught.value.fields
    assert not Opportunity.objects.exists()


def test_create_refuses_an_invalid_phone(sales):
    with pytest.raises(ValidationFailed) as caught:
        _new(sales.manager, contact_phone="12345")
    assert "contact_phone" in caught.value.fields


def test_only_roles_with_the_function_create(sales, make_user, org):
    clerk = make_user("svc", role="service", department=org.sales1)
    with pytest.raises(PermissionDenied):
        _new(clerk)


def test_opened_on_an_existing_customer_it_is_developed_by_its_creator(sales):
    customer = make_customer(manager=sales.manager, name="宁波港务集团")
    opportunity = services.opportunity_create(
        actor=sales.manager, data={**DATA, "customer_name": "别的名字"}, customer=customer
    )
    assert opportunity.customer == customer and opportunity.customer_name == "宁波港务集团"
    assert opportunity.status == OpportunityStatus.DEVELOPING and opportunity.owner == sales.manager
    assert CustomerEvent.objects.filter(customer=customer, kind="opportunity.open").exists()


def test_a_customer_outside_the_scope_cannot_carry_an_opportunity(sales):
    customer = make_customer(manager=sales.other, name="深圳湾科技")
    with pytest.raises(NotFound):
        services.opportunity_create(actor=sales.manager, data=DATA, customer=customer)


# --- edit and delete while unassigned (OPP-2, OPP-3) -------------------------------------------------------
def test_edit_changes_only_the_entered_fields_while_unassigned(sales):
    opportunity = _new(sales.manager)
    services.opportunity_update(
        actor=sales.manager, opportunity=opportunity, data={"summary": "改了", "status": "won", "number": "X"}
    )
    opportunity.refresh_from_db()
    assert opportunity.summary == "改了" and opportunity.status == OpportunityStatus.UNASSIGNED
    assigned = services.opportunity_assign(actor=sales.supervisor, opportunity=opportunity, owner=sales.manager)
    with pytest.raises(IllegalTransition):
        services.opportunity_update(actor=sales.manager, opportunity=assigned, data={"summary": "再改"})


def test_delete_only_by_its_creator_and_only_while_unassigned(sales):
    opportunity = _new(sales.manager)
    with pytest.raises(PermissionDenied):
        services.opportunity_delete(actor=sales.supervisor, opportunity=opportunity)
    services.opportunity_delete(actor=sales.manager, opportunity=opportunity)
    assert not Opportunity.objects.filter(pk=opportunity.pk).exists()
    assigned = _assigned(sales)
    with pytest.raises(IllegalTransition):
        services.opportunity_delete(actor=sales.supervisor, opportunity=assigned)


def test_a_colleague_out_of_scope_cannot_edit(sales):
    opportunity = _new(sales.manager)
    with pytest.raises(PermissionDenied):
        services.opportunity_update(actor=sales.colleague, opportunity=opportunity, data={"summary": "x"})


# --- assign (OPP-4) -----------------------------------------------------------------------------------------
def test_a_supervisor_assigns_to_one_manager_with_the_time(sales):
    opportunity = _new(sales.manager)
    assigned = services.opportunity_assign(actor=sales.supervisor, opportunity=opportunity, owner=sales.colleague)
    assert assigned.status == OpportunityStatus.DEVELOPING and assigned.owner == sales.colleague
    assert assigned.assigned_at is not None and assigned.assigned_by == sales.supervisor
    assert Notification.objects.filter(recipient=sales.colleague, kind="opportunities.assigned").exists()


def test_managers_do_not_assign_and_owners_come_from_the_scope(sales):
    opportunity = _new(sales.manager)
    with pytest.raises(PermissionDenied):
        services.opportunity_assign(actor=sales.manager, opportunity=opportunity, owner=sales.manager)
    with pytest.raises(ValidationFailed) as caught:
        services.opportunity_assign(actor=sales.supervisor, opportunity=opportunity, owner=sales.other)
    assert "owner" in caught.value.fields


def test_closed_opportunities_are_not_reassigned(sales):
    opportunity = _assigned(sales)
    services.opportunity_fail(actor=sales.manager, opportunity=opportunity)
    with pytest.raises(IllegalTransition):
        services.opportunity_assign(actor=sales.supervisor, opportunity=opportunity, owner=sales.colleague)


# --- the plan (OPP-5, OPP-6) ------------------------------------------------------------------------------
def test_the_manager_plans_and_records_results(sales):
    opportunity = _assigned(sales)
    item = services.plan_item_add(
        actor=sales.manager, opportunity=opportunity, date=datetime.date(2026, 12, 10), content="电话沟通需求"
    )
    services.plan_item_update(actor=sales.manager, item=item, data={"content": "上门拜访"})
    services.plan_item_record_result(actor=sales.manager, item=item, result="客户认可方案")
    item.refresh_from_db()
    assert (item.content, item.result) == ("上门拜访", "客户认可方案") and item.result_at is not None


def test_a_plan_items_date_cannot_change(sales):
    opportunity = _assigned(sales)
    item = services.plan_item_add(
        actor=sales.manager, opportunity=opportunity, date=datetime.date(2026, 12, 10), content="电话沟通"
    )
    with pytest.raises(ValidationFailed) as caught:
        services.plan_item_update(actor=sales.manager, item=item, data={"date": datetime.date(2026, 12, 11)})
    assert "date" in caught.value.fields
    services.plan_item_update(actor=sales.manager, item=item, data={"date": "2026-12-10", "content": "同一天"})
    item.refresh_from_db()
    assert item.date == datetime.date(2026, 12, 10)


def test_plan_items_need_a_date_and_content(sales):
    opportunity = _assigned(sales)
    with pytest.raises(ValidationFailed) as caught:
        services.plan_item_add(actor=sales.manager, opportunity=opportunity, date=None, content="")
    assert {"date", "content"} <= set(caught.value.fields)
    with pytest.raises(ValidationFailed):
        services.plan_item_record_result(
            actor=sales.manager,
            item=services.plan_item_add(
                actor=sales.manager, opportunity=opportunity, date=datetime.date(2026, 12, 1), content="拜访"
            ),
            result="  ",
        )


def test_who_develops(sales):
    """The account manager and their supervisor; not the creator alone, nor a colleague."""
    opportunity = services.opportunity_create(actor=sales.colleague, data=DATA)
    opportunity = services.opportunity_assign(actor=sales.supervisor, opportunity=opportunity, owner=sales.manager)
    day = datetime.date(2026, 12, 10)
    for outsider in (sales.colleague, sales.other):
        with pytest.raises(PermissionDenied):
            services.plan_item_add(actor=outsider, opportunity=opportunity, date=day, content="x")
    services.plan_item_add(actor=sales.supervisor, opportunity=opportunity, date=day, content="主管补充")
    assert PlanItem.objects.filter(opportunity=opportunity).count() == 1


def test_unassigned_opportunities_have_no_plan(sales):
    opportunity = _new(sales.supervisor)
    with pytest.raises(PermissionDenied):
        services.plan_item_add(actor=sales.manager, opportunity=opportunity, date=DAY, content="x")
    with pytest.raises(IllegalTransition):
        services.plan_item_add(
            actor=sales.supervisor, opportunity=opportunity, date=datetime.date(2026, 1, 1), content="x"
        )


# --- success and failure (OPP-7, OPP-8) ---------------------------------------------------------------------
def test_success_creates_the_customer_with_its_contact(sales):
    opportunity = _assigned(sales)
    obtained = services.opportunity_succeed(
        actor=sales.manager, opportunity=opportunity, customer_data=_customer_data()
    )
    opportunity.refresh_from_db()
    assert obtained.created and opportunity.status == OpportunityStatus.WON and opportunity.closed_at
    customer = opportunity.customer
    assert customer.name == DATA["customer_name"] and customer.manager == sales.manager
    contact = Contact.objects.get(customer=customer)
    assert (contact.name, contact.mobile) == ("王芳", "138 1234 5678")
    assert CustomerEvent.objects.filter(customer=customer, kind="opportunity.won").exists()


def test_success_links_the_customer_the_duplicate_check_finds(sales):
    existing = make_customer(manager=sales.colleague, name="杭州西湖茶业有限公司")
    opportunity = _assigned(sales, customer_name="杭州 西湖茶业有限公司 ")
    obtained = services.opportunity_succeed(actor=sales.manager, opportunity=opportunity)
    assert not obtained.created and obtained.customer == existing
    assert Customer.objects.filter(name__contains="西湖茶业").count() == 1
    assert Contact.objects.filter(customer=existing, name="王芳").count() == 1


def test_success_finds_the_customer_by_phone_too(sales):
    existing = make_customer(manager=sales.manager, name="西湖茶业", phone="138 1234 5678")
    obtained = services.opportunity_succeed(actor=sales.manager, opportunity=_assigned(sales))
    assert obtained.customer == existing and not obtained.created


def test_two_opportunities_for_one_company_end_with_one_customer(sales):
    first, second = _assigned(sales), _assigned(sales)
    services.opportunity_succeed(actor=sales.manager, opportunity=first, customer_data=_customer_data())
    services.opportunity_succeed(actor=sales.manager, opportunity=second, customer_data=_customer_data())
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.customer_id == second.customer_id
    assert Contact.objects.filter(customer_id=first.customer_id).count() == 1


def test_a_new_customer_needs_its_region(sales):
    opportunity = _assigned(sales)
    with pytest.raises(ValidationFailed) as caught:
        services.opportunity_succeed(actor=sales.manager, opportunity=opportunity, customer_data={})
    assert "region" in caught.value.fields
    opportunity.refresh_from_db()
    assert opportunity.status == OpportunityStatus.DEVELOPING and not Customer.objects.exists()


def test_failure_and_the_end_states(sales):
    opportunity = _assigned(sales)
    services.opportunity_fail(actor=sales.manager, opportunity=opportunity, reason="无预算")
    opportunity.refresh_from_db()
    assert opportunity.status == OpportunityStatus.LOST and opportunity.close_reason == "无预算"
    for step in (services.opportunity_fail, services.opportunity_succeed):
        with pytest.raises(IllegalTransition) as caught:
            step(actor=sales.manager, opportunity=opportunity)
        assert caught.value.code == "illegal_transition" and caught.value.details["status"] == "lost"
    with pytest.raises(IllegalTransition):
        services.plan_item_add(actor=sales.manager, opportunity=opportunity, date=DAY, content="x")


# --- scope ---------------------------------------------------------------------------------------------------
def test_who_sees_which(sales):
    mine = _new(sales.manager)
    supervisors = _new(sales.supervisor)
    theirs = _new(sales.other)
    ids = lambda user: set(selectors.opportunity_list(user=user).values_list("pk", flat=True))  # noqa: E731
    assert ids(sales.manager) == {mine.pk}
    assert ids(sales.supervisor) == {mine.pk, supervisors.pk}
    assert ids(sales.executive) == {mine.pk, supervisors.pk, theirs.pk}
    assigned = services.opportunity_assign(actor=sales.supervisor, opportunity=supervisors, owner=sales.colleague)
    assert assigned.pk in ids(sales.colleague)


def test_the_customers_people_see_its_opportunities(sales):
    """ADR 0017: visible through the owner or through the customer."""
    customer = make_customer(manager=sales.manager, name="宁波港务集团")
    opportunity = services.opportunity_create(actor=sales.supervisor, data=DATA, customer=customer)
    assert opportunity.owner == sales.supervisor
    assert selectors.opportunity_list(user=sales.manager).filter(pk=opportunity.pk).exists()
    assert not selectors.opportunity_list(user=sales.colleague).filter(pk=opportunity.pk).exists()


def test_a_customer_with_opportunities_is_kept_and_the_answer_says_why(sales, admin_user):
    from crm.core.errors import Conflict
    from crm.customers.services.customers import customer_delete
    from crm.testing import api_client, api_error

    customer = make_customer(manager=sales.manager, name="宁波港务集团")
    services.opportunity_create(actor=sales.manager, data=DATA, customer=customer)
    with pytest.raises(Conflict) as refused:
        customer_delete(actor=admin_user, customer=customer)
    assert refused.value.code == "in_use"
    assert str(Opportunity._meta.verbose_name_plural) in refused.value.summary()  # it says what keeps it
    error = api_error(api_client(admin_user).delete(f"/api/v1/customers/{customer.pk}/"), 409, "in_use")
    assert error["message"]
    assert Customer.objects.filter(pk=customer.pk).exists() and AuditEvent.objects.filter(action="delete").count() == 0


def test_a_listing_reads_the_scope_once_and_get_still_sees_a_record_created_after_it(sales):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from crm.access.engine import access_for
    from crm.opportunities.permissions import OPPORTUNITY

    customer = make_customer(manager=sales.manager, name="宁波港务集团")
    first = services.opportunity_create(actor=sales.manager, data=DATA, customer=customer)
    access = access_for(sales.manager)
    listed = list(access.scoped(OPPORTUNITY, listing=True))
    with CaptureQueriesContext(connection) as again:
        assert list(access.scoped(OPPORTUNITY, listing=True)) == listed == [first]
    assert len(again.captured_queries) == 1 and "UNION" not in again.captured_queries[0]["sql"]
    second = services.opportunity_create(actor=sales.manager, data=DATA, customer=customer)
    assert access.get(OPPORTUNITY, second.pk) == second  # get asks the database, not the listing's ids
