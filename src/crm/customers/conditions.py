"""User-defined list conditions (CUS-11, s003/1 §3.3 一览表): (field, operator, value) triples
joined by AND or OR, turned into one database condition. Only the fields listed here can be
queried, each with the operators that make sense for its type; fields a user's field rules
hide or mask cannot be queried by that user (a condition would reveal them)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.core.errors import ValidationFailed
from crm.customers.models import Customer, CustomerStatus, CustomField, CustomFieldType

TEXT, REF, USER, CHOICE, NUMBER, DATE, DATETIME, TAGS, BOOLEAN = (
    "text", "ref", "user", "choice", "number", "date", "datetime", "tags", "boolean",
)
OPERATORS = {
    TEXT: ["contains", "not_contains", "eq", "ne", "startswith", "empty", "not_empty"],
    REF: ["eq", "ne", "empty", "not_empty"],
    USER: ["eq", "ne", "empty", "not_empty"],
    CHOICE: ["eq", "ne"],
    NUMBER: ["eq", "ne", "gt", "gte", "lt", "lte", "empty", "not_empty"],
    DATE: ["eq", "gt", "gte", "lt", "lte", "last_days", "next_days", "empty", "not_empty"],
    DATETIME: ["gte", "lte", "last_days", "empty", "not_empty"],
    TAGS: ["has", "has_not"],
    BOOLEAN: ["eq"],
}
OPERATOR_LABELS = {
    "contains": gettext_lazy("contains"),
    "not_contains": gettext_lazy("does not contain"),
    "eq": gettext_lazy("is"),
    "ne": gettext_lazy("is not"),
    "startswith": gettext_lazy("starts with"),
    "empty": gettext_lazy("is empty"),
    "not_empty": gettext_lazy("is not empty"),
    "gt": gettext_lazy("greater than / after"),
    "gte": gettext_lazy("at least / from"),
    "lt": gettext_lazy("less than / before"),
    "lte": gettext_lazy("at most / until"),
    "last_days": gettext_lazy("in the last N days"),
    "next_days": gettext_lazy("in the next N days"),
    "has": gettext_lazy("has"),
    "has_not": gettext_lazy("does not have"),
}
NO_VALUE = {"empty", "not_empty"}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: str
    path: str
    label: str
    category: str = ""  # dictionary category for REF fields
    choices: tuple = ()


def _label(name: str) -> str:
    return str(Customer._meta.get_field(name).verbose_name)


def field_specs() -> dict[str, FieldSpec]:
    specs = [
        FieldSpec("name", TEXT, "name", _label("name")),
        FieldSpec("number", TEXT, "number", _label("number")),
        FieldSpec("phone", TEXT, "phone", _label("phone")),
        FieldSpec("email", TEXT, "email", _label("email")),
        FieldSpec("address", TEXT, "address", _label("address")),
        FieldSpec("legal_representative", TEXT, "legal_representative", _label("legal_representative")),
        FieldSpec("credit_code", TEXT, "credit_code", _label("credit_code")),
        FieldSpec("region", REF, "region", _label("region"), "region"),
        FieldSpec("level", REF, "level", _label("level"), "customer_level"),
        FieldSpec("source", REF, "source", _label("source"), "customer_source"),
        FieldSpec("industry", REF, "industry", _label("industry"), "industry"),
        FieldSpec("customer_type", REF, "customer_type", _label("customer_type"), "customer_type"),
        FieldSpec("potential", REF, "potential", _label("potential"), "customer_potential"),
        FieldSpec("stage", REF, "stage", _label("stage"), "customer_stage"),
        FieldSpec("province", REF, "province", _label("province")),
        FieldSpec("city", REF, "city", _label("city")),
        FieldSpec("manager", USER, "manager", _label("manager")),
        FieldSpec("status", CHOICE, "status", _label("status"), choices=tuple(CustomerStatus.choices)),
        FieldSpec("satisfaction", NUMBER, "satisfaction", _label("satisfaction")),
        FieldSpec("credit", NUMBER, "credit", _label("credit")),
        FieldSpec("registered_capital", NUMBER, "registered_capital", _label("registered_capital")),
        FieldSpec("annual_revenue", NUMBER, "annual_revenue", _label("annual_revenue")),
        FieldSpec("created_at", DATETIME, "created_at", _label("created_at")),
        FieldSpec("last_followup_at", DATETIME, "last_followup_at", _label("last_followup_at")),
        FieldSpec("next_followup_on", DATE, "next_followup_on", _label("next_followup_on")),
        FieldSpec("last_deal_on", DATE, "last_deal_on", _label("last_deal_on")),
        FieldSpec("tags", TAGS, "tags", _label("tags")),
    ]
    custom_kinds = {
        CustomFieldType.TEXT: TEXT,
        CustomFieldType.TEXTAREA: TEXT,
        CustomFieldType.NUMBER: NUMBER,
        CustomFieldType.DATE: DATE,
        CustomFieldType.CHOICE: CHOICE,
        CustomFieldType.MULTICHOICE: TEXT,
        CustomFieldType.BOOLEAN: BOOLEAN,
    }
    for definition in CustomField.objects.filter(resource="customer", is_active=True):
        specs.append(
            FieldSpec(
                f"custom.{definition.key}",
                custom_kinds[definition.field_type],
                f"custom__{definition.key}",
                definition.label,
                choices=tuple((o, o) for o in definition.options),
            )
        )
    return {spec.name: spec for spec in specs}


def clean_conditions(conditions, specs: dict[str, FieldSpec] | None = None) -> list[dict]:
    """Check the shape of a list of conditions; ValidationFailed names the first wrong one."""
    if conditions in (None, ""):
        return []
    if not isinstance(conditions, list):
        raise ValidationFailed(fields={"conditions": [_("Conditions must be a list.")]})
    specs = specs or field_specs()
    cleaned = []
    for position, condition in enumerate(conditions, start=1):
        if not isinstance(condition, dict):
            raise ValidationFailed(fields={"conditions": [_("Condition %(n)d is not valid.") % {"n": position}]})
        name, op, value = condition.get("field"), condition.get("op"), condition.get("value", "")
        spec = specs.get(name)
        if spec is None:
            raise ValidationFailed(fields={"conditions": [_("Condition %(n)d: unknown field.") % {"n": position}]})
        if op not in OPERATORS[spec.kind]:
            raise ValidationFailed(
                fields={
                    "conditions": [
                        _("Condition %(n)d: this operator does not fit %(field)s.")
                        % {"n": position, "field": spec.label}
                    ]
                }
            )
        if op not in NO_VALUE and (value is None or str(value).strip() == ""):
            raise ValidationFailed(fields={"conditions": [_("Condition %(n)d: enter a value.") % {"n": position}]})
        _convert(spec, op, value, position)  # raises on a value of the wrong type
        cleaned.append({"field": name, "op": op, "value": "" if op in NO_VALUE else str(value).strip()})
    return cleaned


def _convert(spec: FieldSpec, op: str, value, position: int):
    if op in NO_VALUE:
        return None
    text = str(value).strip()
    try:
        if op in ("last_days", "next_days"):
            days = int(text)
            if days < 0 or days > 3650:
                raise ValueError
            return days
        if spec.kind == NUMBER:
            return Decimal(text)
        if spec.kind in (DATE, DATETIME):
            return datetime.date.fromisoformat(text.replace("/", "-"))
        if spec.kind in (REF, USER, TAGS):
            if spec.name in ("province", "city"):
                return text
            return int(text)
        if spec.kind == BOOLEAN:
            return text.lower() in ("1", "true", "yes", "是")
    except (ValueError, InvalidOperation) as exc:
        raise ValidationFailed(
            fields={
                "conditions": [
                    _("Condition %(n)d: the value does not fit %(field)s.") % {"n": position, "field": spec.label}
                ]
            }
        ) from exc
    return text


def condition_q(spec: FieldSpec, op: str, value) -> Q:
    value = _convert(spec, op, value, 0)
    path = spec.path
    if op == "empty":
        if spec.kind == TEXT and not path.startswith("custom__"):
            return Q(**{path: ""}) | Q(**{f"{path}__isnull": True})
        return Q(**{f"{path}__isnull": True})
    if op == "not_empty":
        return ~condition_q(spec, "empty", None)
    if spec.kind == TAGS:
        has = Q(pk__in=Customer.tags.through.objects.filter(tag_id=value).values("customer_id"))
        return has if op == "has" else ~has
    if spec.kind == DATETIME:
        today = timezone.localdate()
        if op == "last_days":
            return Q(**{f"{path}__date__gte": today - datetime.timedelta(days=value)})
        return Q(**{f"{path}__date__{op}": value})
    if spec.kind == DATE:
        today = timezone.localdate()
        if op == "last_days":
            return Q(**{f"{path}__gte": today - datetime.timedelta(days=value), f"{path}__lte": today})
        if op == "next_days":
            return Q(**{f"{path}__gte": today, f"{path}__lte": today + datetime.timedelta(days=value)})
        if spec.path.startswith("custom__"):
            value = value.isoformat()
    if spec.kind in (REF, USER) and spec.name not in ("province", "city"):
        path = f"{path}_id" if not path.startswith("custom__") else path
    lookups = {
        "eq": ("exact", False),
        "ne": ("exact", True),
        "contains": ("icontains", False),
        "not_contains": ("icontains", True),
        "startswith": ("istartswith", False),
        "gt": ("gt", False),
        "gte": ("gte", False),
        "lt": ("lt", False),
        "lte": ("lte", False),
    }
    lookup, negate = lookups[op]
    if spec.kind == NUMBER and path.startswith("custom__"):
        value = float(value)
    condition = Q(**{f"{path}__{lookup}": value})
    return ~condition if negate else condition


def conditions_q(conditions: list[dict], logic: str = "and", *, hidden: set[str] = frozenset()) -> Q:
    """One Q for cleaned conditions; conditions on fields in `hidden` are left out."""
    specs = field_specs()
    parts = [
        condition_q(specs[c["field"]], c["op"], c.get("value"))
        for c in conditions
        if c.get("field") in specs and c["field"] not in hidden
    ]
    if not parts:
        return Q()
    combined = parts[0]
    for part in parts[1:]:
        combined = combined | part if logic == "or" else combined & part
    return combined
