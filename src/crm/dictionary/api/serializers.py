from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from crm.dictionary import categories
from crm.dictionary.models import DictionaryItem, Region


class DictionaryItemSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True, help_text=_("System number."))
    category_label = serializers.CharField(read_only=True)
    parent = serializers.PrimaryKeyRelatedField(
        queryset=DictionaryItem.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("Parent item (same category)."),
    )

    class Meta:
        model = DictionaryItem
        fields = [
            "id", "number", "category", "category_label", "entry", "value", "editable", "is_active", "sort_order",
            "parent", "created_at", "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        # Uniqueness of (category, value) is the service's rule: it answers on the field "value".
        validators = []

    def validate_category(self, value: str) -> str:
        if not categories.is_registered(value):
            raise serializers.ValidationError(_("Unknown category."))
        return value


class DictionaryCategorySerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)
    item_count = serializers.IntegerField(read_only=True)


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name", "short_name", "level", "parent"]
        read_only_fields = fields
