"""What the services of sales administration share: whose records the actor may manage, and the
write of one row per (subject, period) that a unique constraint keeps single."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from crm.access.engine import access_for
from crm.audit.services import audit_create, audit_update
from crm.core.errors import NotFound, PermissionDenied, ValidationFailed
from crm.identity.models import Department, User


def subordinate(actor, resource: str, user: User) -> User:
    """The person, if the actor is their superior by scope for this resource: out of scope it does
    not exist (404); one's own target, review or score is never one's own to give (403)."""
    if not access_for(actor).users_in_scope(resource, User.objects.filter(pk=user.pk)).exists():
        raise NotFound()
    if user.pk == actor.pk and not access_for(actor).sees_all(resource):
        raise PermissionDenied(_("Your superior sets and scores your own work."))
    return user


def department_below(actor, resource: str, department: Department) -> Department:
    """A department the actor reaches by scope, other than their own (whose target their superior
    sets), unless they see everything."""
    access = access_for(actor)
    if not access.departments_in_scope(resource, Department.objects.filter(pk=department.pk)).exists():
        raise NotFound()
    if department.pk == getattr(actor, "department_id", None) and not access.sees_all(resource):
        raise PermissionDenied(_("Your superior sets your own department's target."))
    return department


def upsert(*, actor, model, lookup: dict, values: dict):
    """Create the row or update it, audited with what changed; a concurrent create of the same
    row loses on the unique constraint and updates the winner's row instead."""
    with transaction.atomic():
        row = model.objects.select_for_update().filter(**lookup).first()
        if row is None:
            try:
                with transaction.atomic():
                    row = model.objects.create(**lookup, **values)
            except IntegrityError:
                row = model.objects.select_for_update().filter(**lookup).first()
                if row is None:
                    raise
            else:
                audit_create(actor=actor, instance=row, fields=[*lookup, *values])
                return row
        changes = {name: [getattr(row, name), value] for name, value in values.items()
                   if getattr(row, name) != value}
        for name, value in values.items():
            setattr(row, name, value)
        row.save()
        audit_update(actor=actor, instance=row, changes=changes)
        return row


def text(value, limit: int) -> str:
    return str(value or "").strip()[:limit]


def score_of(value) -> int:
    try:
        score = int(value)
    except (TypeError, ValueError):
        score = -1
    if not 0 <= score <= 100:
        raise ValidationFailed(fields={"score": [_("Give a score from 0 to 100.")]})
    return score
