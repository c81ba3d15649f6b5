"""Orders, products and inventory in the API (ORD-2…4), read only: a customer's history at
/api/v1/customers/{id}/orders/, one order with its lines at /api/v1/orders/{id}/, products at
/api/v1/products/, stock at /api/v1/inventory/; unmatched orders at /api/v1/orders/unmatched/,
resolved by POST /api/v1/orders/resolve/ (`orders.order.resolve`). The ERP writes elsewhere."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from crm.access.engine import access_for
from crm.core.api.pagination import ListPagination
from crm.core.api.viewsets import ERRORS, CrmViewSet
from crm.core.errors import NotFound, ValidationFailed
from crm.orders import selectors
from crm.orders.api import serializers as s
from crm.orders.matching import orders_resolve
from crm.orders.models import Order, Product, Stock
from crm.orders.permissions import ORDER, PRODUCT, STOCK

CUSTOMER_PK = OpenApiParameter("customer_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="Customer id.")


@extend_schema(parameters=[CUSTOMER_PK])
@extend_schema_view(list=extend_schema(summary="A customer's order history (shipped and paid, newest first)"))
class CustomerOrderViewSet(mixins.ListModelMixin, CrmViewSet):
    """客户历史订单 (ORD-2): the customer's orders in status 5 (shipped) or 6 (paid), newest first
    (order date, then id). A customer outside your scope is 404."""

    resource = ORDER
    required_action = "view"
    serializer_class = s.OrderSerializer
    pagination_class = ListPagination
    queryset = Order.objects.none()

    def get_queryset(self):
        customer = selectors.customer_for_orders(user=self.request.user, pk=self.kwargs["customer_pk"])
        return selectors.order_history(user=self.request.user, customer=customer)


@extend_schema_view(
    retrieve=extend_schema(summary="Get an order with its lines", responses={200: s.OrderDetailSerializer, **ERRORS})
)
class OrderViewSet(mixins.RetrieveModelMixin, CrmViewSet):
    """One shipped or paid order with its lines and total; 404 outside your scope (its customer's)."""

    resource = ORDER
    serializer_class = s.OrderDetailSerializer
    queryset = Order.objects.none()

    def get_object(self):
        order = selectors.order_get(user=self.request.user, pk=self.kwargs["pk"])
        order.line_list = selectors.order_lines(order=order)
        return order

    @extend_schema(
        summary="Unmatched orders, by ERP customer code", responses={200: s.UnmatchedGroupSerializer(many=True)}
    )
    @action(detail=False, methods=["get"], required_action="resolve", pagination_class=ListPagination)
    def unmatched(self, request):
        """Shipped and paid orders whose ERP customer code names no customer, one row per code (newest
        first): for those who resolve them (`orders.order.resolve`)."""
        groups = selectors.unmatched_groups(user=request.user)
        page = self.paginate_queryset(groups)
        return self.get_paginated_response(s.UnmatchedGroupSerializer(page, many=True).data)

    @extend_schema(
        summary="Name the customer of unmatched orders",
        description="Every unmatched order with the ERP customer code `code`, and every later one, belongs "
        "to `customer` from now on. 404 when no unmatched order has the code.",
        request=s.ResolveSerializer,
        responses={200: s.ResolvedSerializer, **ERRORS},
    )
    @action(detail=False, methods=["post"], required_action="resolve")
    def resolve(self, request):
        data = self.valid(s.ResolveSerializer)
        try:
            customer = access_for(request.user).get("customers.customer", data["customer"])
        except NotFound as exc:
            raise ValidationFailed(fields={"customer": [_("No customer you may see has this id.")]}) from exc
        linked = orders_resolve(actor=request.user, code=data["code"], customer=customer)
        return Response({"code": data["code"], "customer": customer.pk, "linked": linked})


@extend_schema_view(list=extend_schema(summary="Query products", parameters=[s.ProductFilterSerializer]))
class ProductViewSet(mixins.ListModelMixin, CrmViewSet):
    """Products from the sales system (ORD-3), by name, model and batch (parts, any case), by name;
    each with its total stock over every warehouse."""

    resource = PRODUCT
    serializer_class = s.ErpProductSerializer
    pagination_class = ListPagination
    queryset = Product.objects.none()

    def get_queryset(self):
        filters = self.valid(s.ProductFilterSerializer, self.request.query_params)
        return selectors.product_list(user=self.request.user, filters=filters)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return None if page is None else selectors.attach_stock_totals(page)


@extend_schema_view(list=extend_schema(summary="Query inventory", parameters=[s.StockFilterSerializer]))
class StockViewSet(mixins.ListModelMixin, CrmViewSet):
    """Stock per product and warehouse (ORD-4), as the sales system last sent it: by product (a part
    of its name or model) and warehouse (id), in the products' name order."""

    resource = STOCK
    serializer_class = s.StockSerializer
    pagination_class = ListPagination
    queryset = Stock.objects.none()

    def get_queryset(self):
        filters = self.valid(s.StockFilterSerializer, self.request.query_params)
        return selectors.stock_list(user=self.request.user, filters=filters)
