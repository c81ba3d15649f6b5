"""What every money write shares: the contract locked, amounts read and bounded."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from crm.core.errors import ValidationFailed
from crm.customers.models import Contract

MAX_AMOUNT = Decimal("999999999999.99")
CENT = Decimal("0.01")


def locked(contract: Contract) -> Contract:
    """The contract row, locked for the rest of the transaction: every total and every rule on the
    contract's money is read and written under this lock, so two writes never both pass a check."""
    return Contract.objects.select_for_update().select_related("customer").get(pk=contract.pk)


def amount(value, field: str = "amount") -> Decimal:
    try:
        number = Decimal(str(value).strip()).quantize(CENT)
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationFailed(fields={field: [_("Enter an amount.")]}) from None
    if not number.is_finite() or number <= 0 or number > MAX_AMOUNT:
        raise ValidationFailed(fields={field: [_("Enter an amount above zero.")]})
    return number


def text(value, limit: int) -> str:
    return (value.strip() if isinstance(value, str) else "")[:limit]


def money(value: Decimal) -> str:
    return f"¥{value:,.2f}"
