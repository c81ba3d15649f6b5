"""Tags (CUS-15), custom field definitions (CUS-14) and saved list views (CUS-11)."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from crm.access.engine import access_for
from crm.audit.services import audit_create, audit_delete, audit_update
from crm.charts.selectors import PARAMETERS as CHART_PARAMETERS
from crm.core.errors import Conflict, PermissionDenied, ValidationFailed
from crm.core.services import full_clean, model_update
from crm.customers.models import CustomField, SavedView, Tag
from crm.customers.permissions import CUSTOM_FIELD, TAG

TAG_FIELDS = ["name", "group", "color", "sort_order"]
CUSTOM_FIELD_FIELDS = [
    "resource", "key", "label", "field_type", "options", "required", "help_text", "sort_order", "is_active",
]
SAVED_VIEW_FIELDS = ["name", "logic", "conditions", "filters", "columns", "ordering", "chart", "is_shared"]


def _unique(save, message: str, field: str):
    try:
        with transaction.atomic():
            save()
    except IntegrityError as exc:
        raise ValidationFailed(fields={field: [message]}) from exc


# --- tags ------------------------------------------------------------------------------------------------
@transaction.atomic
def tag_create(*, actor, name: str, group: str = "", color: str = "secondary", sort_order: int = 0) -> Tag:
    access_for(actor).require(f"{TAG}.create")
    tag = Tag(
        name=(name or "").strip(), group=(group or "").strip(), color=color or "secondary", sort_order=sort_order or 0
    )
    full_clean(tag, exclude=["name"])
    if not tag.name:
        raise ValidationFailed(fields={"name": [_("Enter a name.")]})
    _unique(tag.save, _("A tag with this name exists."), "name")
    audit_create(actor=actor, instance=tag, fields=TAG_FIELDS)
    return tag


@transaction.atomic
def tag_update(*, actor, tag: Tag, data: dict) -> Tag:
    access_for(actor).require(f"{TAG}.edit")
    try:
        with transaction.atomic():
            changes = model_update(instance=tag, data=data, fields=[f for f in TAG_FIELDS if f in data])
    except IntegrityError as exc:
        raise ValidationFailed(fields={"name": [_("A tag with this name exists.")]}) from exc
    audit_update(actor=actor, instance=tag, changes=changes)
    return tag


@transaction.atomic
def tag_delete(*, actor, tag: Tag) -> None:
    access_for(actor).require(f"{TAG}.delete")
    audit_delete(actor=actor, instance=tag, fields=TAG_FIELDS)
    tag.delete()


# --- custom fields ----------------------------------------------------------------------------------------
@transaction.atomic
def custom_field_create(*, actor, data: dict) -> CustomField:
    access_for(actor).require(f"{CUSTOM_FIELD}.create")
    definition = CustomField(**{k: v for k, v in data.items() if k in CUSTOM_FIELD_FIELDS})
    taken = _("A field with this key exists for this record type.")
    if CustomField.objects.filter(resource=definition.resource, key=definition.key).exists():
        raise ValidationFailed(fields={"key": [taken]})  # before full_clean, which would blame no field
    full_clean(definition)
    _unique(definition.save, taken, "key")
    audit_create(actor=actor, instance=definition, fields=CUSTOM_FIELD_FIELDS)
    return definition


@transaction.atomic
def custom_field_update(*, actor, definition: CustomField, data: dict) -> CustomField:
    """The key and the record type stay: stored values and integrations refer to them."""
    access_for(actor).require(f"{CUSTOM_FIELD}.edit")
    for frozen in ("key", "resource"):
        if frozen in data and data[frozen] != getattr(definition, frozen):
            raise Conflict(_("The key and record type of a field cannot change."), code="frozen")
    if "field_type" in data and data["field_type"] != definition.field_type:
        raise Conflict(_("The type of a field cannot change once defined; add a new field."), code="frozen")
    fields = [f for f in CUSTOM_FIELD_FIELDS if f in data and f not in ("key", "resource", "field_type")]
    changes = model_update(instance=definition, data=data, fields=fields)
    audit_update(actor=actor, instance=definition, changes=changes)
    return definition


@transaction.atomic
def custom_field_delete(*, actor, definition: CustomField) -> None:
    """Deleting a definition hides its values; they stay in the records' data (deactivate to keep)."""
    access_for(actor).require(f"{CUSTOM_FIELD}.delete")
    audit_delete(actor=actor, instance=definition, fields=CUSTOM_FIELD_FIELDS)
    definition.delete()


# --- saved views --------------------------------------------------------------------------------------------
def _check_view_data(data: dict) -> dict:
    from crm.customers.conditions import clean_conditions

    values = {k: v for k, v in data.items() if k in SAVED_VIEW_FIELDS}
    if "name" in values:
        values["name"] = (values["name"] or "").strip()
        if not values["name"]:
            raise ValidationFailed(fields={"name": [_("Give the view a name.")]})
    if "conditions" in values:
        values["conditions"] = clean_conditions(values["conditions"])
    if "chart" in values:
        # Only the chart's own parameters; whether they fit the list is checked when it is drawn
        # (the viewer's field rules may differ from the owner's).
        chart = values["chart"] if isinstance(values["chart"], dict) else {}
        values["chart"] = {k: str(v)[:40] for k, v in chart.items() if k in CHART_PARAMETERS and v}
    return values


@transaction.atomic
def saved_view_save(*, actor, data: dict, view: SavedView | None = None) -> SavedView:
    """Create a view, or change one the actor owns."""
    values = _check_view_data(data)
    if view is None:
        view = SavedView(owner=actor, **values)
        _unique(view.save, _("You already have a view with this name."), "name")
    else:
        if view.owner_id != actor.pk:
            raise PermissionDenied()
        for name, value in values.items():
            setattr(view, name, value)
        _unique(view.save, _("You already have a view with this name."), "name")
    return view


@transaction.atomic
def saved_view_delete(*, actor, view: SavedView) -> None:
    if view.owner_id != actor.pk:
        raise PermissionDenied()
    view.delete()
