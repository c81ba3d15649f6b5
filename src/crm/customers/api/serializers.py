"""Shapes of the customers API (API.md, CH-3). They check the shape of what comes in and say how
records look going out; the services in crm.customers.services check the rules and write."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from crm.access.drf import FieldRulesMixin
from crm.access.masking import mask_value
from crm.access.shares import shares_of
from crm.customers.api.rows import CompiledRowsMixin
from crm.customers.models import (
    Attachment,
    AttachmentKind,
    Contact,
    Contract,
    ContractStatus,
    Customer,
    CustomerEvent,
    CustomerStatus,
    CustomField,
    DuplicateMode,
    DuplicateRule,
    FollowUp,
    Interaction,
    Pool,
    SavedView,
    Tag,
    TransferRequest,
)
from crm.customers.permissions import ATTACHMENT, CONTACT, CONTRACT, CUSTOMER
from crm.customers.selectors.customers import ORDERINGS
from crm.customers.selectors.scope import customer_queryset
from crm.customers.services.activities import FOLLOWUP_FIELDS, INTERACTION_FIELDS
from crm.customers.services.config import CUSTOM_FIELD_FIELDS, SAVED_VIEW_FIELDS, TAG_FIELDS
from crm.customers.services.contacts import CONTACT_FIELDS
from crm.customers.services.customers import CUSTOMER_FIELDS
from crm.customers.services.files import CONTRACT_FIELDS
from crm.customers.services.pool import POOL_FIELDS
from crm.dictionary.models import DictionaryItem, Region, RegionLevel
from crm.identity.models import Department, User

# Picklist fields of a customer: ids of data dictionary items, shown with their entry.
CUSTOMER_PICKLISTS = ("region", "level", "customer_type", "source", "industry", "potential", "stage")
DATE_HELP = _("YYYY-MM-DD, inclusive.")


def _with_labels(names):
    """The entered fields, each picklist followed by its entry and each region by its name."""
    for name in names:
        yield name
        if name in CUSTOMER_PICKLISTS:
            yield f"{name}_entry"
        elif name in ("province", "city"):
            yield f"{name}_name"


# What a customer looks like: its number, what people enter (CUSTOMER_FIELDS, so a field the service
# learns shows up here too), who manages it, and what its own actions change.
CUSTOMER_OUTPUT = [
    "id",
    "number",
    "external_id",
    *_with_labels(CUSTOMER_FIELDS),
    "manager",
    "manager_name",
    "tags",
    "tag_names",
    "custom",
    "status",
    "status_label",
    "pool",
    "pool_name",
    "last_followup_at",
    "next_followup_on",
    "created_at",
    "updated_at",
    "confirm_duplicates",
]


# --- fields ---------------------------------------------------------------------------------------------------
def enum_field(component: str, choices) -> type:
    """A ChoiceField class whose choices are a schema component of their own (`component`): fields
    with a common name (status, kind, mode) but other choices elsewhere in the API then do not
    collide in drf-spectacular's enum naming."""
    values = [value for value, _label in choices]
    field_class = type(component, (serializers.ChoiceField,), {"__doc__": enum_field.__doc__})
    return extend_schema_field({"type": "string", "enum": values}, component_name=component)(field_class)


AttachmentKindField = enum_field("AttachmentKindEnum", AttachmentKind.choices)
ContractStatusField = enum_field("ContractStatusEnum", ContractStatus.choices)
DuplicateModeField = enum_field("DuplicateModeEnum", DuplicateMode.choices)
CustomFieldResourceField = enum_field("CustomFieldResourceEnum", CustomField.RESOURCES)
SavedViewLogicField = enum_field("SavedViewLogicEnum", SavedView._meta.get_field("logic").choices)


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


def region_field(level: str, help_text) -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.filter(level=level), required=False, allow_null=True, help_text=help_text
    )


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


