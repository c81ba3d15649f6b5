from decimal import Decimal

from rest_framework import serializers

from crm.identity.models import User
from crm.orders.models import Product
from crm.sales.models import (
    TAX_RATES,
    Invoice,
    InvoiceKind,
    InvoicingDetails,
    PaymentMethod,
    PaymentPlan,
    Quote,
    Receipt,
)


class PlanSerializer(serializers.ModelSerializer):
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), required=False)
    outstanding = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = PaymentPlan
        fields = ["id", "contract", "sequence", "amount", "due_on", "owner", "notes", "received", "outstanding"]
        read_only_fields = ["contract", "sequence", "received"]


class PlanWriteSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    due_on = serializers.DateField()
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), required=False)
    notes = serializers.CharField(max_length=200, required=False, allow_blank=True)


class PlanPatchSerializer(PlanWriteSerializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"), required=False)
    due_on = serializers.DateField(required=False)


class AllocationSerializer(serializers.Serializer):
    plan = serializers.IntegerField(source="plan_id")
    sequence = serializers.IntegerField(source="plan.sequence")
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)


class ReceiptSerializer(serializers.ModelSerializer):
    allocations = AllocationSerializer(many=True, read_only=True)

    class Meta:
        model = Receipt
        fields = ["id", "number", "contract", "amount", "received_on", "method", "account", "reference", "notes",
                  "over_reason", "status", "allocations", "created_at"]
        read_only_fields = fields


class ReceiptWriteSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    received_on = serializers.DateField()
    method = serializers.ChoiceField(choices=PaymentMethod.choices, default=PaymentMethod.TRANSFER)
    plan = serializers.PrimaryKeyRelatedField(queryset=PaymentPlan.objects.all(), required=False, allow_null=True)
    account = serializers.CharField(max_length=100, required=False, allow_blank=True)
    reference = serializers.CharField(max_length=60, required=False, allow_blank=True)
    notes = serializers.CharField(max_length=200, required=False, allow_blank=True)
    over_reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ReceiptFilterSerializer(serializers.Serializer):
    received_from = serializers.DateField(required=False)
    received_to = serializers.DateField(required=False)
    status = serializers.ChoiceField(choices=Receipt._meta.get_field("status").choices, required=False)
    contract = serializers.IntegerField(required=False, min_value=1)


class DetailsSerializer(serializers.ModelSerializer):
    class Meta:
        model = InvoicingDetails
        fields = ["name", "tax_id", "address", "phone", "bank", "account"]
        extra_kwargs = {"tax_id": {"max_length": 30}}


class InvoiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Invoice
        fields = ["id", "number", "contract", "amount", "kind", "tax_rate", "items", "buyer_name", "buyer_tax_id",
                  "buyer_address", "buyer_phone", "buyer_bank", "buyer_account", "over_reason", "status",
                  "invoice_no", "issued_on", "return_reason", "created_at"]
        read_only_fields = fields


class InvoiceWriteSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    kind = serializers.ChoiceField(choices=InvoiceKind.choices, default=InvoiceKind.NORMAL)
    tax_rate = serializers.ChoiceField(choices=TAX_RATES, default="13")
    items = serializers.CharField(max_length=500, required=False, allow_blank=True)
    over_reason = serializers.CharField(max_length=200, required=False, allow_blank=True)
    name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    tax_id = serializers.CharField(max_length=30, required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    bank = serializers.CharField(max_length=100, required=False, allow_blank=True)
    account = serializers.CharField(max_length=40, required=False, allow_blank=True)


class InvoiceFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Invoice._meta.get_field("status").choices, required=False)
    contract = serializers.IntegerField(required=False, min_value=1)


class IssueSerializer(serializers.Serializer):
    invoice_no = serializers.CharField(max_length=30)
    issued_on = serializers.DateField(required=False, allow_null=True, default=None)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class AgeingQuerySerializer(serializers.Serializer):
    group = serializers.ChoiceField(choices=["customer", "owner"], default="customer")


class AgeingRowSerializer(serializers.Serializer):
    group_id = serializers.IntegerField(allow_null=True)
    group_name = serializers.CharField(allow_null=True)
    not_due = serializers.DecimalField(max_digits=16, decimal_places=2)
    d0_30 = serializers.DecimalField(max_digits=16, decimal_places=2)
    d31_60 = serializers.DecimalField(max_digits=16, decimal_places=2)
    d61_90 = serializers.DecimalField(max_digits=16, decimal_places=2)
    over_90 = serializers.DecimalField(max_digits=16, decimal_places=2)
    total = serializers.DecimalField(max_digits=16, decimal_places=2)


class QuoteLineSerializer(serializers.Serializer):
    product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.all(), required=False, allow_null=True)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3)
    unit_price = serializers.DecimalField(max_digits=14, decimal_places=2)
    discount = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, default=0)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    position = serializers.IntegerField(read_only=True)


class ContractLinesSerializer(serializers.Serializer):
    lines = QuoteLineSerializer(many=True, max_length=50, allow_empty=True)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)


class QuoteWriteSerializer(serializers.Serializer):
    customer = serializers.IntegerField(min_value=1, required=False)
    title = serializers.CharField(max_length=100)
    valid_until = serializers.DateField()
    tax_rate = serializers.ChoiceField(choices=TAX_RATES, default="13")
    opportunity = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    lines = QuoteLineSerializer(many=True, max_length=50)


class QuoteSerializer(serializers.ModelSerializer):
    lines = QuoteLineSerializer(many=True, read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)

    class Meta:
        model = Quote
        fields = ["id", "number", "customer", "customer_name", "opportunity", "title", "valid_until", "tax_rate",
                  "subtotal", "tax", "total", "max_discount", "notes", "status", "owner", "contract", "lines",
                  "created_at"]
        read_only_fields = fields


class QuoteAnswerSerializer(serializers.Serializer):
    answer = serializers.ChoiceField(choices=["accept", "decline"])
