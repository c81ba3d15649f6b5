"""The caller's own notifications (s002 消息中心). Another user's notification is a 404."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from crm.core.api.viewsets import CrmReadOnlyViewSet
from crm.notifications.api.serializers import NotificationSerializer, ReadAllResultSerializer
from crm.notifications.models import Notification
from crm.notifications.selectors import notification_get, notification_list
from crm.notifications.services import notification_mark_read

_TRUE = {"1", "true", "yes", "on"}


@extend_schema_view(
    list=extend_schema(
        summary="List my notifications",
        parameters=[
            OpenApiParameter("unread", OpenApiTypes.BOOL, description="true: only unread notifications."),
        ],
    ),
    retrieve=extend_schema(summary="One of my notifications"),
)
class NotificationViewSet(CrmReadOnlyViewSet):
    serializer_class = NotificationSerializer

    def get_queryset(self):
        if self.for_schema:
            return Notification.objects.none()
        unread = self.request.query_params.get("unread", "").lower() in _TRUE
        return notification_list(user=self.request.user, unread_only=unread and self.action == "list")

    def get_object(self):
        return notification_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(summary="Mark one notification read", request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        notification_mark_read(user=request.user, notification_ids=[notification.pk])
        notification.refresh_from_db(fields=["read_at"])
        return Response(NotificationSerializer(notification).data)

    @extend_schema(summary="Mark all my notifications read", request=None, responses=ReadAllResultSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"updated": notification_mark_read(user=request.user)})
