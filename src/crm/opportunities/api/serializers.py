"""Shapes of opportunities and their development plans in the API (OPP-1…OPP-8)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from crm.access.drf import FieldRulesMixin
from crm.competitors.models import Competitor
from crm.core.api.serializers import UserNameField, enum_field
from crm.customers.models import Customer
from crm.customers.selectors.scope import customer_queryset
from crm.dictionary.models import DictionaryItem
from crm.opportunities.models import (
    OPPORTUNITY_STATES,
    Opportunity,
    OpportunityStatus,
    OpportunityTag,
    Pipeline,
    PlanItem,
    Stage,
)
from crm.opportunities.permissions import OPPORTUNITY
from crm.opportunities.selectors import ORDERINGS, VIEWS

StatusField = enum_field("OpportunityStatusEnum", OpportunityStatus.choices)


class OpportunitySerializer(FieldRulesMixin, serializers.ModelSerializer):
    """An opportunity. Number, creator and times are the system's; status, owner and customer
    change through the actions (assign, succeed, fail)."""

    resource = OPPORTUNITY
    status = StatusField(choices=OpportunityStatus.choices, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    customer = serializers.PrimaryKeyRelatedField(
        queryset=Customer.objects.none(),  # replaced per request: the customers in the caller's scope
        required=False,
        allow_null=True,
        help_text=_("On create only: open it on this existing customer; it is then developed by its creator."),
    )
    owner = serializers.PrimaryKeyRelatedField(read_only=True)
    owner_name = UserNameField(source="owner")
    created_by = serializers.PrimaryKeyRelatedField(read_only=True)
    created_by_name = UserNameField(source="created_by")
    competitors = serializers.PrimaryKeyRelatedField(
        queryset=Competitor.objects.all(),
        many=True,
        required=False,
        help_text=_("Ids of the competitors the customer also considers; changed while the opportunity is open."),
    )
    tags = serializers.PrimaryKeyRelatedField(
        queryset=OpportunityTag.objects.all(),
        many=True,
        required=False,
        help_text=_("Ids of the opportunity's tags (see /api/v1/opportunity-tags/); changed while it is open."),
    )
    stage_name = serializers.CharField(source="stage.name", read_only=True, allow_null=True, default=None)
    actions = serializers.SerializerMethodField(help_text=_("The steps its status allows now (assign, plan …)."))

    class Meta:
        model = Opportunity
        fields = [
            "id", "number", "source", "customer_name", "probability", "summary", "contact_name", "contact_phone",
            "description", "status", "status_label", "customer", "owner", "owner_name", "assigned_at",
            "created_by", "created_by_name", "created_at", "updated_at", "closed_at", "close_reason", "actions",
            "pipeline", "stage", "stage_name", "stage_changed_at", "expected_amount", "expected_close", "intent",
            "budget", "urgency", "priority", "lost_reason", "lost_to", "competitors", "tags",
        ]
        read_only_fields = [
            "number", "assigned_at", "created_at", "updated_at", "closed_at", "close_reason", "pipeline", "stage",
            "stage_changed_at", "priority", "lost_reason", "lost_to",
        ]
        extra_kwargs = {"customer_name": {"required": False}}

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if "customer" in fields and not fields["customer"].read_only:
            if self.instance is not None or request is None:
                fields["customer"].read_only = True
            else:
                fields["customer"].queryset = customer_queryset(request.user)
        return fields

    def get_actions(self, opportunity) -> list[str]:
        return OPPORTUNITY_STATES.actions(opportunity.status)

    def validate(self, attrs):
        if self.instance is None and not attrs.get("customer") and not attrs.get("customer_name"):
            raise serializers.ValidationError({"customer_name": [_("This field is required.")]})
        return attrs


class OpportunityFilterSerializer(serializers.Serializer):
    view = serializers.ChoiceField(
        choices=[(key, key) for key in VIEWS], required=False, help_text=_("A status, or all (the default).")
    )
    mine = serializers.BooleanField(required=False, help_text=_("Only those assigned to me."))
    created = serializers.BooleanField(required=False, help_text=_("Only those I created."))
    owner = serializers.IntegerField(required=False, min_value=1)
    customer = serializers.IntegerField(required=False, min_value=1)
    tag = serializers.IntegerField(required=False, min_value=1, help_text=_("Only those carrying this tag."))
    search = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text=_("Number, customer, summary or contact.")
    )
    ordering = serializers.ChoiceField(choices=[(key, key) for key in ORDERINGS], required=False)


class AssignSerializer(serializers.Serializer):
    owner = serializers.IntegerField(min_value=1, help_text=_("The account manager's user id."))


class SucceedSerializer(serializers.Serializer):
    """Only when a new customer is created: its region and level (the level defaults to the first)."""

    region = serializers.PrimaryKeyRelatedField(queryset=DictionaryItem.objects.of("region"), required=False)
    level = serializers.PrimaryKeyRelatedField(queryset=DictionaryItem.objects.of("customer_level"), required=False)


class SucceedAnswerSerializer(OpportunitySerializer):
    customer_created = serializers.BooleanField(read_only=True, help_text=_("A new customer was created."))

    class Meta(OpportunitySerializer.Meta):
        fields = [*OpportunitySerializer.Meta.fields, "customer_created"]


class FailSerializer(serializers.Serializer):
    lost_to = serializers.PrimaryKeyRelatedField(queryset=Competitor.objects.all(), required=False, allow_null=True)
    lost_reason = serializers.PrimaryKeyRelatedField(
        queryset=DictionaryItem.objects.of("lost_reason").active(), required=False, allow_null=True
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


class ShareSerializer(serializers.Serializer):
    users = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=100)
    can_edit = serializers.BooleanField(required=False, default=False)


class UnshareSerializer(serializers.Serializer):
    user = serializers.IntegerField(min_value=1)


class MoveSerializer(serializers.Serializer):
    stage = serializers.IntegerField(min_value=1, help_text=_("An open stage of the opportunity's pipeline."))


class PipelineStageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Stage
        fields = ["id", "name", "sort_order", "probability", "kind", "folded", "required_fields"]


class PipelineSerializer(serializers.ModelSerializer):
    stages = PipelineStageSerializer(many=True, read_only=True)

    class Meta:
        model = Pipeline
        fields = ["id", "name", "department", "is_default", "is_active", "sort_order", "stages"]


class PlanItemSerializer(serializers.ModelSerializer):
    """A step of the development plan; its date cannot change once planned."""

    class Meta:
        model = PlanItem
        fields = ["id", "opportunity", "date", "content", "result", "result_at", "created_at", "updated_at"]
        read_only_fields = ["opportunity", "result_at", "created_at", "updated_at"]
        extra_kwargs = {"result": {"required": False}}


class OpportunityTagSerializer(serializers.ModelSerializer):
    class Meta:
        model = OpportunityTag
        fields = ["id", "name", "color"]
