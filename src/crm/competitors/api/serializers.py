"""Shapes of competitors (CMP-1), their products (CMP-3) and news (CMP-2) in the API."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from crm.competitors.models import CompanySize, Competitor, CompetitorNews, CompetitorProduct, ThreatLevel
from crm.competitors.services import COMPETITOR_FIELDS, NEWS_FIELDS, PRODUCT_FIELDS

WEB_ADDRESS_HELP = _("http or https; a bare host such as www.example.com is read as https.")


def _enum(component: str, values: list[str]) -> type:
    """A ChoiceField whose values are a schema component of their own, named after the competitors
    app, so that a `size` or `level` elsewhere in the API keeps its own enum."""
    field_class = type(component, (serializers.ChoiceField,), {})
    return extend_schema_field({"type": "string", "enum": values}, component_name=component)(field_class)


ThreatLevelField = _enum("CompetitorThreatLevelEnum", ThreatLevel.values)
SizeField = _enum("CompetitorSizeEnum", ["", *CompanySize.values])


def _web_address(**kwargs) -> serializers.CharField:
    # Checked by the service, which completes a bare host first.
    return serializers.CharField(max_length=200, required=False, allow_blank=True, help_text=WEB_ADDRESS_HELP, **kwargs)


class _Creator(serializers.ModelSerializer):
    created_by = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    created_by_name = serializers.CharField(source="created_by", read_only=True, allow_null=True)


class CompetitorSerializer(_Creator):
    """A competitor (CMP-1): company-wide, with its product count and latest news date."""

    website = _web_address()
    size = SizeField(choices=[("", "—"), *CompanySize.choices], required=False, allow_blank=True)
    size_label = serializers.CharField(source="get_size_display", read_only=True)
    threat_level = ThreatLevelField(choices=ThreatLevel.choices, required=False, help_text=_("Default: medium."))
    threat_level_label = serializers.CharField(source="get_threat_level_display", read_only=True)
    product_count = serializers.IntegerField(read_only=True)
    latest_news_on = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = Competitor
        fields = [
            "id", *COMPETITOR_FIELDS, "size_label", "threat_level_label", "product_count", "latest_news_on",
            "created_by", "created_by_name", "created_at", "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]


class CompetitorFilterSerializer(serializers.Serializer):
    search = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text=_("Name, pinyin or initials.")
    )
    threat_level = ThreatLevelField(choices=ThreatLevel.choices, required=False)


class ProductSerializer(_Creator):
    """A product of a competitor (CMP-3)."""

    competitor = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = CompetitorProduct
        fields = ["id", "competitor", *PRODUCT_FIELDS, "created_by", "created_by_name", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]


class NewsSerializer(_Creator):
    """A dated piece of news about a competitor (CMP-2)."""

    competitor = serializers.PrimaryKeyRelatedField(read_only=True)
    competitor_name = serializers.CharField(source="competitor.name", read_only=True)
    source_url = _web_address()

    class Meta:
        model = CompetitorNews
        fields = [
            "id", "competitor", "competitor_name", *NEWS_FIELDS, "created_by", "created_by_name", "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]


class NewsFilterSerializer(serializers.Serializer):
    search = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text=_("Title, or the competitor's name.")
    )
    competitor = serializers.IntegerField(required=False, min_value=1, help_text=_("A competitor's id."))
