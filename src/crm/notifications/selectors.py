"""Reading a user's own notifications: nobody reads another user's inbox."""

from django.db.models import QuerySet

from crm.core.errors import NotFound
from crm.notifications.models import Notification


def notification_list(*, user, unread_only: bool = False) -> QuerySet:
    queryset = Notification.objects.filter(recipient=user)
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    return queryset.order_by("-id")


def notification_get(*, user, pk) -> Notification:
    """One of the user's notifications; another user's is NotFound, like one that does not exist."""
    try:
        return Notification.objects.get(recipient=user, pk=pk)
    except (Notification.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def unread_count(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def latest_unread(*, user, limit: int = 5) -> list[Notification]:
    return list(notification_list(user=user, unread_only=True)[:limit])
