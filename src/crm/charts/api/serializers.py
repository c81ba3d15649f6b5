"""The chart API's query parameters (for the schema; the selector checks them against the list's
fields) and its answer."""

from rest_framework import serializers

from crm.charts.selectors import AGGREGATES, KINDS


class ChartQuerySerializer(serializers.Serializer):
    chart = serializers.ChoiceField(choices=list(KINDS), required=False, help_text="Default: bar.")
    group = serializers.CharField(help_text="The field to group by: one of the list's group fields (see docs/api.md).")
    group2 = serializers.CharField(required=False, help_text="A second field to group by: one series per value.")
    agg = serializers.ChoiceField(choices=list(AGGREGATES), required=False, help_text="Default: count.")
    measure = serializers.CharField(required=False, help_text="The number field summed or averaged (sum, avg).")


class ChartCategorySerializer(serializers.Serializer):
    key = serializers.CharField(help_text='The group\'s value; "" empty, "__others__" the groups beyond the top 10.')
    label = serializers.CharField()
    link = serializers.CharField(allow_null=True, help_text="The list page filtered to this group, where it can be.")


class ChartSeriesSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    values = serializers.ListField(
        child=serializers.FloatField(allow_null=True), help_text="One per category, in their order."
    )


class ChartSerializer(serializers.Serializer):
    list = serializers.CharField()
    chart = serializers.CharField()
    group = serializers.CharField()
    group2 = serializers.CharField(required=False)
    agg = serializers.CharField()
    measure = serializers.CharField(required=False)
    title = serializers.CharField()
    categories = ChartCategorySerializer(many=True)
    series = ChartSeriesSerializer(many=True)
    total = serializers.FloatField(allow_null=True, help_text="The value over every record charted.")
