"""Shapes of the transfer requests in the API: asking for a customer someone else owns (CUS-8)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from crm.access.masking import mask_value
from crm.customers.api.serializers.fields import UserNameField
from crm.customers.models import TransferRequest


class TransferRequestSerializer(serializers.ModelSerializer):
    """A request for a customer of someone else (CUS-8). Who cannot see the customer gets its
    name masked, as in the duplicate check."""

    customer_name = serializers.SerializerMethodField()
    requester_name = UserNameField(source="requester")
    owner_name = UserNameField(source="owner")
    approver_name = UserNameField(source="approver")
    status = serializers.CharField(read_only=True, help_text=_("pending, approved, rejected or cancelled."))
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    decided_by_name = UserNameField(source="decided_by")

    class Meta:
        model = TransferRequest
        fields = [
            "id", "customer", "customer_name", "requester", "requester_name", "owner", "owner_name", "approver",
            "approver_name", "reason", "status", "status_label", "decided_by", "decided_by_name", "decided_at",
            "decision_note", "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_customer_name(self, request) -> str:
        visible = self.context.get("visible_customers", set())
        name = request.customer.name
        return name if request.customer_id in visible else mask_value(name, "text")


class TransferCreateSerializer(serializers.Serializer):
    transfer_token = serializers.CharField(
        max_length=1000,
        help_text=_("The transfer_token of a duplicate match (409 duplicate, or GET /api/v1/customers/duplicates/)."),
    )
    reason = serializers.CharField(max_length=500, help_text=_("Why the customer should be yours."))


class DecisionSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class TransferFilterSerializer(serializers.Serializer):
    box = serializers.ChoiceField(
        choices=[("mine", "mine"), ("to_decide", "to_decide"), ("others", "others")],
        required=False,
        help_text=_(
            "mine: the requests I made; to_decide: pending requests I decide; others: the rest of my data scope. "
            "Default: all of them."
        ),
    )
