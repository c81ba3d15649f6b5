"""Find and merge duplicates (CUS-9): groups across the base, a merge that picks values, moves
every related record, keeps an audit entry, and is refused outside the user's scope."""

import pytest

from crm.access.models import Share
from crm.audit.models import AuditEvent
from crm.core.errors import NotFound, PermissionDenied
from crm.customers.models import Contact, Customer, CustomerKey, EventKind, FollowUp, MergeRecord, Tag
from crm.customers.selectors.duplicates import duplicate_groups
from crm.customers.services.activities import followup_create, interaction_create
from crm.customers.services.contracts import contract_create
from crm.customers.services.merge import customers_merge
from crm.customers.services.ownership import customer_share
from crm.customers.testing import make_contact, make_customer, picklist


@pytest.fixture
def twins(sales):
    first = make_customer(manager=sales.manager, name="上海申通快递有限公司", phone="021-60376666", email="")
    second = make_customer(
        manager=sales.manager,
        name="申通快递股份有限公司",
        phone="021 6037 6666",
        email="service@sto.cn",
        address="上海市青浦区",
    )
    return first, second


def test_groups_list_customers_sharing_a_key_within_scope(sales, twins):
    make_customer(manager=sales.other, name="申通快递（深圳）有限公司")
    groups, more = duplicate_groups(user=sales.supervisor)
    by_kind = {g.kind: {c.pk for c in g.customers} for g in groups}
    assert by_kind == {"name": {twins[0].pk, twins[1].pk}, "phone": {twins[0].pk, twins[1].pk}} and not more
    executive_groups, _more = duplicate_groups(user=sales.executive)
    assert duplicate_groups(user=sales.manager) == ([], False)  # no merge right: nothing
    assert executive_groups == []  # executives view but do not merge


def test_merge_picks_values_moves_records_and_keeps_history(sales, twins):
    first, second = twins
    tag = Tag.objects.create(name="快递")
    second.tags.add(tag)
    make_contact(customer=first, name="陈德军")
    make_contact(customer=second, name="王文彬", mobile="13916668888")
    followup_create(
        actor=sales.manager, customer=second, data={"method": picklist("followup_method"), "content": "电话"}
    )
    interaction_create(
        actor=sales.manager, customer=second, data={"occurred_on": "2026-11-01", "place": "青浦", "summary": "签约"}
    )
    contract_create(actor=sales.manager, customer=second, data={"title": "快递服务", "amount": "50000"})
    customer_share(actor=sales.manager, customer=second, users=[sales.colleague])

    merged = customers_merge(
        actor=sales.supervisor, target=first, others=[second], choices={"email": second.pk, "address": second.pk}
    )

    assert merged.pk == first.pk and not Customer.objects.filter(pk=second.pk).exists()
    assert (
        merged.email == "service@sto.cn" and merged.address == "上海市青浦区" and merged.name == "上海申通快递有限公司"
    )
    assert set(merged.contacts.values_list("name", flat=True)) == {"陈德军", "王文彬"}
    assert Contact.objects.filter(customer=merged, is_primary=True).count() == 1
    assert FollowUp.objects.filter(customer=merged).count() == 1 and merged.last_followup_at is not None
    assert merged.interactions.count() == 1 and merged.contracts.count() == 1
    assert list(merged.tags.all()) == [tag]
    assert Share.objects.filter(resource="customers.customer", object_id=merged.pk, user=sales.colleague).exists()
    assert not CustomerKey.objects.filter(customer_id=second.pk).exists()
    assert CustomerKey.objects.filter(
        customer=merged, kind="phone", value="13916668888"
    ).exists()  # the moved contact's key
    record = MergeRecord.objects.get(target=merged)
    assert record.merged_number == second.number and record.snapshot["name"] == "申通快递股份有限公司"
    assert record.moved["customers.Contact"] == 1
    assert merged.events.filter(kind=EventKind.MERGED).exists()
    assert AuditEvent.objects.filter(object_id=str(second.pk), message__contains=merged.number).exists()
    groups, _more = duplicate_groups(user=sales.supervisor)
    assert groups == []


def test_merge_outside_the_scope_or_without_the_right_is_refused(sales, twins):
    foreign = make_customer(manager=sales.other, name="申通快递深圳有限公司")
    with pytest.raises(PermissionDenied):
        customers_merge(actor=sales.manager, target=twins[0], others=[twins[1]])
    with pytest.raises(NotFound):
        customers_merge(actor=sales.supervisor, target=twins[0], others=[foreign])
    assert Customer.objects.count() == 3


def test_every_record_that_points_at_a_customer_moves_with_a_merge_or_is_derived():
    """A foreign key to Customer with a hidden reverse relation ("+") is not among the relations a
    merge re-points, and its rows would die with the merged customer: only derived rows, which a
    job recomputes, may be hidden."""
    from django.apps import apps

    from crm.customers.models import Customer

    derived = {"churn.CustomerValue", "customers.FollowUpYear", "orders.CustomerTotal"}
    hidden = {
        model._meta.label
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is Customer and field.remote_field.hidden
    }
    assert hidden <= derived, hidden - derived
