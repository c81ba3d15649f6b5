"""Shapes of the sales administration API: money as decimal strings, months as YYYY-MM-DD (the
first day of the month)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from crm.identity.models import Department, User
from crm.salesadmin.models import ExpenseClaim, ExpenseLine, ReportKind, Target, WorkReport

SPANS = [("month", "month"), ("quarter", "quarter"), ("year", "year")]


class TargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Target
        fields = ["id", "month", "user", "department", "won_amount", "received", "new_customers", "followups",
                  "set_by", "updated_at"]
        read_only_fields = fields


class TargetWriteSerializer(serializers.Serializer):
    month = serializers.DateField(help_text=_("Any day of the month."))
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True)
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all(), required=False,
                                                    allow_null=True)
    won_amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False)
    received = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False)
    new_customers = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False)
    followups = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False)


class BoardQuerySerializer(serializers.Serializer):
    span = serializers.ChoiceField(choices=SPANS, default="month")
    month = serializers.DateField(required=False, help_text=_("A day of the period; today by default."))
    department = serializers.IntegerField(required=False)


class TargetMeasureSerializer(serializers.Serializer):
    key = serializers.CharField()
    target = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    below = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    actual = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    attainment = serializers.DecimalField(max_digits=10, decimal_places=1, allow_null=True)


class TargetLineSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="key")
    name = serializers.CharField()
    measures = TargetMeasureSerializer(source="cells", many=True)


class TargetBoardSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    people = TargetLineSerializer(many=True)
    departments = TargetLineSerializer(many=True)


class ReviewWriteSerializer(serializers.Serializer):
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    month = serializers.DateField()
    score = serializers.IntegerField(min_value=0, max_value=100)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class ReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    user = serializers.IntegerField(source="user_id")
    month = serializers.DateField()
    score = serializers.IntegerField()
    comment = serializers.CharField()


class ReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = WorkReport
        fields = ["id", "author", "kind", "period_start", "period_end", "figures", "summary", "plan", "status",
                  "submitted_at", "reviewer", "score", "comment", "reviewed_at"]
        read_only_fields = fields


class ReportWriteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ReportKind.choices)
    period_start = serializers.DateField(help_text=_("A day of the week or month."))
    summary = serializers.CharField(max_length=5000)
    plan = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    submit = serializers.BooleanField(default=False)


class ReportTextSerializer(serializers.Serializer):
    summary = serializers.CharField(max_length=5000)
    plan = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    submit = serializers.BooleanField(default=False)


class ReportReviewSerializer(serializers.Serializer):
    score = serializers.IntegerField(min_value=0, max_value=100)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class ExpenseLineSerializer(serializers.ModelSerializer):
    expense_type_name = serializers.CharField(source="expense_type.entry", read_only=True)
    has_receipt = serializers.SerializerMethodField()

    class Meta:
        model = ExpenseLine
        fields = ["id", "expense_type", "expense_type_name", "amount", "spent_on", "description", "customer",
                  "opportunity", "has_receipt"]
        read_only_fields = fields

    def get_has_receipt(self, line) -> bool:
        return bool(line.receipt)


class ClaimSerializer(serializers.ModelSerializer):
    lines = ExpenseLineSerializer(many=True, read_only=True)

    class Meta:
        model = ExpenseClaim
        fields = ["id", "number", "claimant", "title", "total", "status", "returned_reason", "paid", "paid_on",
                  "lines", "created_at"]
        read_only_fields = fields


class LineWriteSerializer(serializers.Serializer):
    id = serializers.IntegerField(required=False, help_text=_("An existing line kept with its receipt."))
    expense_type = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=9, decimal_places=2)
    spent_on = serializers.DateField()
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    customer = serializers.IntegerField(required=False, allow_null=True)
    opportunity = serializers.IntegerField(required=False, allow_null=True)


class ClaimWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=100)
    lines = LineWriteSerializer(many=True)


class PaySerializer(serializers.Serializer):
    paid = serializers.BooleanField(default=True)
    paid_on = serializers.DateField(required=False)


class StatsQuerySerializer(serializers.Serializer):
    span = serializers.ChoiceField(choices=SPANS, default="year")
    month = serializers.DateField(required=False)
    group = serializers.ChoiceField(choices=["type", "person", "department", "customer", "month"], default="type")


class StatsRowSerializer(serializers.Serializer):
    label = serializers.CharField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    lines = serializers.IntegerField()


class ReceiptUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("A photo (JPG, PNG) or a PDF."))
