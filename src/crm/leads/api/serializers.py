"""Shapes of leads in the API (OPP-13)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from crm.access.drf import FieldRulesMixin
from crm.core.api.serializers import UserNameField, enum_field
from crm.dictionary.models import DictionaryItem
from crm.leads.models import LEAD_STATES, Lead, LeadActivity, LeadChannel, LeadStatus
from crm.leads.permissions import LEAD
from crm.leads.selectors import VIEWS

StatusField = enum_field("LeadStatusEnum", LeadStatus.choices)
ChannelField = enum_field("LeadChannelEnum", LeadChannel.choices)


class LeadSerializer(FieldRulesMixin, serializers.ModelSerializer):
    resource = LEAD
    status = StatusField(choices=LeadStatus.choices, read_only=True)
    channel = ChannelField(choices=LeadChannel.choices, read_only=True)
    owner = serializers.PrimaryKeyRelatedField(read_only=True)
    owner_name = UserNameField(source="owner")
    in_pool = serializers.BooleanField(read_only=True)
    actions = serializers.SerializerMethodField()
    to_pool = serializers.BooleanField(
        write_only=True, required=False, default=False, help_text=_("On create: no owner.")
    )
    confirm_duplicates = serializers.BooleanField(write_only=True, required=False, default=False)

    class Meta:
        model = Lead
        fields = [
            "id", "number", "company", "name", "position", "mobile", "phone", "email", "province", "source", "industry",
            "notes", "channel", "status", "owner", "owner_name", "in_pool", "owned_since", "last_followup_at",
            "duplicate_hint", "customer", "opportunity", "disqualify_reason", "closed_at", "created_at", "updated_at",
            "actions", "to_pool", "confirm_duplicates",
        ]
        read_only_fields = [
            "number", "duplicate_hint", "customer", "opportunity", "disqualify_reason", "closed_at", "owned_since",
            "last_followup_at", "created_at", "updated_at",
        ]

    def get_actions(self, lead) -> list[str]:
        return LEAD_STATES.actions(lead.status)


class LeadFilterSerializer(serializers.Serializer):
    view = serializers.ChoiceField(choices=[(key, key) for key in VIEWS], required=False)
    mine = serializers.BooleanField(required=False)
    pool = serializers.BooleanField(required=False)
    search = serializers.CharField(required=False, allow_blank=True, max_length=100)


class LeadActivitySerializer(serializers.ModelSerializer):
    created_by_name = UserNameField(source="created_by")

    class Meta:
        model = LeadActivity
        fields = ["id", "content", "next_on", "created_by", "created_by_name", "created_at"]
        read_only_fields = ["created_by", "created_at"]


class LeadAssignSerializer(serializers.Serializer):
    owner = serializers.IntegerField(min_value=1)


class LeadReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


class LeadConvertSerializer(serializers.Serializer):
    region = serializers.PrimaryKeyRelatedField(queryset=DictionaryItem.objects.of("region"), required=False)
    level = serializers.PrimaryKeyRelatedField(queryset=DictionaryItem.objects.of("customer_level"), required=False)
    opportunity_summary = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text=_("Given: an opportunity is opened too.")
    )
    opportunity_probability = serializers.IntegerField(min_value=0, max_value=100, required=False, default=30)
