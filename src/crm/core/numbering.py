"""Record numbers (编号) such as KH000123: one counter row per kind, taken in the caller's transaction.

The counter is bumped with one UPDATE, which locks its row until the transaction ends, so two
concurrent creates never get the same number; a rolled-back create gives its number back.
Bulk writers (imports) reserve a block with one call.
"""

from django.db import connection, transaction

from crm.core.models import NumberSequence


def _bump(key: str, count: int) -> int | None:
    """The counter's new value, bumped and read in one statement (PostgreSQL and SQLite ≥ 3.35
    both know RETURNING); None if the counter does not exist yet."""
    table = connection.ops.quote_name(NumberSequence._meta.db_table)
    last = connection.ops.quote_name("last")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {last} = {last} + %s WHERE {connection.ops.quote_name('key')} = %s RETURNING {last}",  # noqa: S608
            [count, key],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def reserve_numbers(key: str, count: int = 1) -> range:
    """`count` consecutive values of the counter `key`; call inside the transaction that uses them."""
    if count < 1:
        return range(0)
    last = _bump(key, count)
    if last is None:
        with transaction.atomic():
            NumberSequence.objects.get_or_create(key=key)
        last = _bump(key, count)
    return range(last - count + 1, last + 1)


def format_number(prefix: str, value: int, width: int = 6) -> str:
    return f"{prefix}{value:0{width}d}"


def next_number(key: str, prefix: str, width: int = 6) -> str:
    return format_number(prefix, reserve_numbers(key, 1)[0], width)


def next_numbers(key: str, prefix: str, count: int, width: int = 6) -> list[str]:
    return [format_number(prefix, value, width) for value in reserve_numbers(key, count)]
