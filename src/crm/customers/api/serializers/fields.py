"""Serializer fields the customers API's shapes share."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from crm.customers.models import Customer, FollowUp
from crm.dictionary.models import DictionaryItem

DATE_HELP = _("YYYY-MM-DD, inclusive.")


def enum_field(component: str, choices) -> type:
    """A ChoiceField class whose choices are a schema component of their own (`component`): fields
    with a common name (status, kind, mode) but other choices elsewhere in the API then do not
    collide in drf-spectacular's enum naming."""
    values = [value for value, _label in choices]
    field_class = type(component, (serializers.ChoiceField,), {"__doc__": enum_field.__doc__})
    return extend_schema_field({"type": "string", "enum": values}, component_name=component)(field_class)


class PicklistField(serializers.PrimaryKeyRelatedField):
    """The id of an item of one dictionary category. Only active items can be chosen; an item
    deactivated since stays valid on the record that already holds it."""

    def __init__(self, category: str, **kwargs):
        self.category = category
        kwargs.setdefault("queryset", DictionaryItem.objects.of(category))
        kwargs.setdefault(
            "help_text", format_lazy(_("Id of a data dictionary item of category {category}."), category=category)
        )
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        item = super().to_internal_value(data)
        instance = getattr(self.parent, "instance", None)
        current = getattr(instance, f"{self.source}_id", None) if isinstance(instance, Customer | FollowUp) else None
        if not item.is_active and item.pk != current:
            raise serializers.ValidationError(_("This entry is no longer offered; choose another one."))
        return item


class UserNameField(serializers.CharField):
    """A user's display name, read-only (None when there is no user)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, allow_null=True, **kwargs)
