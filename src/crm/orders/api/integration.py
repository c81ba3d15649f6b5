"""The ERP's push API (ORD-1): /api/v1/integration/{products,warehouses,inventory,orders}/.

The ERP sends `{"rows": [...]}`, up to 5,000 rows a call, and gets back per row what happened:
created, updated, unchanged or rejected with the errors by field. Sending the same batch again
changes nothing. Only the function `orders.integration.push` may call these: the ERP's service
account (`crm erp_account`) has it and nothing else. docs/orders-and-churn.md has a client."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from crm.core.api.viewsets import ERRORS, CrmViewSet
from crm.orders import sync
from crm.orders.permissions import INTEGRATION


class BatchSerializer(serializers.Serializer):
    rows = serializers.ListField(
        child=serializers.JSONField(), allow_empty=False, max_length=sync.MAX_ROWS,
        help_text="The rows; their fields per endpoint in docs/orders-and-churn.md.",
    )


class RowResultSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="Position in the batch, from 0.")
    key = serializers.CharField(help_text="The row's ERP key (for inventory: product@warehouse).")
    result = serializers.ChoiceField(choices=[sync.CREATED, sync.UPDATED, sync.UNCHANGED, sync.REJECTED])
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class CountsSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    rejected = serializers.IntegerField()


class BatchResultSerializer(serializers.Serializer):
    entity = serializers.CharField()
    counts = CountsSerializer()
    rows = RowResultSerializer(many=True)


def _batch(summary: str, description: str):
    return extend_schema(
        summary=summary, description=description, request=BatchSerializer,
        responses={200: BatchResultSerializer, 413: ERRORS[400], **ERRORS},
    )


class IntegrationViewSet(CrmViewSet):
    resource = INTEGRATION
    required_action = "push"
    serializer_class = BatchSerializer

    def _run(self, service):
        rows = self.valid(BatchSerializer)["rows"]
        result = service(actor=self.request.user, rows=rows)
        return Response(BatchResultSerializer(result).data)

    @_batch("Upsert products", "Fields: external_id, name, model, batch, unit, price, category.")
    @action(detail=False, methods=["post"])
    def products(self, request):
        return self._run(sync.products_sync)

    @_batch("Upsert warehouses", "Fields: external_id, name, address.")
    @action(detail=False, methods=["post"])
    def warehouses(self, request):
        return self._run(sync.warehouses_sync)

    @_batch("Upsert inventory", "Fields: product and warehouse (their ERP keys), quantity.")
    @action(detail=False, methods=["post"])
    def inventory(self, request):
        return self._run(sync.stock_sync)

    @_batch(
        "Upsert orders with their lines",
        "Fields: external_id, number, customer_code, customer_name, customer_credit_code, ordered_on "
        "(YYYY-MM-DD), delivery_address, status (5 shipped, 6 paid, others as the ERP has them), total "
        "(optional: the lines' sum), lines: [{line_no, product, quantity, price, amount}].",
    )
    @action(detail=False, methods=["post"])
    def orders(self, request):
        return self._run(sync.orders_sync)
