from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from crm.audit.models import AuditAction, AuditEvent, AuditSource
from crm.console.selectors import CATEGORY_CHANGES, CATEGORY_LOGINS, record_type_key, record_type_label


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.IntegerField(source="actor_id", read_only=True, allow_null=True)
    action_label = serializers.CharField(source="get_action_display", read_only=True)
    source_label = serializers.CharField(source="get_source_display", read_only=True)
    record_type = serializers.SerializerMethodField()
    record_type_label = serializers.SerializerMethodField()
    changes = serializers.SerializerMethodField()

    class Meta:
        model = AuditEvent
        fields = [
            "id", "created_at", "actor", "actor_name", "action", "action_label", "source", "source_label", "ip",
            "user_agent", "record_type", "record_type_label", "object_id", "object_repr", "changes", "message",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_record_type(self, event) -> str:
        return record_type_key(event.content_type)

    @extend_schema_field(OpenApiTypes.STR)
    def get_record_type_label(self, event) -> str:
        return record_type_label(event.content_type)

    @extend_schema_field(
        {
            "type": "object",
            "description": "Changed fields: {field: [before, after]}.",
            "additionalProperties": {"type": "array", "items": {}, "minItems": 2, "maxItems": 2},
        }
    )
    def get_changes(self, event) -> dict:
        return event.changes if isinstance(event.changes, dict) else {}


class AuditEventFilterSerializer(serializers.Serializer):
    """The list's query parameters: the same filters as the audit page."""

    user = serializers.IntegerField(required=False, min_value=1, help_text=_("Id of the acting user."))
    action = serializers.ChoiceField(required=False, choices=AuditAction.choices)
    category = serializers.ChoiceField(
        required=False,
        choices=[(CATEGORY_CHANGES, _("Data changes")), (CATEGORY_LOGINS, _("Login log"))],
        help_text=_("logins: logins, logouts and failed logins; changes: everything else."),
    )
    record_type = serializers.RegexField(
        r"^[a-z0-9_]+\.[a-z0-9_]+$", required=False, help_text=_("app_label.model, e.g. identity.user.")
    )
    source = serializers.ChoiceField(required=False, choices=AuditSource.choices)
    date_from = serializers.DateField(required=False, help_text=_("YYYY-MM-DD, inclusive."))
    date_to = serializers.DateField(required=False, help_text=_("YYYY-MM-DD, inclusive."))
    search = serializers.CharField(
        required=False, max_length=100, help_text=_("Text in the record's name or the message.")
    )
    after_id = serializers.IntegerField(
        required=False, min_value=0, help_text=_("Only events with a larger id (for incremental reading).")
    )
    ordering = serializers.ChoiceField(
        required=False, choices=[("-id", "-id"), ("id", "id")], help_text=_("-id (newest first, default) or id.")
    )

    def validate(self, attrs):
        if attrs.get("date_from") and attrs.get("date_to") and attrs["date_from"] > attrs["date_to"]:
            raise serializers.ValidationError({"date_to": [_("The end date is before the start date.")]})
        return attrs

    def filters(self) -> dict:
        data = dict(self.validated_data)
        if "search" in data:
            data["q"] = data.pop("search")
        data.pop("ordering", None)
        return data


class WorkbenchItemSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="app_label.model, e.g. customers.customer.")
    id = serializers.IntegerField()
    label = serializers.CharField()
    customer = serializers.IntegerField(allow_null=True, help_text="The customer it is about, if any.")
    url = serializers.CharField(allow_null=True, help_text="The page to act on it.")


class WorkbenchPanelSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The panel: customers.due, opportunities.developing, service.assigned …")
    data = serializers.DictField(
        help_text="The panel's content by name: lists of items (type, id, label, customer, url), dates, flags."
    )
