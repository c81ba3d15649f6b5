"""The shape of the rows an ERP sends (crm.orders.sync): each field's type and bounds, checked
one row at a time so that a bad row is rejected with its reasons and the rest of the batch
goes on. Messages are in the caller's language."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

Errors = dict[str, list[str]]


class Invalid(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Field:
    name: str
    convert: Callable
    required: bool = False
    default: object = ""


def text(max_length: int) -> Callable:
    def convert(value) -> str:
        if not isinstance(value, str | int):
            raise Invalid(_("Enter text."))
        value = str(value).strip()
        if len(value) > max_length:
            raise Invalid(_("At most %(count)s characters.") % {"count": max_length})
        return value

    return convert


def decimal(max_digits: int, places: int, *, minimum: Decimal | None = None) -> Callable:
    limit = Decimal(10) ** (max_digits - places)

    def convert(value) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise Invalid(_("Enter a number."))
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise Invalid(_("Enter a number.")) from None
        if not number.is_finite() or abs(number) >= limit:
            raise Invalid(_("Enter a number below %(limit)s.") % {"limit": limit})
        if minimum is not None and number < minimum:
            raise Invalid(_("Enter a number of at least %(minimum)s.") % {"minimum": minimum})
        if number != number.quantize(Decimal(1).scaleb(-places)):
            raise Invalid(_("At most %(count)s decimal places.") % {"count": places})
        return number.quantize(Decimal(1).scaleb(-places))

    return convert


def date(value) -> datetime.date:
    if not isinstance(value, str):
        raise Invalid(_("Enter a date as YYYY-MM-DD."))
    try:
        return datetime.date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise Invalid(_("Enter a date as YYYY-MM-DD.")) from None


def small_int(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise Invalid(_("Enter a whole number."))
    try:
        number = Decimal(str(value).strip())  # a spreadsheet's 5 may arrive as "5.0"
    except InvalidOperation:
        raise Invalid(_("Enter a whole number.")) from None
    if not number.is_finite() or number != number.to_integral_value():
        raise Invalid(_("Enter a whole number."))
    number = int(number)
    if not 0 <= number <= 32767:
        raise Invalid(_("Enter a whole number from 0 to 32767."))
    return number


def status(value) -> int:
    """An ERP status code, or the spec's two names for 5 and 6 as a file may have them."""
    names = {"已发货": 5, "shipped": 5, "已回款": 6, "paid": 6}
    if isinstance(value, str) and value.strip().lower() in names:
        return names[value.strip().lower()]
    return small_int(value)


def key(value) -> str:
    value = text(64)(value)
    if not value:
        raise Invalid(_("This field is required."))
    return value


def check(row, fields: list[Field]) -> tuple[dict, Errors]:
    """The row's values converted, and the errors by field. Unknown fields are ignored (an ERP
    sends what it has); a missing optional field takes its default."""
    if not isinstance(row, dict):
        return {}, {"row": [_("Each row must be an object.")]}
    values, errors = {}, {}
    for field in fields:
        raw = row.get(field.name)
        if raw is None or raw == "":
            if field.required:
                errors[field.name] = [_("This field is required.")]
            else:
                values[field.name] = field.default
            continue
        try:
            values[field.name] = field.convert(raw)
        except Invalid as exc:
            errors[field.name] = [exc.message]
    return values, errors
