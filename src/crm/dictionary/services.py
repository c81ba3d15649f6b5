"""Every write to dictionary items (DICT-1): permission asked, rules kept, audited in one transaction.

Rules (s003/5 §3.5.1): a locked item (editable=False) can be viewed only; an editable item can
have its category, entry and value changed and can be locked (never unlocked here); values are
unique within a category; an item that records still use cannot be deleted (deactivate it) nor
moved to another category.
"""

from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from crm.access.engine import access_for
from crm.audit.services import audit_create, audit_delete, audit_update
from crm.core.errors import Conflict, NotFound, ValidationFailed
from crm.core.services import full_clean, model_update
from crm.dictionary.models import DictionaryItem

ITEM_FIELDS = ["category", "entry", "value", "editable", "is_active", "sort_order", "parent"]


@transaction.atomic
def item_create(
    *,
    actor,
    category: str,
    entry: str,
    value: str,
    editable: bool = True,
    is_active: bool = True,
    sort_order: int = 0,
    parent: DictionaryItem | None = None,
) -> DictionaryItem:
    access_for(actor).require("dictionary.item.create")
    item = DictionaryItem(
        category=category,
        entry=(entry or "").strip(),
        value=(value or "").strip(),
        editable=editable,
        is_active=is_active,
        sort_order=sort_order or 0,
        parent=parent,
    )
    _check_unique_value(item)
    full_clean(item)
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError as exc:  # the same value saved concurrently
        raise _duplicate(item.value) from exc
    audit_create(actor=actor, instance=item, fields=ITEM_FIELDS)
    return item


@transaction.atomic
def item_update(*, actor, item: DictionaryItem, data: dict) -> DictionaryItem:
    access_for(actor).require("dictionary.item.edit")
    # Decide on the stored state, not on whatever a caller may have set on the instance.
    try:
        item = DictionaryItem.objects.select_for_update().get(pk=item.pk)
    except DictionaryItem.DoesNotExist as exc:
        raise NotFound() from exc
    _require_editable(item)
    data = {name: value for name, value in data.items() if name in ITEM_FIELDS}
    for name in ("entry", "value"):
        if isinstance(data.get(name), str):
            data[name] = data[name].strip()
    if data.get("editable") is True:
        data.pop("editable")  # already editable; locking is one-way
    if "category" in data and data["category"] != item.category and _is_referenced(item):
        raise Conflict(
            _("The item is in use by existing records, so it cannot move to another category."),
            fields={"category": [_("The item is in use by existing records.")]},
        )
    candidate_category = data.get("category", item.category)
    candidate_value = data.get("value", item.value)
    if (candidate_category, candidate_value) != (item.category, item.value):
        _check_unique_value(DictionaryItem(pk=item.pk, category=candidate_category, value=candidate_value))
    try:
        with transaction.atomic():
            changes = model_update(instance=item, data=data, fields=ITEM_FIELDS)
    except IntegrityError as exc:
        raise _duplicate(candidate_value) from exc
    audit_update(actor=actor, instance=item, changes=changes)
    return item


@transaction.atomic
def item_delete(*, actor, item: DictionaryItem) -> None:
    access_for(actor).require("dictionary.item.delete")
    _require_editable(item)
    audit_delete(actor=actor, instance=item, fields=ITEM_FIELDS)
    try:
        item.delete()
    except (ProtectedError, RestrictedError) as exc:
        raise Conflict(
            _("“%(entry)s” is still used by existing records and cannot be deleted. Deactivate it instead.")
            % {"entry": item.entry}
        ) from exc


def _require_editable(item: DictionaryItem) -> None:
    if not item.editable:
        raise Conflict(
            _("“%(entry)s” is a locked dictionary item: it can be viewed but not changed or deleted.")
            % {"entry": item.entry},
            code="locked",
        )


def _check_unique_value(item: DictionaryItem) -> None:
    duplicates = DictionaryItem.objects.filter(category=item.category, value=item.value)
    if item.pk is not None:
        duplicates = duplicates.exclude(pk=item.pk)
    if item.value and duplicates.exists():
        raise _duplicate(item.value)


def _duplicate(value: str) -> ValidationFailed:
    message = _("The value %(value)s is already used in this category.") % {"value": value}
    return ValidationFailed(message, fields={"value": [message]})


def _is_referenced(item: DictionaryItem) -> bool:
    """Does any record of any app point at this item (including other items as their parent)?"""
    return any(model._default_manager.filter(**{name: item}).exists() for model, name in _references_to_items())


def _references_to_items() -> list[tuple]:
    """(model, field name) of every foreign key to DictionaryItem in the loaded apps."""
    return [
        (model, field.name)
        for model in apps.get_models(include_auto_created=True)
        for field in model._meta.get_fields()
        if field.is_relation and field.many_to_one and field.related_model is DictionaryItem
    ]
