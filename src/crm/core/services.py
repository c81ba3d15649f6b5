"""Write helpers shared by every domain app."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models

from crm.core.errors import ValidationFailed


def model_update(*, instance: models.Model, data: dict, fields: list[str]) -> dict:
    """Set the allowed `fields` from `data`, validate, save only what changed.

    Returns the changes as {field: [before, after]} (foreign keys as ids) for the audit log.
    """
    changes = {}
    for name in fields:
        if name not in data:
            continue
        field = instance._meta.get_field(name)
        before = getattr(instance, field.attname)
        setattr(instance, name, data[name])
        after = getattr(instance, field.attname)
        if before != after:
            changes[name] = [before, after]
    if changes:
        full_clean(instance, exclude=unchanged_lookups(instance, changes))
        instance.save(update_fields=[*changes, *_auto_now_fields(instance)])
    return changes


def unchanged_lookups(instance: models.Model, changed) -> list[str]:
    """The fields an update left as they were whose validation asks the database: foreign keys (does
    the row exist?) and unique fields (is the value taken?). Valid when stored, they need not cost a
    statement each again. Fields a constraint names stay validated: a changed partner may break it."""
    constrained = {name for constraint in instance._meta.constraints for name in getattr(constraint, "fields", ())}
    return [
        field.name
        for field in instance._meta.concrete_fields
        if (field.is_relation or field.unique) and field.name not in changed and field.name not in constrained
    ]


def full_clean(instance: models.Model, exclude: list[str] | None = None) -> None:
    """Model validation turned into the domain's ValidationFailed (field -> messages)."""
    try:
        instance.full_clean(exclude=exclude)
    except DjangoValidationError as exc:
        raise ValidationFailed(fields=exc.message_dict if hasattr(exc, "error_dict") else {}) from exc


def _auto_now_fields(instance: models.Model) -> list[str]:
    return [f.name for f in instance._meta.concrete_fields if getattr(f, "auto_now", False)]
