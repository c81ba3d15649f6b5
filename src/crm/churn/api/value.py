"""Customer value in the API (SEG-4): GET /api/v1/customer-values/, the model's figures for the
customers in your data scope, most at risk first; `alive_below` and `sort` as on the page."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers

from crm.churn.models import CustomerValue
from crm.churn.permissions import WARNING
from crm.churn.value import SORTS, customer_values
from crm.core.api.pagination import ListPagination
from crm.core.api.viewsets import CrmViewSet


class ValueFilterSerializer(serializers.Serializer):
    alive_below = serializers.FloatField(
        required=False, min_value=0, max_value=1, help_text="Only customers whose probability still active is below."
    )
    sort = serializers.ChoiceField(choices=sorted(SORTS), required=False, help_text="Default: alive (most at risk).")


class CustomerValueSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    manager = serializers.IntegerField(source="customer.manager_id", read_only=True, allow_null=True)

    class Meta:
        model = CustomerValue
        fields = [
            "customer", "customer_name", "manager", "orders", "first_order_on", "last_order_on", "spend", "p_alive",
            "expected_orders", "expected_spend", "refreshed_at",
        ]


@extend_schema_view(
    list=extend_schema(summary="Customer value and churn probability", parameters=[ValueFilterSerializer])
)
class CustomerValueViewSet(mixins.ListModelMixin, CrmViewSet):
    resource = WARNING
    required_action = "view"
    serializer_class = CustomerValueSerializer
    pagination_class = ListPagination
    queryset = CustomerValue.objects.none()

    def get_queryset(self):
        filters = {} if self.for_schema else self.valid(ValueFilterSerializer, self.request.query_params)
        return customer_values(user=self.request.user, filters=filters)
