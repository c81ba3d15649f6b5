"""The audit log API (ORG-8): read-only. Writes answer 405: the log is append-only. And the workbench."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.response import Response
from rest_framework.views import APIView

from crm.console.api.serializers import AuditEventFilterSerializer, AuditEventSerializer, WorkbenchPanelSerializer
from crm.console.selectors import audit_event_get, audit_event_list
from crm.console.workbench import workbench
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


class WorkbenchView(APIView):
    """/api/v1/workbench/: what the workbench shows the caller (WB-1), panel by panel."""

    @extend_schema(
        summary="The workbench (工作台)",
        description="The caller's workbench panels, each with its key and content: follow-ups due, birthdays, "
        "recent customers, opportunities, leads, churn warnings, services, customers about to return to the pool, "
        "approvals, payments due, notifications. Only the panels the caller may see, with their records in scope.",
        responses={200: WorkbenchPanelSerializer(many=True)},
    )
    def get(self, request):
        return Response(WorkbenchPanelSerializer(workbench(request.user), many=True).data)
