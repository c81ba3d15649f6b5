"""The audit log API (ORG-8): read-only. Writes answer 405: the log is append-only."""

from drf_spectacular.utils import extend_schema, extend_schema_view

from crm.console.api.serializers import AuditEventFilterSerializer, AuditEventSerializer
from crm.console.selectors import audit_event_get, audit_event_list
from crm.core.api.pagination import CappedPageNumberPagination
from crm.core.api.viewsets import CrmReadOnlyViewSet


class AuditPagination(CappedPageNumberPagination):
    """Pages with a bounded count: `count` stops at 10,000 and `count_capped` says it did."""


@extend_schema_view(
    list=extend_schema(summary="List audit events", parameters=[AuditEventFilterSerializer]),
    retrieve=extend_schema(summary="One audit event"),
)
class AuditEventViewSet(CrmReadOnlyViewSet):
    resource = "audit.event"
    required_action = "view"  # every method asks for view; writes then answer 405
    serializer_class = AuditEventSerializer
    pagination_class = AuditPagination

    def get_queryset(self):
        if self.action != "list":
            return audit_event_list(user=self.request.user)
        params = AuditEventFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        queryset = audit_event_list(user=self.request.user, filters=params.filters())
        if params.validated_data.get("ordering") == "id":
            queryset = queryset.order_by("id")
        return queryset

    def get_object(self):
        return audit_event_get(user=self.request.user, pk=self.kwargs["pk"])
