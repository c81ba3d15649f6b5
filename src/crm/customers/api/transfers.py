"""Transfer requests in the API: asking for a customer someone else owns, after the duplicate
check blocked, and the owner's supervisor's decision (CUS-8). Who sees which request is the
selectors' (crm.customers.selectors.transfers), as on the page."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from crm.core.api.viewsets import ERRORS, CrmReadOnlyViewSet
from crm.core.errors import NotFound, ValidationFailed
from crm.customers.api.serializers import transfers as s
from crm.customers.models import TransferRequest
from crm.customers.permissions import TRANSFER
from crm.customers.selectors.transfers import transfer_list, visible_customer_ids
from crm.customers.services import duplicates, transfers


@extend_schema_view(
    list=extend_schema(
        summary="List transfer requests",
        description="The ones I made, the ones I decide, and the others my data scope reaches (as on the page).",
        parameters=[s.TransferFilterSerializer],
    ),
    retrieve=extend_schema(summary="Get a transfer request"),
    create=extend_schema(
        summary="Ask for a customer someone else owns",
        description=(
            "With the transfer_token of a duplicate match. The owner's supervisor decides (approve or reject)."
        ),
        request=s.TransferCreateSerializer,
        responses={201: s.TransferRequestSerializer, **ERRORS},
    ),
)
class TransferRequestViewSet(mixins.CreateModelMixin, CrmReadOnlyViewSet):
    """Requests for a customer someone else owns, after the duplicate check blocked (CUS-8)."""

    resource = TRANSFER
    serializer_class = s.TransferRequestSerializer
    queryset = TransferRequest.objects.none()

    def get_queryset(self):
        box = None
        if self.action == "list":
            box = self.valid(s.TransferFilterSerializer, self.request.query_params).get("box")
        return transfer_list(user=self.request.user, box=box)

    def _data(self, rows, *, many: bool = False):
        visible = visible_customer_ids(self.request.user, rows if many else [rows])
        context = {**self.get_serializer_context(), "visible_customers": visible}
        return s.TransferRequestSerializer(rows, many=many, context=context).data

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self._data(page, many=True))

    def retrieve(self, request, *args, **kwargs):
        return Response(self._data(self.get_object()))

    def create(self, request, *args, **kwargs):
        data = self.valid(s.TransferCreateSerializer)
        try:
            customer = duplicates.customer_from_transfer_token(actor=request.user, token=data["transfer_token"])
        except NotFound as exc:
            raise ValidationFailed(
                fields={"transfer_token": [_("The token is not valid, or it has expired; check for duplicates again.")]}
            ) from exc
        created = transfers.transfer_request_create(actor=request.user, customer=customer, reason=data["reason"])
        return Response(self._data(self.get_queryset().get(pk=created.pk)), status=status.HTTP_201_CREATED)

    def _decide(self, request, *, approve: bool) -> Response:
        transfer = self.get_object()
        data = self.valid(s.DecisionSerializer)
        transfers.transfer_request_decide(actor=request.user, request=transfer, approve=approve, note=data["note"])
        return Response(self._data(self.get_queryset().get(pk=transfer.pk)))

    @extend_schema(
        summary="Approve a transfer request: the customer is handed over to the requester",
        request=s.DecisionSerializer,
        responses={200: s.TransferRequestSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], required_action="approve")
    def approve(self, request, pk=None):
        return self._decide(request, approve=True)

    @extend_schema(
        summary="Reject a transfer request",
        request=s.DecisionSerializer,
        responses={200: s.TransferRequestSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], required_action="approve")
    def reject(self, request, pk=None):
        return self._decide(request, approve=False)
