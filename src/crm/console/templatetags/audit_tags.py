"""Showing audit events: field labels and readable before/after values."""

import json

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from crm.console.selectors import record_type_label

register = template.Library()

_ACTION_CLASSES = {
    "create": "text-bg-success",
    "update": "text-bg-primary",
    "delete": "text-bg-danger",
    "login": "text-bg-info",
    "logout": "text-bg-secondary",
    "login_failed": "text-bg-warning",
}


@register.filter
def action_class(action: str) -> str:
    return _ACTION_CLASSES.get(action, "text-bg-light border")


@register.filter
def record_label(event) -> str:
    return record_type_label(event.content_type)


@register.simple_tag
def change_rows(event) -> list[dict]:
    """[{name, label, before, after}] for an event's changes; labels and choices from the model."""
    changes = event.changes if isinstance(event.changes, dict) else {}
    model = event.content_type.model_class() if event.content_type_id and event.content_type else None
    rows = []
    for name, pair in changes.items():
        before, after = pair if isinstance(pair, list | tuple) and len(pair) == 2 else (None, pair)
        field = _field(model, name)
        rows.append(
            {
                "name": name,
                "label": str(getattr(field, "verbose_name", name)),
                "before": _display(field, before),
                "after": _display(field, after),
            }
        )
    return rows


def _field(model, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _display(field, value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if getattr(field, "flatchoices", None) and not isinstance(value, list | dict):
        labels = {str(key): label for key, label in field.flatchoices}
        if str(value) in labels:
            return str(labels[str(value)])
    if isinstance(value, list):
        return ", ".join(_display(None, item) for item in value) or "—"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
