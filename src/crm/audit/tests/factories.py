"""Writing audit events for tests the way services do, and backdating them."""

import datetime
import zoneinfo

from crm.audit.models import AuditAction, AuditEvent
from crm.audit.services import audit_record
from crm.core import context

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def make_event(
    actor,
    action=AuditAction.UPDATE,
    *,
    instance=None,
    source="ui",
    ip="10.0.0.1",
    changes=None,
    message="",
    object_repr=None,
) -> AuditEvent:
    with context.acting(source, ip, "pytest"):
        return audit_record(
            actor=actor, action=action, instance=instance, changes=changes, message=message, object_repr=object_repr
        )


def backdate(event: AuditEvent, when: datetime.datetime) -> AuditEvent:
    """Test set-up only: the base manager is the one way past the append-only queryset."""
    AuditEvent._base_manager.filter(pk=event.pk).update(created_at=when)
    return AuditEvent.objects.get(pk=event.pk)


def shanghai(year, month, day, hour=12, minute=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)
