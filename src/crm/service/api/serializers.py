"""Shapes of customer services in the API (SRV-1…SRV-5)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from crm.core.api.serializers import UserNameField, enum_field
from crm.customers.models import Customer
from crm.dictionary.models import DictionaryItem
from crm.service.models import SERVICE_STATES, Service, ServiceAgreement, ServiceRound, ServiceStatus

StatusField = enum_field("ServiceStatusEnum", ServiceStatus.choices)


class ServiceRoundSerializer(serializers.ModelSerializer):
    handled_by_name = UserNameField(source="handled_by")
    feedback_by_name = UserNameField(source="feedback_by")

    class Meta:
        model = ServiceRound
        fields = [
            "sequence", "handling", "handled_by", "handled_by_name", "handled_at", "result", "satisfaction",
            "feedback_by", "feedback_by_name", "feedback_at",
        ]
        read_only_fields = fields


class ServiceSerializer(serializers.ModelSerializer):
    """A service. Number, creator and times are the system's; status, assignee, handling and
    feedback change through the actions (assign, handle, feedback)."""

    status = StatusField(choices=ServiceStatus.choices, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    type = serializers.PrimaryKeyRelatedField(
        queryset=DictionaryItem.objects.of("service_type"),
        help_text=_("A dictionary item of the category service_type (咨询, 建议, 投诉)."),
    )
    type_label = serializers.CharField(source="type.entry", read_only=True)
    customer = serializers.PrimaryKeyRelatedField(
        queryset=Customer.objects.all(), help_text=_("A customer you may see; fixed once created.")
    )
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    created_by_name = UserNameField(source="created_by")
    assignee_name = UserNameField(source="assignee")
    handled_by_name = UserNameField(source="handled_by")
    actions = serializers.SerializerMethodField(help_text=_("The steps its status allows now."))
    breached = serializers.BooleanField(
        read_only=True, help_text=_("A deadline passed before it was met (still open past it, or met late).")
    )

    class Meta:
        model = Service
        fields = [
            "id", "number", "type", "type_label", "summary", "customer", "customer_name", "request", "status",
            "status_label", "created_by", "created_by_name", "created_at", "updated_at", "assignee",
            "assignee_name", "assigned_at", "assigned_by", "handling", "handled_by", "handled_by_name",
            "handled_at", "result", "satisfaction", "feedback_at", "archived_at", "actions", "response_due",
            "responded_at", "resolution_due", "resolved_at", "breached",
        ]
        read_only_fields = [
            "number", "created_by", "created_at", "updated_at", "assignee", "assigned_at", "assigned_by",
            "handling", "handled_by", "handled_at", "result", "satisfaction", "feedback_at", "archived_at",
            "response_due", "responded_at", "resolution_due", "resolved_at",
        ]

    def get_actions(self, service) -> list[str]:
        return SERVICE_STATES.actions(service.status)


class ServiceDetailSerializer(ServiceSerializer):
    rounds = ServiceRoundSerializer(many=True, read_only=True)

    class Meta(ServiceSerializer.Meta):
        fields = [*ServiceSerializer.Meta.fields, "rounds"]


class ServiceFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ServiceStatus.choices, required=False)
    search = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text=_("Number (exact) or words of the summary.")
    )
    type = serializers.IntegerField(required=False, min_value=1, help_text=_("A service_type dictionary item id."))
    customer = serializers.IntegerField(required=False, min_value=1, help_text=_("A customer id."))
    customer_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    created_after = serializers.DateField(required=False, help_text=_("Created on or after this date."))
    created_before = serializers.DateField(required=False, help_text=_("Created on or before this date."))
    mine = serializers.BooleanField(required=False, default=False, help_text=_("Only those assigned to you."))
    breached = serializers.BooleanField(
        required=False, default=False, help_text=_("Only those whose deadline passed before it was met.")
    )


class ServiceAssignSerializer(serializers.Serializer):
    assignee = serializers.IntegerField(min_value=1, help_text=_("The user id of the person who handles it."))


class ServiceHandleSerializer(serializers.Serializer):
    handling = serializers.CharField(max_length=5000, help_text=_("How the request was handled."))


class ServiceFeedbackSerializer(serializers.Serializer):
    result = serializers.CharField(max_length=5000)
    satisfaction = serializers.IntegerField(
        min_value=1, max_value=5, help_text=_("1–5; 3 or more archives the service, less sends it back.")
    )


class ServiceAgreementSerializer(serializers.ModelSerializer):
    """A service agreement 服务协议: deadlines in working hours for a service type (and a customer level)."""

    type = serializers.PrimaryKeyRelatedField(
        queryset=DictionaryItem.objects.of("service_type"), help_text=_("A service_type dictionary item.")
    )
    type_label = serializers.CharField(source="type.entry", read_only=True)
    customer_level = serializers.PrimaryKeyRelatedField(
        queryset=DictionaryItem.objects.of("customer_level"),
        allow_null=True,
        required=False,
        help_text=_("A customer_level dictionary item; null: any level."),
    )
    customer_level_label = serializers.CharField(source="customer_level.entry", read_only=True, default=None)

    class Meta:
        model = ServiceAgreement
        fields = [
            "id", "type", "type_label", "customer_level", "customer_level_label", "response_hours",
            "resolution_hours", "warn_hours", "is_active", "created_at", "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        validators = []  # the service checks duplicates (409) and the hours
