"""The reports in the API: their query parameters (checked: bad input is a 400 naming the field)
and their answers."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from crm.churn.models import ChurnWarning
from crm.reports import funnel, periods, products, selectors, work


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
    customer = serializers.IntegerField(source="row_id")
    customer_name = serializers.CharField(source="row_name")
    total = serializers.DecimalField(
        source="row_total", max_digits=18, decimal_places=2, help_text="Shipped and paid orders, summed."
    )


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


# --- the sales reports (RPT-5…7) and the dashboard ----------------------------------------------
class PeriodFilterSerializer(serializers.Serializer):
    date_from = serializers.DateField(
        required=False, allow_null=True, input_formats=["%Y-%m-%d"], help_text="First day, YYYY-MM-DD (inclusive)."
    )
    date_to = serializers.DateField(
        required=False, allow_null=True, input_formats=["%Y-%m-%d"], help_text="Last day, YYYY-MM-DD (inclusive)."
    )

    def validate(self, attrs):
        wrong = periods.period_error(
            attrs.get("date_from"), attrs.get("date_to"), first_year=selectors.MIN_YEAR,
            last_year=selectors.max_year(),
        )
        if wrong:
            raise serializers.ValidationError({wrong[0]: [wrong[1]]})
        return attrs

    def period(self, default: periods.Period) -> periods.Period:
        return periods.period_of(self.validated_data.get("date_from"), self.validated_data.get("date_to"), default)


class WorkFilterSerializer(PeriodFilterSerializer):
    group = serializers.ChoiceField(choices=list(work.GROUPS), required=False, help_text="person (default) or team.")
    team = serializers.IntegerField(
        required=False, **selectors.ID_BOUNDS, help_text="A department's id: its people only (implies group=person)."
    )


class ProductsFilterSerializer(PeriodFilterSerializer):
    by = serializers.ChoiceField(choices=list(products.BY), required=False, help_text="year, month (default) or day.")
    product = serializers.IntegerField(required=False, **selectors.ID_BOUNDS, help_text="Only this product (its id).")
    category = serializers.CharField(
        required=False, allow_blank=True, max_length=selectors.TEXT_LIMIT, help_text="Only this product category."
    )


class FunnelFilterSerializer(PeriodFilterSerializer):
    pipeline = serializers.IntegerField(
        required=False, **selectors.ID_BOUNDS, help_text="An active pipeline's id; the default pipeline when absent."
    )

    def validate_pipeline(self, value):
        if value is not None and value not in {p.pk for p in funnel.pipelines()}:
            raise serializers.ValidationError(_("Choose one of the active pipelines."))
        return value


MONEY = {"max_digits": 20, "decimal_places": 2}


class WorkValuesSerializer(serializers.Serializer):
    new_customers = serializers.IntegerField()
    followups = serializers.IntegerField()
    customers_contacted = serializers.IntegerField()
    plan_items_done = serializers.IntegerField()
    new_opportunities = serializers.IntegerField()
    won_amount = serializers.DecimalField(**MONEY)
    services_handled = serializers.IntegerField()


class WorkRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="key", allow_null=True, help_text="The user's or the department's id.")
    name = serializers.CharField()
    team = serializers.CharField(help_text="The person's department (empty for a team row).")
    values = WorkValuesSerializer()


class WorkReportSerializer(serializers.Serializer):
    date_from = serializers.DateField(source="period.start")
    date_to = serializers.DateField(source="period.end")
    group = serializers.CharField()
    results = WorkRowSerializer(many=True, source="rows")
    totals = WorkValuesSerializer()


class ProductRowSerializer(serializers.Serializer):
    period = serializers.SerializerMethodField(help_text="The period's first day, YYYY-MM-DD.")
    product = serializers.IntegerField(source="product_id")
    product_name = serializers.CharField(source="product__name")
    model = serializers.CharField(source="product__model_number")
    category = serializers.CharField(source="product__category")
    quantity = serializers.DecimalField(max_digits=20, decimal_places=3)
    amount = serializers.DecimalField(**MONEY)
    orders = serializers.IntegerField()

    def get_period(self, row) -> str:
        return products.as_date(row["bucket"]).isoformat()


class StepSerializer(serializers.Serializer):
    stage = serializers.IntegerField(source="stage_id")
    name = serializers.CharField()
    reached = serializers.IntegerField(help_text="Created in the period and at this stage or a later one.")
    current = serializers.IntegerField(help_text="At this stage now.")
    amount = serializers.DecimalField(**MONEY, help_text="Expected amount of those at this stage now.")
    conversion = serializers.FloatField(allow_null=True, help_text="To the next stage, 0 to 1.")


class MonthSerializer(serializers.Serializer):
    month = serializers.DateField()
    count = serializers.IntegerField()
    amount = serializers.DecimalField(**MONEY)
    weighted = serializers.DecimalField(**MONEY)


class OutcomeSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="key", allow_null=True)
    label = serializers.CharField()
    won = serializers.IntegerField()
    lost = serializers.IntegerField()
    won_amount = serializers.DecimalField(**MONEY, source="amount")


class LeaderSerializer(serializers.Serializer):
    user = serializers.IntegerField(source="key")
    name = serializers.CharField()
    value = serializers.DecimalField(**MONEY)


class LeaderboardsSerializer(serializers.Serializer):
    won_amount = LeaderSerializer(many=True)
    new_customers = LeaderSerializer(many=True)
    followups = LeaderSerializer(many=True)


class FunnelSerializer(serializers.Serializer):
    pipeline = serializers.IntegerField(source="pipeline.pk", allow_null=True)
    date_from = serializers.DateField(source="period.start")
    date_to = serializers.DateField(source="period.end")
    steps = StepSerializer(many=True)
    forecast = MonthSerializer(many=True)
    closed = OutcomeSerializer()
    lost_by_reason = OutcomeSerializer(many=True)
    by_competitor = OutcomeSerializer(many=True)
    leaderboards = LeaderboardsSerializer()


class FigureSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    current = serializers.DecimalField(**MONEY)
    previous = serializers.DecimalField(**MONEY)
    change = serializers.FloatField(allow_null=True, help_text="current against previous: 0.25 is 25% more.")


class CardSerializer(serializers.Serializer):
    period = serializers.CharField(source="key", help_text="today, week, month or year.")
    date_from = serializers.DateField(source="compared.current.start")
    date_to = serializers.DateField(source="compared.current.end")
    previous_from = serializers.DateField(source="compared.previous.start")
    previous_to = serializers.DateField(source="compared.previous.end")
    figures = FigureSerializer(many=True)


class BlockField(serializers.JSONField):
    """A block's data as JSON the API's way: decimals (money) as strings, dates as YYYY-MM-DD."""

    def to_representation(self, value):
        return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


class DashboardSerializer(serializers.Serializer):
    cards = CardSerializer(many=True)
    blocks = serializers.DictField(
        child=BlockField(), help_text="Blocks other apps add to the dashboard, by key (money as strings)."
    )
    funnel = StepSerializer(many=True)
    leaderboards = LeaderboardsSerializer()
