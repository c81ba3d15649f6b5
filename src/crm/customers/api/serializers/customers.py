"""Shapes of the customers API's customers (API.md, CH-3; CUS-1, CUS-8, CUS-13, CUS-15). They
check the shape of what comes in and say how records look going out; the services in
crm.customers.services check the rules and write."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from crm.access.drf import FieldRulesMixin
from crm.access.shares import shares_of
from crm.customers.api.rows import CompiledRowsMixin
from crm.customers.api.serializers.fields import DATE_HELP, PicklistField, UserNameField
from crm.customers.models import Customer, CustomerStatus, Tag
from crm.customers.permissions import CUSTOMER
from crm.customers.selectors.customers import ORDERINGS
from crm.customers.services.customers import CUSTOMER_FIELDS
from crm.dictionary.models import Region, RegionLevel
from crm.identity.models import User

# Picklist fields of a customer: ids of data dictionary items, shown with their entry.
CUSTOMER_PICKLISTS = ("region", "level", "customer_type", "source", "industry", "potential", "stage")


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


def region_field(level: str, help_text) -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.filter(level=level), required=False, allow_null=True, help_text=help_text
    )


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
    manager_name = UserNameField()
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
    pool = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text=_("The public pool it waits in, if any.")
    )
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
