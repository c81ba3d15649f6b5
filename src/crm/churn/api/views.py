"""Churn warnings in the API (API.md): /api/v1/churn-warnings/ with the actions of s003/5 §3.2.2:
`measures` (暂缓流失: append a suspension measure) and `confirm` (确认流失, with the reason). A
step the state does not allow answers 409 `illegal_transition`; a warning outside the caller's
data scope is 404."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from crm.churn import selectors, services
from crm.churn.api import serializers as s
from crm.churn.models import ChurnWarning
from crm.churn.permissions import WARNING
from crm.core.api.pagination import ListPagination
from crm.core.api.viewsets import ERRORS, CrmViewSet


@extend_schema_view(
    list=extend_schema(summary="List churn warnings", parameters=[s.ChurnWarningFilterSerializer]),
    retrieve=extend_schema(
        summary="Get a churn warning with its measures", responses={200: s.ChurnWarningDetailSerializer}
    ),
)
class ChurnWarningViewSet(mixins.RetrieveModelMixin, mixins.ListModelMixin, CrmViewSet):
    """Churn warnings 流失预警 (CHURN-1…3) of the customers in your data scope."""

    resource = WARNING
    serializer_class = s.ChurnWarningSerializer
    pagination_class = ListPagination
    queryset = ChurnWarning.objects.none()

    def get_serializer_class(self):
        return s.ChurnWarningSerializer if self.action == "list" else s.ChurnWarningDetailSerializer

    def get_queryset(self):
        data = {}
        if self.action == "list":
            data = self.valid(s.ChurnWarningFilterSerializer, self.request.query_params)
        return selectors.warning_list(user=self.request.user, filters=data)

    def get_object(self):
        return selectors.warning_get(user=self.request.user, pk=self.kwargs["pk"])

    def list(self, request, *args, **kwargs):
        page = selectors.attach_figures(self.paginate_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        return self._answer(self.get_object())

    def _answer(self, warning, status_code=status.HTTP_200_OK):
        warning = selectors.warning_get(user=self.request.user, pk=warning.pk)
        serializer = s.ChurnWarningDetailSerializer(warning, context=self.get_serializer_context())
        return Response(serializer.data, status=status_code)

    @extend_schema(
        summary="Add a suspension measure (暂缓流失)",
        description="Appended and kept with its time and author; the first moves the warning open → suspended "
        "and the customer to churn suspended. 409 when the warning is confirmed or closed.",
        request=s.MeasureCreateSerializer,
        responses={201: s.ChurnWarningDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], required_action="suspend")
    def measures(self, request, pk=None):
        warning = self.get_object()
        data = self.valid(s.MeasureCreateSerializer)
        services.measure_add(actor=request.user, warning=warning, text=data["text"])
        return self._answer(warning, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Confirm the churn (确认流失)",
        description="Suspended → confirmed with the reason; the customer becomes lost. 409 before any measure.",
        request=s.ConfirmSerializer,
        responses={200: s.ChurnWarningDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], required_action="confirm")
    def confirm(self, request, pk=None):
        warning = self.get_object()
        data = self.valid(s.ConfirmSerializer)
        services.warning_confirm(actor=request.user, warning=warning, reason=data["reason"])
        return self._answer(warning)
