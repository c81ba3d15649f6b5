"""The reports in the API: their query parameters (checked: bad input is a 400 naming the field)
and their answers."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from crm.churn.models import ChurnWarning
from crm.reports import selectors


def _check_year(value):
    if value is not None and not selectors.MIN_YEAR <= value <= selectors.max_year():
        raise serializers.ValidationError(
            _("Enter a year from %(first)d to %(last)d.") % {"first": selectors.MIN_YEAR, "last": selectors.max_year()}
        )
    return value


class YearSerializer(serializers.Serializer):
    year = serializers.IntegerField(
        required=False, allow_null=True, help_text="Only this year (2000 to next year); every year when absent."
    )

    def validate_year(self, value):
        return _check_year(value)


class ContributionFilterSerializer(YearSerializer):
    customer = serializers.CharField(
        required=False, allow_blank=True, max_length=selectors.TEXT_LIMIT,
        help_text="Customer name fragment, pinyin or initials.",
    )
    ordering = serializers.ChoiceField(
        choices=list(selectors.CONTRIBUTION_ORDERINGS), required=False, help_text="Default: -total (largest first)."
    )


class CompositionFilterSerializer(serializers.Serializer):
    by = serializers.ChoiceField(
        choices=list(selectors.COMPOSITION_BY), required=False, help_text="Default: level."
    )


class ChurnFilterSerializer(serializers.Serializer):
    customer = serializers.CharField(
        required=False, allow_blank=True, max_length=selectors.TEXT_LIMIT,
        help_text="Customer name fragment, pinyin or initials.",
    )
    manager = serializers.CharField(
        required=False, allow_blank=True, max_length=selectors.TEXT_LIMIT,
        help_text="The account manager's name or login, or a part of it.",
    )


class ContributionRowSerializer(serializers.Serializer):
    customer = serializers.IntegerField(source="pk")
    customer_name = serializers.CharField(source="name")
    total = serializers.DecimalField(max_digits=16, decimal_places=2, help_text="Shipped and paid orders, summed.")


class GroupSerializer(serializers.Serializer):
    key = serializers.IntegerField(help_text="The dictionary item's id (level, service type) or the rating (1 to 5).")
    label = serializers.CharField()
    count = serializers.IntegerField()
    share = serializers.FloatField(help_text="Of the total, from 0 to 1.")


class CompositionSerializer(serializers.Serializer):
    by = serializers.CharField()
    total = serializers.IntegerField()
    results = GroupSerializer(many=True)


class ServicesSerializer(serializers.Serializer):
    year = serializers.IntegerField(allow_null=True)
    total = serializers.IntegerField()
    results = GroupSerializer(many=True)


class ChurnRecordSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    manager = serializers.IntegerField(source="customer.manager_id", read_only=True, allow_null=True)
    manager_name = serializers.SerializerMethodField()

    class Meta:
        model = ChurnWarning
        fields = [
            "id", "customer", "customer_name", "manager", "manager_name", "last_order_on", "confirmed_at", "reason",
        ]

    def get_manager_name(self, warning) -> str:
        manager = warning.customer.manager
        return (manager.name or manager.username) if manager else ""