# --- customers -----------------------------------------------------------------------------------------------
class CustomerSerializer(FieldRulesMixin, CompiledRowsMixin, serializers.ModelSerializer):
    """A customer (CUS-1). Picklists are ids with their entry beside them (`level` and
    `level_entry`); province and city are region codes. Fields the caller's field rules protect are
    masked, hidden or read-only here as on the page."""

    resource = CUSTOMER

    number = serializers.CharField(read_only=True, help_text=_("System number, such as KH000123."))
    external_id = serializers.CharField(
        max_length=64,
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text=_(
            "The customer's id in another system (an ERP). POST with an external_id that exists updates "
            "that customer instead of creating one (answer 200 instead of 201)."
        ),
    )
    region = PicklistField("region")
    region_entry = serializers.CharField(source="region.entry", read_only=True, allow_null=True)
    level = PicklistField("customer_level")
    level_entry = serializers.CharField(source="level.entry", read_only=True, allow_null=True)
    customer_type = PicklistField("customer_type", required=False, allow_null=True)
    customer_type_entry = serializers.CharField(source="customer_type.entry", read_only=True, allow_null=True)
    source = PicklistField("customer_source", required=False, allow_null=True)
    source_entry = serializers.CharField(source="source.entry", read_only=True, allow_null=True)
    industry = PicklistField("industry", required=False, allow_null=True)
    industry_entry = serializers.CharField(source="industry.entry", read_only=True, allow_null=True)
    potential = PicklistField("customer_potential", required=False, allow_null=True)
    potential_entry = serializers.CharField(source="potential.entry", read_only=True, allow_null=True)
    stage = PicklistField("customer_stage", required=False, allow_null=True)
    stage_entry = serializers.CharField(source="stage.entry", read_only=True, allow_null=True)
    satisfaction = serializers.IntegerField(min_value=1, max_value=5, help_text=_("1 to 5."))
    credit = serializers.IntegerField(min_value=1, max_value=5, help_text=_("1 to 5."))
    credit_code = serializers.CharField(
        max_length=25, required=False, allow_blank=True, help_text=_("Unified social credit code (18 characters).")
    )
    province = region_field(RegionLevel.PROVINCE, _("Province: its GB/T 2260 code, such as 440000."))
    province_name = serializers.CharField(source="province.name", read_only=True, allow_null=True)
    city = region_field(RegionLevel.CITY, _("City: its GB/T 2260 code, such as 440300; it lies in the province."))
    city_name = serializers.CharField(source="city.name", read_only=True, allow_null=True)
    manager = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(),
        required=False,
        allow_null=True,
        help_text=_(
            "Account manager (a user id); on create the caller by default. It changes by handover "
            "(POST /api/v1/customers/{id}/handover/), not by an update."
        ),
    )
    manager_name = UserNameField(source="manager")
    tags = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Tag.objects.all(), required=False, help_text=_("Tag ids.")
    )
    tag_names = serializers.SlugRelatedField(source="tags", slug_field="name", many=True, read_only=True)
    custom = serializers.DictField(
        required=False,
        help_text=_(
            "Custom field values by key (see /api/v1/customer-custom-fields/). The keys given are set; "
            'null or "" clears one; the others stay.'
        ),
    )
    status = serializers.CharField(read_only=True, help_text=_("normal, churn_warning, churn_suspended or lost."))
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    pool = serializers.PrimaryKeyRelatedField(read_only=True, help_text=_("The public pool it waits in, if any."))
    pool_name = serializers.CharField(source="pool.name", read_only=True, allow_null=True)
    confirm_duplicates = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text=_('true: save although the duplicate check warned (409 "duplicate_warning").'),
    )

    class Meta:
        model = Customer
        fields = CUSTOMER_OUTPUT
        read_only_fields = ["id", "last_followup_at", "next_followup_on", "created_at", "updated_at"]
        validators = []  # uniqueness (external_id) and every other rule: the service's

    def service_arguments(self) -> dict:
        """The validated values as the keyword arguments of customer_create / customer_update."""
        data = dict(self.validated_data)
        arguments = {
            "data": {name: data[name] for name in CUSTOMER_FIELDS if name in data},
            "confirm_duplicates": data.get("confirm_duplicates", False),
        }
        for name in ("manager", "tags", "custom"):
            if name in data:
                arguments[name] = data[name]
        if "external_id" in data:
            arguments["external_id"] = data["external_id"] or ""
        return arguments


