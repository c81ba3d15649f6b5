"""Dictionary rules (DICT-1, s003/5 §3.5.1): locked items, unique values, items in use, permissions."""

import pytest

from crm.audit.models import AuditEvent
from crm.core.errors import Conflict, PermissionDenied, ValidationFailed
from crm.dictionary import selectors
from crm.dictionary.models import DictionaryItem
from crm.dictionary.services import item_create, item_delete, item_update


@pytest.fixture
def level(db):
    return DictionaryItem.objects.get(category="customer_level", value="1")


@pytest.fixture
def complaint(db):
    return DictionaryItem.objects.get(category="service_type", value="3")


def test_create_is_audited_and_offered_in_the_picklist(admin_user):
    item = item_create(actor=admin_user, category="customer_level", entry=" 潜在客户 ", value="6", sort_order=60)
    assert (item.entry, item.value, item.editable, item.is_active) == ("潜在客户", "6", True, True)
    assert (item.pk, "潜在客户") in selectors.choices("customer_level")
    event = AuditEvent.objects.for_object(item).get()
    assert event.action == "create" and event.changes["entry"] == [None, "潜在客户"]


def test_a_duplicate_value_in_the_category_fails_on_the_value_field(admin_user):
    with pytest.raises(ValidationFailed) as caught:
        item_create(actor=admin_user, category="customer_level", entry="又一个大客户", value="2")
    assert "value" in caught.value.fields
    # the same value in another category is fine
    item_create(actor=admin_user, category="lost_reason", entry="二号原因", value="2")


def test_changing_a_value_to_one_already_used_fails(admin_user, level):
    with pytest.raises(ValidationFailed) as caught:
        item_update(actor=admin_user, item=level, data={"value": "2"})
    assert "value" in caught.value.fields
    level.refresh_from_db()
    assert level.value == "1"


def test_unknown_category_is_refused(admin_user):
    with pytest.raises(ValidationFailed) as caught:
        item_create(actor=admin_user, category="no_such_thing", entry="x", value="x")
    assert "category" in caught.value.fields


def test_editable_item_changes_category_entry_value_and_can_be_locked(admin_user, level):
    item = item_update(
        actor=admin_user,
        item=level,
        data={"category": "customer_type", "entry": "小微企业", "value": "micro", "editable": False},
    )
    item.refresh_from_db()
    assert (item.category, item.entry, item.value, item.editable) == ("customer_type", "小微企业", "micro", False)
    event = AuditEvent.objects.for_object(item).get()
    assert event.changes["editable"] == [True, False]
    # locking is one-way: now it is view only
    with pytest.raises(Conflict):
        item_update(actor=admin_user, item=item, data={"editable": True})


def test_locked_items_cannot_be_changed_or_deleted(admin_user, complaint):
    with pytest.raises(Conflict) as caught:
        item_update(actor=admin_user, item=complaint, data={"entry": "抱怨"})
    assert "投诉" in str(caught.value.message)
    with pytest.raises(Conflict):
        item_delete(actor=admin_user, item=complaint)
    complaint.refresh_from_db()
    assert complaint.entry == "投诉"
    assert not AuditEvent.objects.for_object(complaint).exists()


def test_a_locked_state_set_on_the_instance_is_not_trusted(admin_user, complaint):
    complaint.editable = True  # a caller cannot unlock by editing the object it passes
    with pytest.raises(Conflict):
        item_update(actor=admin_user, item=complaint, data={"entry": "抱怨"})


def test_an_item_in_use_cannot_be_deleted_nor_moved(admin_user):
    industry = item_create(actor=admin_user, category="industry", entry="汽车", value="auto")
    item_create(actor=admin_user, category="industry", entry="新能源汽车", value="auto_ev", parent=industry)
    with pytest.raises(Conflict) as caught:
        item_delete(actor=admin_user, item=industry)
    assert "汽车" in str(caught.value.message)
    assert DictionaryItem.objects.filter(pk=industry.pk).exists()
    assert not AuditEvent.objects.for_object(industry).filter(action="delete").exists()
    with pytest.raises(Conflict):
        item_update(actor=admin_user, item=industry, data={"category": "customer_type"})
    # it can still be deactivated, which takes it out of picklists
    item_update(actor=admin_user, item=industry, data={"is_active": False})
    assert industry.pk not in dict(selectors.choices("industry"))
    assert industry in selectors.items("industry", include_inactive=True)


def test_parent_must_be_in_the_same_category_and_two_levels_at_most(admin_user):
    top = item_create(actor=admin_user, category="industry", entry="汽车", value="auto")
    child = item_create(actor=admin_user, category="industry", entry="新能源汽车", value="auto_ev", parent=top)
    other = DictionaryItem.objects.get(category="customer_level", value="1")
    with pytest.raises(ValidationFailed) as caught:
        item_create(actor=admin_user, category="customer_level", entry="x", value="x", parent=top)
    assert "parent" in caught.value.fields
    with pytest.raises(ValidationFailed):
        item_create(actor=admin_user, category="industry", entry="三级", value="l3", parent=child)
    with pytest.raises(ValidationFailed):
        item_update(actor=admin_user, item=top, data={"parent": child})
    assert other.parent_id is None


def test_unused_editable_item_is_deleted_and_audited(admin_user):
    item = item_create(actor=admin_user, category="customer_level", entry="潜在客户", value="6")
    pk = item.pk
    item_delete(actor=admin_user, item=item)
    assert not DictionaryItem.objects.filter(pk=pk).exists()
    assert AuditEvent.objects.filter(object_id=str(pk), action="delete").exists()


def test_without_the_function_nothing_changes(org, make_user, level):
    manager = make_user("m1", role="manager", department=org.sales1)
    with pytest.raises(PermissionDenied):
        item_create(actor=manager, category="customer_level", entry="潜在客户", value="6")
    with pytest.raises(PermissionDenied):
        item_update(actor=manager, item=level, data={"entry": "改"})
    with pytest.raises(PermissionDenied):
        item_delete(actor=manager, item=level)
    level.refresh_from_db()
    assert level.entry == "普通客户"
    assert not DictionaryItem.objects.filter(value="6").exists()


def test_selectors_for_picklists_and_regions(db):
    assert [entry for _pk, entry in selectors.choices("service_type")] == ["咨询", "建议", "投诉"]
    assert selectors.item_by_value("service_type", "3").entry == "投诉"
    assert selectors.provinces().count() == 34
    assert "深圳市" in [city.name for city in selectors.cities("440000")]
    assert not selectors.cities("").exists()
    assert not selectors.cities("810000").exists()
