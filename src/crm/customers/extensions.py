"""Extension points other modules plug into without this app importing them.

- Handover hooks: when customers change hands (handover, departure, transfer), each hook moves
  that module's open records of those customers too (open opportunities, tasks …):
  `fn(*, actor, customer_ids, old_managers: {customer_id: user_id}, new_manager) -> {label: count}`.
- Merge hooks: before a merge moves every record of the merged customers onto the target,
  a module whose table allows one row per customer resolves the clash:
  `fn(*, actor, target, others) -> None`.
- 360 sections and row actions: see crm.customers.sections.
"""

from collections.abc import Callable

_handover_hooks: dict[str, Callable] = {}
_merge_hooks: dict[str, Callable] = {}


def register_handover_hook(key: str, fn: Callable) -> None:
    _handover_hooks[key] = fn


def register_merge_hook(key: str, fn: Callable) -> None:
    _merge_hooks[key] = fn


def handover_hooks() -> list[Callable]:
    return [fn for _key, fn in sorted(_handover_hooks.items())]


def merge_hooks() -> list[Callable]:
    return [fn for _key, fn in sorted(_merge_hooks.items())]


def by_old_manager(old_managers: dict[int, int]) -> dict[int, list[int]]:
    """{customer_id: old manager} turned round: each old manager's customers, for a handover
    hook that moves "their records of these customers" with one UPDATE per old manager."""
    grouped: dict[int, list[int]] = {}
    for customer_id, old_manager in old_managers.items():
        grouped.setdefault(old_manager, []).append(customer_id)
    return grouped
