"""Shapes of orders, products and inventory in the API (ORD-2…4): read only, as the ERP sent them."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from crm.orders.models import Order, OrderLine, Product, Stock


class OrderSerializer(serializers.ModelSerializer):
    """A shipped (5) or paid (6) order of a customer, as the sales system sent it."""

    status_label = serializers.CharField(read_only=True, help_text=_("The status as users read it."))

    class Meta:
        model = Order
        fields = [
            "id", "external_id", "number", "customer", "customer_code", "customer_name", "ordered_on",
            "delivery_address", "status", "status_label", "total", "synced_at",
        ]
        read_only_fields = fields


class OrderLineSerializer(serializers.ModelSerializer):
    product_name = serializers.CharField(source="product.name", read_only=True)
    model_number = serializers.CharField(source="product.model_number", read_only=True)
    batch = serializers.CharField(source="product.batch", read_only=True)
    unit = serializers.CharField(source="product.unit", read_only=True)

    class Meta:
        model = OrderLine
        fields = ["line_no", "product", "product_name", "model_number", "batch", "quantity", "unit", "price", "amount"]
        read_only_fields = fields


class OrderDetailSerializer(OrderSerializer):
    lines = OrderLineSerializer(many=True, read_only=True, source="line_list")

    class Meta(OrderSerializer.Meta):
        fields = [*OrderSerializer.Meta.fields, "lines"]
        read_only_fields = fields


class ErpProductSerializer(serializers.ModelSerializer):
    stock_total = serializers.DecimalField(
        max_digits=20,
        decimal_places=3,
        read_only=True,
        allow_null=True,
        help_text=_("The quantity over every warehouse; null when no warehouse holds the product."),
    )

    class Meta:
        model = Product
        fields = [
            "id", "external_id", "name", "model_number", "batch", "unit", "price", "category", "stock_total",
            "synced_at",
        ]
        read_only_fields = fields


class ProductFilterSerializer(serializers.Serializer):
    name = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text=_("A part of the name, any case.")
    )
    model = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text=_("A part of the model, any case.")
    )
    batch = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text=_("A part of the batch, any case.")
    )
    ordering = serializers.ChoiceField(
        choices=["name", "-name"], required=False, help_text=_("By name: name or -name.")
    )


class StockSerializer(serializers.ModelSerializer):
    product_name = serializers.CharField(source="product.name", read_only=True)
    model_number = serializers.CharField(source="product.model_number", read_only=True)
    batch = serializers.CharField(source="product.batch", read_only=True)
    unit = serializers.CharField(source="product.unit", read_only=True)
    warehouse_name = serializers.CharField(source="warehouse.name", read_only=True)

    class Meta:
        model = Stock
        fields = [
            "id", "product", "product_name", "model_number", "batch", "warehouse", "warehouse_name", "quantity",
            "unit", "synced_at",
        ]
        read_only_fields = fields


class StockFilterSerializer(serializers.Serializer):
    product = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text=_("A part of the product's name or model.")
    )
    warehouse = serializers.IntegerField(required=False, min_value=1, help_text=_("A warehouse id."))


class UnmatchedGroupSerializer(serializers.Serializer):
    customer_code = serializers.CharField(help_text=_("The ERP's customer code of these orders."))
    customer_name = serializers.CharField(allow_null=True, help_text=_("The customer name the ERP sent."))
    orders = serializers.IntegerField(help_text=_("How many shipped or paid orders have this code and no customer."))
    total = serializers.DecimalField(max_digits=18, decimal_places=2, help_text=_("Their total."))
    newest = serializers.DateField(help_text=_("The newest order date."))


class ResolveSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=64, help_text=_("The ERP customer code of unmatched orders."))
    customer = serializers.IntegerField(min_value=1, help_text=_("The customer (in your scope) they belong to."))


class ResolvedSerializer(serializers.Serializer):
    code = serializers.CharField()
    customer = serializers.IntegerField()
    linked = serializers.IntegerField(help_text=_("How many orders now belong to the customer."))