class ShareSerializer(serializers.Serializer):
    user = serializers.IntegerField(source="user_id", read_only=True)
    name = serializers.CharField(source="user.__str__", read_only=True)
    can_edit = serializers.BooleanField(read_only=True)


class CustomerDetailSerializer(CustomerSerializer):
    """One customer, with the colleagues it is shared with."""

    shares = serializers.SerializerMethodField()

    class Meta(CustomerSerializer.Meta):
        fields = [*CustomerSerializer.Meta.fields, "shares"]

    @extend_schema_field(ShareSerializer(many=True))
    def get_shares(self, customer) -> list:
        return ShareSerializer(shares_of(CUSTOMER, customer), many=True).data


class PoolCustomerSerializer(CustomerSerializer):
    """A customer waiting in a public pool."""

    pooled_at = serializers.DateTimeField(read_only=True, allow_null=True)
    previous_manager = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    previous_manager_name = UserNameField(source="previous_manager")

    class Meta(CustomerSerializer.Meta):
        fields = [*CustomerSerializer.Meta.fields, "pooled_at", "previous_manager", "previous_manager_name"]


class CustomerFilterSerializer(serializers.Serializer):
    """The list's query parameters, for the schema: CustomerFilters.from_params reads them, as it
    does the list page's and the exports' (CUS-11). Custom fields filter as `custom.<key>=<value>`
    (exact value; not for multiple-choice fields)."""

    search = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text=_("Name, pinyin, initials, phone, contact, number.")
    )
    region = serializers.IntegerField(required=False, min_value=1, help_text=_("Picklist item id."))
    level = serializers.IntegerField(required=False, min_value=1, help_text=_("Picklist item id."))
    source = serializers.IntegerField(required=False, min_value=1, help_text=_("Picklist item id."))
    industry = serializers.IntegerField(required=False, min_value=1, help_text=_("Picklist item id."))
    customer_type = serializers.IntegerField(required=False, min_value=1, help_text=_("Picklist item id."))
    potential = serializers.IntegerField(required=False, min_value=1, help_text=_("Picklist item id."))
    stage = serializers.IntegerField(required=False, min_value=1, help_text=_("Picklist item id."))
    province = serializers.RegexField(r"^\d{6}$", required=False, help_text=_("Region code."))
    city = serializers.RegexField(r"^\d{6}$", required=False, help_text=_("Region code."))
    pool = serializers.IntegerField(required=False, min_value=1, help_text=_("Public pool id."))
    manager = serializers.RegexField(
        r"^(\d+|me|none)$", required=False, help_text=_('A user id, "me", or "none" (customers in a pool).')
    )
    status = serializers.ChoiceField(choices=CustomerStatus.choices, required=False)
    tag = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        help_text=_("Tag id; repeat the parameter for customers with any of several tags."),
    )
    shared = serializers.BooleanField(required=False, help_text=_("true: only customers shared with me."))
    last_followup_from = serializers.DateField(required=False, help_text=DATE_HELP)
    last_followup_to = serializers.DateField(required=False, help_text=DATE_HELP)
    next_followup_from = serializers.DateField(required=False, help_text=DATE_HELP)
    next_followup_to = serializers.DateField(required=False, help_text=DATE_HELP)
    created_from = serializers.DateField(required=False, help_text=DATE_HELP)
    created_to = serializers.DateField(required=False, help_text=DATE_HELP)
    ordering = serializers.ChoiceField(
        choices=[(key, key) for key in ORDERINGS], required=False, help_text=_("Sort order; default -id (newest).")
    )


