"""Custom fields (CUS-14): the values of the fields an administrator defined, checked by type.

Values are stored JSON-friendly in the record's `custom`: text as strings, numbers as numbers,
dates as "YYYY-MM-DD" (so they sort and compare as text), yes/no as booleans, a choice as one of
the options, a multiple choice as a list of options. Forms, the API, imports and exports all
call `clean_custom_values`, so a value is checked the same way wherever it comes from.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from crm.core.errors import ValidationFailed
from crm.core.memo import SharedMemo
from crm.customers.models import CustomField, CustomFieldType

TRUE_WORDS = {"1", "true", "yes", "y", "是", "对", "有", "✓", "√"}
FALSE_WORDS = {"0", "false", "no", "n", "否", "不", "无", "×", ""}


def definitions(resource: str) -> list[CustomField]:
    """The active custom fields of a kind of record, in order; held in every process (read-only),
    as forms, columns, filters and serializers of every list page ask."""
    return [definition for definition in _DEFINITIONS.get() if definition.resource == resource]


_DEFINITIONS = SharedMemo(
    "crm:customers:custom-fields",
    lambda: list(CustomField.objects.filter(is_active=True).order_by("sort_order", "id")),
)
forget_definitions = _DEFINITIONS.forget


def _blank(value) -> bool:
    return value is None or value == "" or value == []


def convert(definition: CustomField, value):
    """One value in its stored form; ValueError with a message when it does not fit the type."""
    kind = definition.field_type
    if _blank(value):
        return None
    if kind in (CustomFieldType.TEXT, CustomFieldType.TEXTAREA):
        text = str(value).strip()
        limit = 200 if kind == CustomFieldType.TEXT else 5000
        if len(text) > limit:
            raise ValueError(_("At most %(limit)d characters.") % {"limit": limit})
        return text or None
    if kind == CustomFieldType.NUMBER:
        try:
            number = Decimal(str(value).replace(",", "").strip())
        except InvalidOperation as exc:
            raise ValueError(_("Enter a number.")) from exc
        if not number.is_finite():
            raise ValueError(_("Enter a number."))
        return int(number) if number == number.to_integral_value() else float(number)
    if kind == CustomFieldType.DATE:
        if isinstance(value, datetime.datetime):
            return value.date().isoformat()
        if isinstance(value, datetime.date):
            return value.isoformat()
        text = str(value).strip().replace("/", "-")
        try:
            return datetime.date.fromisoformat(text).isoformat()
        except ValueError as exc:
            raise ValueError(_("Enter a date as YYYY-MM-DD.")) from exc
    if kind == CustomFieldType.BOOLEAN:
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValueError(_("Enter yes or no."))
    if kind == CustomFieldType.CHOICE:
        text = str(value).strip()
        if text not in definition.options:
            raise ValueError(_("Choose one of: %(options)s") % {"options": "、".join(definition.options)})
        return text
    if kind == CustomFieldType.MULTICHOICE:
        items = (
            value if isinstance(value, list | tuple) else str(value).replace("，", ",").replace("、", ",").split(",")
        )
        chosen = [str(item).strip() for item in items if str(item).strip()]
        unknown = [item for item in chosen if item not in definition.options]
        if unknown:
            raise ValueError(_("Choose among: %(options)s") % {"options": "、".join(definition.options)})
        return list(dict.fromkeys(chosen)) or None
    raise ValueError(_("Unknown field type."))


def clean_custom_values(resource: str, values: dict | None, *, current: dict | None = None, defs=None) -> dict:
    """The record's new `custom`: `values` checked against the definitions and laid over
    `current`. Keys that are not defined are refused; required fields must end up filled."""
    values = values or {}
    if not isinstance(values, dict):
        raise ValidationFailed(fields={"custom": [_("Custom fields must be an object of key and value.")]})
    defs = definitions(resource) if defs is None else defs
    by_key = {definition.key: definition for definition in defs}
    errors: dict[str, list[str]] = {}
    result = dict(current or {})
    for key, value in values.items():
        definition = by_key.get(key)
        if definition is None:
            errors[f"custom.{key}"] = [_("There is no custom field %(key)s.") % {"key": key}]
            continue
        try:
            converted = convert(definition, value)
        except ValueError as exc:
            errors[f"custom.{key}"] = [str(exc)]
            continue
        if converted is None:
            result.pop(key, None)
        else:
            result[key] = converted
    for definition in defs:
        if definition.required and _blank(result.get(definition.key)) and f"custom.{definition.key}" not in errors:
            errors[f"custom.{definition.key}"] = [_("%(label)s is required.") % {"label": definition.label}]
    if errors:
        raise ValidationFailed(fields=errors)
    return result


def display(definition: CustomField, value) -> str:
    if _blank(value):
        return ""
    if definition.field_type == CustomFieldType.BOOLEAN:
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return "、".join(str(item) for item in value)
    return str(value)
