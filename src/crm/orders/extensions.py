"""What the orders app offers the apps above it, and its registrations with those below.

Apps above (churn) learn of new shipped or paid orders through `register_ordered_hook`: after
every sync or import, each hook receives the ids of the customers that ordered, inside the
writing transaction, so a churn warning closes in the same commit as the order arrives."""

from collections.abc import Callable, Iterable

_ordered_hooks: dict[str, Callable[[set[int]], None]] = {}


def register_ordered_hook(key: str, hook: Callable[[set[int]], None]) -> None:
    _ordered_hooks[key] = hook


def customers_ordered(customer_ids: Iterable[int]) -> None:
    ids = {pk for pk in customer_ids if pk is not None}
    if not ids:
        return
    for hook in _ordered_hooks.values():
        hook(ids)