class PoolFilterSerializer(serializers.Serializer):
    pool = serializers.IntegerField(required=False, min_value=1, help_text=_("Only this pool."))
    search = serializers.CharField(required=False, allow_blank=True, max_length=100)


# --- actions -------------------------------------------------------------------------------------------------
class ShareRequestSerializer(serializers.Serializer):
    users = serializers.PrimaryKeyRelatedField(
        many=True, queryset=User.objects.all(), allow_empty=False, help_text=_("User ids.")
    )
    can_edit = serializers.BooleanField(required=False, default=False, help_text=_("They may also edit."))


class UnshareRequestSerializer(serializers.Serializer):
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), help_text=_("User id."))


class HandoverRequestSerializer(serializers.Serializer):
    manager = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), help_text=_("The new account manager."))
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ReleaseRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, help_text=_("Why the customer goes back to the pool."))


class BulkHandoverSerializer(serializers.Serializer):
    customers = serializers.ListField(
        child=serializers.IntegerField(min_value=1), allow_empty=False, max_length=1000, help_text=_("Customer ids.")
    )
    manager = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), help_text=_("The new account manager."))
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class AssignRequestSerializer(serializers.Serializer):
    customers = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        allow_empty=False,
        max_length=500,
        help_text=_("Ids of customers in a public pool."),
    )
    manager = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), help_text=_("The account manager."))


class CountSerializer(serializers.Serializer):
    count = serializers.IntegerField(read_only=True, help_text=_("How many customers changed hands."))


class MergeRequestSerializer(serializers.Serializer):
    target = serializers.IntegerField(min_value=1, help_text=_("The customer that stays."))
    others = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        allow_empty=False,
        max_length=50,
        help_text=_("The customers folded into the target and deleted."),
    )
    choices = serializers.DictField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        default=dict,
        help_text=_("Field name -> id of the customer whose value the merged customer keeps (default: the target's)."),
    )


class DuplicateQuerySerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    email = serializers.CharField(required=False, allow_blank=True, max_length=120)
    credit_code = serializers.CharField(required=False, allow_blank=True, max_length=25)
    exclude = serializers.IntegerField(
        required=False, min_value=1, help_text=_("Id of the customer being edited, left out of the matches.")
    )


class DuplicateMatchSerializer(serializers.Serializer):
    """One possible duplicate. Outside the caller's scope it has no id and a masked name, but a
    transfer_token to ask the owner's supervisor for the customer (/api/v1/customer-transfer-requests/)."""

    reasons = serializers.ListField(
        child=serializers.CharField(), help_text=_("name, phone, email, credit_code, similar_name.")
    )
    reason_text = serializers.CharField()
    mode = serializers.CharField(help_text=_("block or warn."))
    score = serializers.IntegerField(allow_null=True, help_text=_("Similarity 0–100 of a similar name."))
    in_pool = serializers.BooleanField()
    manager = serializers.CharField(allow_null=True)
    department = serializers.CharField(allow_null=True)
    visible = serializers.BooleanField(help_text=_("Whether the caller may open the customer."))
    id = serializers.IntegerField(required=False)
    number = serializers.CharField(required=False)
    name = serializers.CharField()
    url = serializers.CharField(required=False)
    transfer_token = serializers.CharField(required=False)


class DuplicatesSerializer(serializers.Serializer):
    duplicates = DuplicateMatchSerializer(many=True, read_only=True)


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


# --- what hangs off a customer ------------------------------------------------------------------------------
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
            "id",
            "customer",
            "contract",
            "kind",
            "original_name",
            "size",
            "content_type",
            "description",
            "uploaded_by",
            "uploaded_by_name",
            "uploaded_at",
            "download_url",
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
            "status_label",
            "owner_name",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]

    def service_data(self) -> dict:
        return {k: v for k, v in self.validated_data.items() if k != "customer"}


