"""Shapes of the customers' settings in the API: tags (CUS-15), custom fields (CUS-14), public
pools (CUS-13), duplicate rules (CUS-8) and saved list views (CUS-11)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from crm.customers.api.serializers.fields import enum_field
from crm.customers.models import CustomField, DuplicateMode, DuplicateRule, Pool, SavedView, Tag
from crm.customers.services.config import CUSTOM_FIELD_FIELDS, SAVED_VIEW_FIELDS, TAG_FIELDS
from crm.customers.services.pool import POOL_FIELDS
from crm.identity.models import Department

DuplicateModeField = enum_field("DuplicateModeEnum", DuplicateMode.choices)
CustomFieldResourceField = enum_field("CustomFieldResourceEnum", CustomField.RESOURCES)
SavedViewLogicField = enum_field("SavedViewLogicEnum", SavedView._meta.get_field("logic").choices)


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


class SavedViewSerializer(serializers.ModelSerializer):
    """A named list view (CUS-11): conditions, quick filters, columns, sort order and chart."""

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
    chart = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=40),
        required=False,
        help_text=_('The list chart: {"chart": "bar", "group": "level", "agg": "count"}; see /api/v1/charts/.'),
    )
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
