"""Priced lines, the same on a quote and a contract: product or free text, quantity, unit price and
discount read and bounded here, the amount computed here, never taken from the client."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from crm.core.errors import ValidationFailed
from crm.sales.services.money import MAX_AMOUNT, text

MAX_LINES = 50
CENT = Decimal("0.01")


def _number(value, field: str, *, low=Decimal(0), high=MAX_AMOUNT, places="0.01") -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationFailed(fields={field: [_("Enter a number.")]}) from None
    if not number.is_finite() or number < low or number > high:
        message = _("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high}
        raise ValidationFailed(fields={field: [message]})
    return number.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def priced_lines(lines) -> list[dict]:
    """The lines as stored: each checked and its amount computed here, never taken from the client."""
    if not isinstance(lines, list) or not lines:
        raise ValidationFailed(fields={"lines": [_("Add at least one line.")]})
    if len(lines) > MAX_LINES:
        raise ValidationFailed(fields={"lines": [_("At most %(count)d lines.") % {"count": MAX_LINES}]})
    priced = []
    for index, line in enumerate(lines, start=1):
        product = line.get("product")
        description = text(line.get("description"), 200) or (product.name if product is not None else "")
        if not description:
            message = _("Line %(n)d: name the item or choose a product.") % {"n": index}
            raise ValidationFailed(fields={"lines": [message]})
        quantity = _number(line.get("quantity"), "lines", low=Decimal("0.001"), high=Decimal("1e9"), places="0.001")
        price = line.get("unit_price")
        if price in (None, "") and product is not None and product.price is not None:
            price = product.price  # the ERP's list price unless the line names another
        price = _number(price, "lines")
        discount = _number(line.get("discount") or 0, "lines", high=Decimal(100))
        amount = (quantity * price * (100 - discount) / 100).quantize(CENT, rounding=ROUND_HALF_UP)
        priced.append({"position": index, "product": product, "description": description, "quantity": quantity,
                       "unit_price": price, "discount": discount, "amount": amount})
    return priced


def lines_total(lines: list[dict]) -> Decimal:
    return sum((line["amount"] for line in lines), Decimal(0))