class ContractFilterSerializer(serializers.Serializer):
    customer = serializers.IntegerField(required=False, min_value=1)
    status = serializers.ChoiceField(choices=ContractStatus.choices, required=False)
    owner = serializers.RegexField(r"^(\d+|me)$", required=False, help_text=_('A user id or "me".'))
    signed_from = serializers.DateField(required=False, help_text=DATE_HELP)
    signed_to = serializers.DateField(required=False, help_text=DATE_HELP)
    search = serializers.CharField(required=False, allow_blank=True, max_length=100, help_text=_("Number or title."))
    ordering = serializers.ChoiceField(
        choices=[("-id", "-id"), ("id", "id"), ("signed_on", "signed_on"), ("-signed_on", "-signed_on")],
        required=False,
    )


# --- settings -----------------------------------------------------------------------------------------------
class TagSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ["id", *TAG_FIELDS, "created_at"]
        read_only_fields = ["id", "created_at"]
        extra_kwargs = {"name": {"validators": []}}


class CustomFieldSerializer(serializers.ModelSerializer):
    resource = CustomFieldResourceField(choices=CustomField.RESOURCES, required=False)
    options = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, help_text=_("For choice fields.")
    )

    class Meta:
        model = CustomField
        fields = ["id", *CUSTOM_FIELD_FIELDS]
        read_only_fields = ["id"]
        validators = []  # (resource, key) is unique: the service answers on the field "key"


class PoolSerializer(serializers.ModelSerializer):
    departments = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=Department.objects.all(),
        required=False,
        help_text=_("Departments served, with their sub-departments; none: the whole company."),
    )

    class Meta:
        model = Pool
        fields = ["id", *POOL_FIELDS, "departments", "created_at"]
        read_only_fields = ["id", "created_at"]
        extra_kwargs = {"name": {"validators": []}}


class DuplicateRuleSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text=_("name, phone, email, credit_code or similar_name."))
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    mode = DuplicateModeField(choices=DuplicateMode.choices, required=False)
    threshold = serializers.IntegerField(
        min_value=50, max_value=100, required=False, help_text=_("Similar names: the least similarity that counts.")
    )
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = DuplicateRule
        fields = ["kind", "kind_label", "mode", "threshold", "updated_at"]


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
            "id",
            "customer",
            "customer_name",
            "requester",
            "requester_name",
            "owner",
            "owner_name",
            "approver",
            "approver_name",
            "reason",
            "status",
            "status_label",
            "decided_by",
            "decided_by_name",
            "decided_at",
            "decision_note",
            "created_at",
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


class SavedViewSerializer(serializers.ModelSerializer):
    """A named list view (CUS-11): conditions, quick filters, columns and sort order."""

    logic = SavedViewLogicField(choices=SavedView._meta.get_field("logic").choices, required=False)
    conditions = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        help_text=_('[{"field": "level", "op": "eq", "value": "3"}, …]; fields and operators as on the list page.'),
    )
    filters = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        help_text=_("Quick filters: the list's query parameters."),
    )
    columns = serializers.ListField(child=serializers.CharField(max_length=40), required=False)
    owner = serializers.PrimaryKeyRelatedField(read_only=True)
    mine = serializers.SerializerMethodField()

    class Meta:
        model = SavedView
        fields = ["id", *SAVED_VIEW_FIELDS, "owner", "mine", "created_at"]
        read_only_fields = ["id", "owner", "created_at"]
        validators = []

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_mine(self, view) -> bool:
        request = self.context.get("request")
        return request is not None and view.owner_id == request.user.pk


# --- documentation of the error body ------------------------------------------------------------------------
class ApiErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("validation_error, not_found, duplicate, duplicate_warning, …"))
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)
    details = serializers.DictField(
        required=False, help_text=_("Structured facts, such as the duplicates found (details.duplicates).")
    )


class ApiErrorSerializer(serializers.Serializer):
    error = ApiErrorBodySerializer()
