"""Shapes of churn warnings in the API (CHURN-1…3)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from crm.churn.models import WARNING_STATES, ChurnWarning, SuspensionMeasure, WarningState
from crm.churn.selectors import ORDERINGS, TABS
from crm.core.api.serializers import UserNameField, enum_field

StateField = enum_field("ChurnWarningStateEnum", WarningState.choices)
OrderingField = enum_field("ChurnWarningOrderingEnum", [(key, key) for key in ORDERINGS])
TabField = enum_field("ChurnWarningTabEnum", [(key, key) for key in TABS])


class MeasureSerializer(serializers.ModelSerializer):
    created_by_name = UserNameField(source="created_by")

    class Meta:
        model = SuspensionMeasure
        fields = ["id", "text", "created_at", "created_by", "created_by_name"]
        read_only_fields = fields


class ChurnWarningSerializer(serializers.ModelSerializer):
    """A churn warning 流失预警: written by the weekly scan; measures and the confirmation are actions."""

    state = StateField(choices=WarningState.choices, read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    customer_number = serializers.CharField(source="customer.number", read_only=True)
    manager = serializers.IntegerField(source="customer.manager_id", read_only=True, allow_null=True)
    manager_name = UserNameField(source="customer.manager")
    confirmed_by_name = UserNameField(source="confirmed_by")
    days_since_last_order = serializers.IntegerField(source="days_since", read_only=True)
    measures_count = serializers.IntegerField(read_only=True)
    p_alive = serializers.FloatField(
        read_only=True, allow_null=True,
        help_text=_("The model's probability (0–1) that the customer is still active; null before it has run."),
    )
    actions = serializers.SerializerMethodField(help_text=_("The steps its state allows now."))

    class Meta:
        model = ChurnWarning
        fields = [
            "id", "customer", "customer_name", "customer_number", "manager", "manager_name", "state", "state_label",
            "last_order_on", "days_since_last_order", "created_at", "suspended_at", "measures_count", "p_alive",
            "reason", "confirmed_at", "confirmed_by", "confirmed_by_name", "closed_at", "actions",
        ]
        read_only_fields = fields

    def get_actions(self, warning) -> list[str]:
        return WARNING_STATES.actions(warning.state)


class ChurnWarningDetailSerializer(ChurnWarningSerializer):
    measures = MeasureSerializer(many=True, read_only=True)

    class Meta(ChurnWarningSerializer.Meta):
        fields = [*ChurnWarningSerializer.Meta.fields, "measures"]
        read_only_fields = fields


class ChurnWarningFilterSerializer(serializers.Serializer):
    tab = TabField(
        choices=[(key, key) for key in TABS], required=False,
        help_text=_("active (open or suspended), confirmed or closed."),
    )
    state = StateField(choices=WarningState.choices, required=False)
    customer = serializers.IntegerField(required=False, min_value=1, help_text=_("A customer id."))
    customer_name = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text=_("Words of the name, its pinyin or initials.")
    )
    manager = serializers.IntegerField(required=False, min_value=1, help_text=_("The customer's manager (a user id)."))
    alive_below = serializers.FloatField(
        required=False, min_value=0, max_value=1,
        help_text=_("Only warnings whose customer's probability still active is below this share (0 to 1)."),
    )
    ordering = OrderingField(
        choices=[(key, key) for key in ORDERINGS], required=False,
        help_text=_("created_at, last_order_on or p_alive; a leading minus sorts descending. Default: -created_at."),
    )


class MeasureCreateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000, help_text=_("The measure taken to keep the customer."))


class ConfirmSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text=_("Why the customer will not buy again."))
