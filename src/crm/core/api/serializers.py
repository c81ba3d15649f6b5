"""Serializer shapes every app shares."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class UserBriefSerializer(serializers.Serializer):
    """A user as other records show it (owner, creator, assignee)."""

    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


def enum_field(component: str, choices) -> type:
    """A ChoiceField class whose choices are a schema component of their own (`component`): fields
    with a common name (status, kind, mode) but other choices elsewhere in the API then do not
    collide in drf-spectacular's enum naming."""
    values = [value for value, _label in choices]
    field_class = type(component, (serializers.ChoiceField,), {"__doc__": enum_field.__doc__})
    return extend_schema_field({"type": "string", "enum": values}, component_name=component)(field_class)


class UserNameField(serializers.CharField):
    """A user's display name, read-only (None when there is no user)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, allow_null=True, **kwargs)
