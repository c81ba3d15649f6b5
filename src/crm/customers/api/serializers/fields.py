"""Serializer fields the customers API's shapes share."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from crm.core.api.serializers import UserNameField, enum_field  # noqa: F401  (shared by the customers API)
from crm.customers.models import Customer, FollowUp
from crm.dictionary.models import DictionaryItem

DATE_HELP = _("YYYY-MM-DD, inclusive.")


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
