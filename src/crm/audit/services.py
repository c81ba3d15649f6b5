"""Writing the audit log. Services call these inside their own transaction, so a change and its
audit row commit or roll back together (Zulip's do_* actions)."""

import datetime
import decimal
import functools
import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import models

from crm.audit.models import AuditAction, AuditEvent
from crm.core import context
from crm.core.bulk import insert_select, insert_values


def audit_record(
    *, actor, action: str, instance=None, changes: dict | None = None, message: str = "", object_repr: str | None = None
) -> AuditEvent:
    ctx = context.current()
    event = AuditEvent(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=_actor_name(actor),
        action=action,
        source=ctx.source,
        ip=ctx.ip,
        user_agent=ctx.user_agent,
        changes=_jsonable(changes or {}),
        message=message[:500],
    )
    if instance is not None:
        event.content_type = ContentType.objects.get_for_model(instance)
        event.object_id = str(instance.pk)
        event.object_repr = (object_repr if object_repr is not None else str(instance))[:200]
    elif object_repr:
        event.object_repr = object_repr[:200]
    event.save()
    return event


def audit_create(*, actor, instance, fields: list[str] | None = None) -> AuditEvent:
    values = snapshot(instance, fields)
    return audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=instance,
        changes={name: [None, value] for name, value in values.items()},
    )


def audit_update(*, actor, instance, changes: dict) -> AuditEvent | None:
    if not changes:
        return None
    return audit_record(actor=actor, action=AuditAction.UPDATE, instance=instance, changes=changes)


def audit_delete(*, actor, instance, fields: list[str] | None = None) -> AuditEvent:
    values = snapshot(instance, fields)
    return audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        instance=instance,
        changes={name: [value, None] for name, value in values.items()},
    )


def snapshot(instance, fields: list[str] | None = None) -> dict:
    """The concrete field values of a record, foreign keys as ids; secrets left out."""
    data = instance.__dict__
    return {
        name: data[attname] if attname in data else getattr(instance, attname)
        for name, attname in _snapshot_fields(type(instance), None if fields is None else tuple(fields))
    }


@functools.cache
def _snapshot_fields(model, fields: tuple[str, ...] | None) -> tuple[tuple[str, str], ...]:
    """(name, attname) of the fields a snapshot takes, in the model's order."""
    return tuple(
        (field.name, field.attname)
        for field in model._meta.concrete_fields
        if (fields is None or field.name in fields) and field.name not in {"password", "id"}
    )


def _actor_name(actor) -> str:
    if actor is None or getattr(actor, "pk", None) is None:
        return ""
    return f"{actor.get_username()}" + (f" ({actor.name})" if getattr(actor, "name", "") else "")


_PLAIN = frozenset({str, int, float, bool, type(None)})


def _jsonable(value):
    if type(value) in _PLAIN:  # nearly every value: answered before the checks below
        return value
    if isinstance(value, dict):  # {field: [before, after]}: plain leaves are answered without a call
        return {
            (key if type(key) is str else str(key)): (item if type(item) in _PLAIN else _jsonable(item))
            for key, item in value.items()
        }
    if isinstance(value, list | tuple | set):
        return [item if type(item) in _PLAIN else _jsonable(item) for item in value]
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if hasattr(value, "name") and hasattr(value, "url"):  # FieldFile
        return value.name or None
    return value


# Public name for other apps that store change dicts the same way (customer timeline).
jsonable = _jsonable


def audit_records_bulk(*, actor, action: str, model, rows, message: str = "") -> int:
    """Many audit events in one insert (imports, bulk handover, pool returns): rows of
    (pk, repr, changes)."""
    shared = _bulk_shared(actor, action, model, message)
    return insert_values(
        AuditEvent,
        _BULK_COLUMNS,
        ((*shared, str(pk), str(text)[:200], _jsonable(changes or {})) for pk, text, changes in rows),
    )


def audit_records_select(*, actor, action: str, model, select: str, params=(), message: str = "") -> int:
    """Many audit events the database writes itself (INSERT … SELECT), none passing through
    Python: `select` (SQL, with `params`) yields the columns object_id, object_repr and changes
    (JSON) of each; the rest as in audit_records_bulk. Returns how many."""
    shared = _bulk_shared(actor, action, model, message)
    return insert_select(
        AuditEvent,
        _BULK_COLUMNS[-3:],
        f"SELECT CAST(s.object_id AS TEXT), substr(s.object_repr, 1, 200), s.changes FROM ({select}) s",  # noqa: S608
        params,
        values=dict(zip(_BULK_COLUMNS[:-3], shared, strict=True)),
    )


def _bulk_shared(actor, action: str, model, message: str) -> tuple:
    """The columns every row of one bulk write shares: who, what, from where, on which model."""
    ctx = context.current()
    content_type = ContentType.objects.get_for_model(model)
    return (
        actor.pk if getattr(actor, "pk", None) else None,
        _actor_name(actor),
        action,
        ctx.source,
        ctx.ip,
        ctx.user_agent,
        content_type.pk,
        message[:500],
    )


_BULK_COLUMNS = (
    "actor_id", "actor_name", "action", "source", "ip", "user_agent", "content_type_id", "message", "object_id",
    "object_repr", "changes",
)
