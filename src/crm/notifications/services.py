"""Telling users something: every module calls `notify`. E-mail follows when SMTP is configured."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from crm.notifications.models import Notification

logger = logging.getLogger(__name__)


def notify(
    *, recipients, title: str, body: str = "", link: str = "", kind: str = "", email: bool = True
) -> list[Notification]:
    """An inbox entry for each active recipient; e-mail after commit when SMTP is configured."""
    users = [user for user in recipients if user is not None and user.is_active]
    rows = Notification.objects.bulk_create(
        [Notification(recipient=user, title=title[:200], body=body, link=link, kind=kind) for user in users]
    )
    if email and settings.CRM_EMAIL_ENABLED:
        addresses = [user.email for user in users if user.email]
        if addresses:
            transaction.on_commit(lambda: _send_email(addresses, title, body, link))
    return rows


def _send_email(addresses: list[str], title: str, body: str, link: str) -> None:
    text = body + (f"\n\n{link}" if link else "")
    for address in addresses:
        try:
            send_mail(title, text, None, [address], fail_silently=False)
        except OSError:
            logger.exception("notification e-mail to %s failed", address)


def notification_mark_read(*, user, notification_ids=None) -> int:
    """Mark some (or, with None, all) of the user's notifications read; returns how many."""
    queryset = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        queryset = queryset.filter(pk__in=list(notification_ids))
    return queryset.update(read_at=timezone.now())
