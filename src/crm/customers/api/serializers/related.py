"""Shapes of what hangs off a customer in the API (CUS-3, CUS-4, CUS-5, CUS-12, CUS-16): its
timeline, contacts, follow-ups, interaction records, attachments and contracts."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from crm.access.drf import FieldRulesMixin
from crm.access.engine import access_for
from crm.customers.api.serializers.fields import DATE_HELP, PicklistField, UserNameField, enum_field
from crm.customers.models import (
    CONTRACT_STATES,
    Attachment,
    AttachmentKind,
    Contact,
    Contract,
    ContractStatus,
    Customer,
    CustomerEvent,
    FollowUp,
    Interaction,
)
from crm.customers.permissions import ATTACHMENT, CONTACT, CONTRACT
from crm.customers.selectors.scope import customer_queryset
from crm.customers.services.activities import FOLLOWUP_FIELDS, INTERACTION_FIELDS
from crm.customers.services.contacts import CONTACT_FIELDS
from crm.customers.services.contracts import CONTRACT_FIELDS
from crm.identity.models import User

AttachmentKindField = enum_field("AttachmentKindEnum", AttachmentKind.choices)
ContractStatusField = enum_field("ContractStatusEnum", ContractStatus.choices)


@extend_schema_field(OpenApiTypes.INT)
class ContextualRelatedField(serializers.PrimaryKeyRelatedField):
    """The id of one of the records `records(context)` offers: the customers in the caller's scope,
    the contacts of the customer in question (context["customer"]) …; others do not exist."""

    def __init__(self, records, **kwargs):
        self.records = records
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.records(self.context)


def _scoped_customers(context):
    request = context.get("request")
    return customer_queryset(request.user) if request is not None else Customer.objects.none()


def _of_the_customer(model):
    def records(context):
        customer = context.get("customer")
        return model.objects.filter(customer=customer) if customer is not None else model.objects.none()

    return records


class CustomerEventSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    actor = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    actor_name = UserNameField(source="actor")
    data = serializers.DictField(read_only=True)

    class Meta:
        model = CustomerEvent
        fields = ["id", "kind", "kind_label", "actor", "actor_name", "summary", "data", "created_at"]
        read_only_fields = fields


class ContactSerializer(FieldRulesMixin, serializers.ModelSerializer):
    """A contact (CUS-3); the first one of a customer becomes its primary contact."""

    resource = CONTACT
    customer = serializers.PrimaryKeyRelatedField(read_only=True)
    custom = serializers.DictField(required=False, help_text=_("Custom field values by key (record type contact)."))

    class Meta:
        model = Contact
        fields = ["id", "customer", *CONTACT_FIELDS, "custom", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]


class FollowUpSerializer(serializers.ModelSerializer):
    """A follow-up (CUS-5): it also sets the customer's last and next follow-up dates."""

    customer = serializers.PrimaryKeyRelatedField(read_only=True)
    contact = ContextualRelatedField(
        _of_the_customer(Contact), required=False, allow_null=True, help_text=_("A contact of this customer.")
    )
    contact_name = serializers.CharField(source="contact.name", read_only=True, allow_null=True)
    method = PicklistField("followup_method")
    method_entry = serializers.CharField(source="method.entry", read_only=True)
    followed_at = serializers.DateTimeField(required=False, help_text=_("Default: now."))
    created_by = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    created_by_name = UserNameField(source="created_by")

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "customer",
            *FOLLOWUP_FIELDS,
            "contact_name",
            "method_entry",
            "created_by",
            "created_by_name",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]


class InteractionSerializer(serializers.ModelSerializer):
    """An interaction record (CUS-4); its required fields cannot be blanked."""

    customer = serializers.PrimaryKeyRelatedField(read_only=True)
    created_by = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    created_by_name = UserNameField(source="created_by")

    class Meta:
        model = Interaction
        fields = ["id", "customer", *INTERACTION_FIELDS, "created_by", "created_by_name", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]


class AttachmentSerializer(FieldRulesMixin, serializers.ModelSerializer):
    resource = ATTACHMENT
    customer = serializers.PrimaryKeyRelatedField(read_only=True)
    kind = AttachmentKindField(choices=AttachmentKind.choices, read_only=True)
    contract = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    uploaded_by = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    uploaded_by_name = UserNameField(source="uploaded_by")
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id", "customer", "contract", "kind", "original_name", "size", "content_type", "description",
            "uploaded_by", "uploaded_by_name", "uploaded_at", "download_url",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_download_url(self, attachment) -> str:
        return f"/api/v1/attachments/{attachment.pk}/download/"


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("PDF, images, Office files, archives, text; at most the upload limit."))
    kind = AttachmentKindField(choices=AttachmentKind.choices, required=False, default=AttachmentKind.OTHER)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    contract = ContextualRelatedField(
        _of_the_customer(Contract), required=False, allow_null=True, help_text=_("A contract of this customer.")
    )


MONEY_TOTALS = ["planned_amount", "received_amount", "invoiced_amount"]


class ContractSerializer(FieldRulesMixin, serializers.ModelSerializer):
    """A contract (CUS-16). `customer` is needed when creating through /api/v1/contracts/."""

    resource = CONTRACT
    number = serializers.CharField(read_only=True)
    customer = ContextualRelatedField(
        _scoped_customers, required=False, help_text=_("Customer id (set on create; it does not change).")
    )
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), required=False, allow_null=True, help_text=_("Default: the customer's manager.")
    )
    owner_name = UserNameField(source="owner")
    status = ContractStatusField(choices=ContractStatus.choices, required=False)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Contract
        fields = [
            "id",
            "number",
            "customer",
            "customer_name",
            *CONTRACT_FIELDS,
            "status_reason",
            "status_label",
            "has_lines",
            "owner_name",
            *MONEY_TOTALS,
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at", "has_lines", *MONEY_TOTALS]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and "amount" in access_for(request.user).concealed_fields(CONTRACT):
            for name in MONEY_TOTALS:  # the payment totals reveal the amount they are parts of
                data.pop(name, None)
        return data


class ContractTransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=[(a, str(label)) for a, label in CONTRACT_STATES.labels.items()])
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200,
                                   help_text=_("Needed to terminate or void."))


class ContractFilterSerializer(serializers.Serializer):
    customer = serializers.IntegerField(required=False, min_value=1)
    unpaid = serializers.BooleanField(required=False, help_text=_("Signed contracts not fully paid."))
    status = serializers.ChoiceField(choices=ContractStatus.choices, required=False)
    owner = serializers.RegexField(r"^(\d+|me)$", required=False, help_text=_('A user id or "me".'))
    signed_from = serializers.DateField(required=False, help_text=DATE_HELP)
    signed_to = serializers.DateField(required=False, help_text=DATE_HELP)
    search = serializers.CharField(required=False, allow_blank=True, max_length=100, help_text=_("Number or title."))
    ordering = serializers.ChoiceField(
        choices=[("-id", "-id"), ("id", "id"), ("signed_on", "signed_on"), ("-signed_on", "-signed_on")],
        required=False,
    )
