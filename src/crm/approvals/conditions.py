"""Flow and step conditions: checked when saved (shape, and whether a step can ever apply) and
evaluated when a document is submitted.

A condition is {"field", "op", "value"}; a list of them holds when every one does. Numbers compare
as decimals (ops gt, gte, lt, lte, eq), choices test membership (op "in", value a list), and the
submitter's department tests the subtree (op "under", value a department id).
"""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from crm.approvals.registry import ConditionField
from crm.identity.models import Department

NUMBER_OPS = {"gt": ">", "gte": "≥", "lt": "<", "lte": "≤", "eq": "="}
OPS = {"number": tuple(NUMBER_OPS), "choice": ("in",), "department": ("under",)}
MAX_CONDITIONS = 10


def clean(conditions, fields: dict[str, ConditionField]) -> tuple[list[dict], list[str]]:
    """The conditions in canonical form, and the problems found (empty when valid)."""
    if conditions in (None, ""):
        return [], []
    if not isinstance(conditions, list) or len(conditions) > MAX_CONDITIONS:
        return [], [_("At most %(count)d conditions, as a list.") % {"count": MAX_CONDITIONS}]
    cleaned, errors = [], []
    for item in conditions:
        if not isinstance(item, dict):
            errors.append(_("A condition needs a field, an operator and a value."))
            continue
        spec = fields.get(item.get("field"))
        if spec is None:
            errors.append(_("Unknown field “%(field)s”.") % {"field": str(item.get("field"))[:50]})
            continue
        op = item.get("op")
        if op not in OPS[spec.kind]:
            errors.append(_("The operator does not fit the field “%(field)s”.") % {"field": spec.label})
            continue
        value, problem = _value(spec, item.get("value"))
        if problem:
            errors.append(problem)
            continue
        cleaned.append({"field": spec.key, "op": op, "value": value})
    return cleaned, errors


def _value(spec: ConditionField, raw):
    if spec.kind == "number":
        try:
            number = Decimal(str(raw).strip())
        except (InvalidOperation, ValueError):
            return None, _("“%(field)s” needs a number.") % {"field": spec.label}
        if not number.is_finite() or abs(number) >= Decimal("1e13"):
            return None, _("“%(field)s” needs a number.") % {"field": spec.label}
        return str(number), None
    if spec.kind == "choice":
        values = raw if isinstance(raw, list) else [raw]
        allowed = {str(v) for v, _label in (spec.choices() if spec.choices else [])}
        values = [str(v) for v in values if v not in (None, "")]
        if not values or any(v not in allowed for v in values):
            return None, _("Choose values of “%(field)s” from its list.") % {"field": spec.label}
        return sorted(set(values)), None
    try:
        department = Department.objects.only("id").get(pk=int(raw))
    except (TypeError, ValueError, Department.DoesNotExist):
        return None, _("Choose a department.")
    return department.pk, None


def satisfiable(conditions: list[dict]) -> bool:
    """Whether some document could meet all the (clean) conditions: number ranges must overlap,
    choice sets must intersect. Departments always can (a subtree of one holds the other's or not)."""
    low, high = {}, {}  # field -> (bound, inclusive)
    chosen: dict[str, set] = {}
    for c in conditions:
        key, op, value = c["field"], c["op"], c["value"]
        if op == "in":
            chosen[key] = chosen.get(key, set(value)) & set(value)
            continue
        if op == "under":
            continue
        number = Decimal(value)
        if op in ("gt", "gte", "eq"):
            bound = (number, op != "gt")
            if key not in low or bound[0] > low[key][0] or (bound[0] == low[key][0] and not bound[1]):
                low[key] = bound
        if op in ("lt", "lte", "eq"):
            bound = (number, op != "lt")
            if key not in high or bound[0] < high[key][0] or (bound[0] == high[key][0] and not bound[1]):
                high[key] = bound
    if any(not values for values in chosen.values()):
        return False
    for key in low.keys() & high.keys():
        (lo, lo_in), (hi, hi_in) = low[key], high[key]
        if lo > hi or (lo == hi and not (lo_in and hi_in)):
            return False
    return True


def holds(conditions: list[dict], values: dict, department_path: str | None) -> bool:
    """Whether a document with these values, submitted from a department with this path, meets them all."""
    paths = _department_paths([c["value"] for c in conditions if c["op"] == "under"])
    for c in conditions:
        op, value = c["op"], c["value"]
        if op == "under":
            path = paths.get(value)
            if not (department_path and path and department_path.startswith(path)):
                return False
            continue
        actual = values.get(c["field"])
        if actual is None or actual == "":
            return False
        if op == "in":
            if str(actual) not in value:
                return False
            continue
        number, limit = Decimal(str(actual)), Decimal(value)
        if not {
            "gt": number > limit,
            "gte": number >= limit,
            "lt": number < limit,
            "lte": number <= limit,
            "eq": number == limit,
        }[op]:
            return False
    return True


def _department_paths(ids: list) -> dict:
    if not ids:
        return {}
    return dict(Department.objects.filter(pk__in=ids).values_list("pk", "path"))


def describe(conditions: list[dict], fields: dict[str, ConditionField]) -> str:
    """The conditions as a person reads them: 金额 > 100000，客户等级 ∈ A、B."""
    parts = []
    names = _department_names([c["value"] for c in conditions if c["op"] == "under"])
    for c in conditions:
        spec = fields.get(c["field"])
        label = spec.label if spec else c["field"]
        if c["op"] == "in":
            labels = dict(spec.choices()) if spec and spec.choices else {}
            parts.append(f"{label} ∈ {'、'.join(str(labels.get(v, v)) for v in c['value'])}")
        elif c["op"] == "under":
            parts.append(f"{label} ⊆ {names.get(c['value'], c['value'])}")
        else:
            parts.append(f"{label} {NUMBER_OPS[c['op']]} {c['value']}")
    return "，".join(parts)


def _department_names(ids: list) -> dict:
    if not ids:
        return {}
    return dict(Department.objects.filter(pk__in=ids).values_list("pk", "name"))
