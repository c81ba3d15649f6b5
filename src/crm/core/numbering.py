"""Record numbers (编号) such as KH000123: one counter row per kind, taken in the caller's transaction.

The counter is bumped with one UPDATE, which locks its row until the transaction ends, so two
concurrent creates never get the same number; a rolled-back create gives its number back.
Bulk writers (imports) reserve a block with one call.
"""

from django.db import transaction
from django.db.models import F

from crm.core.models import NumberSequence


def reserve_numbers(key: str, count: int = 1) -> range:
    """`count` consecutive values of the counter `key`; call inside the transaction that uses them."""
    if count < 1:
        return range(0)
    with transaction.atomic():
        updated = NumberSequence.objects.filter(key=key).update(last=F("last") + count)
        if not updated:
            NumberSequence.objects.get_or_create(key=key)
            NumberSequence.objects.filter(key=key).update(last=F("last") + count)
        last = NumberSequence.objects.filter(key=key).values_list("last", flat=True).get()
    return range(last - count + 1, last + 1)


def format_number(prefix: str, value: int, width: int = 6) -> str:
    return f"{prefix}{value:0{width}d}"


def next_number(key: str, prefix: str, width: int = 6) -> str:
    return format_number(prefix, reserve_numbers(key, 1)[0], width)


def next_numbers(key: str, prefix: str, count: int, width: int = 6) -> list[str]:
    return [format_number(prefix, value, width) for value in reserve_numbers(key, count)]
