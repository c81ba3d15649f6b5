"""The benchmark operations: each module of the CRM registers its own in a module of bench/ops/
(customers today; orders, opportunities, services, churn, reports and imports when they land).

    from bench.registry import operation

    @operation("orders.list", label="Order list, page 1", group="list", target_ms=150)
    def order_list(ctx, persona):
        user_id = ctx.user_id(persona)
        return [lambda: list(order_list_selector(user=ctx.fresh_user(user_id))[:20])]

An operation's function is called once per persona (salesperson: own scope; executive: all) and
returns the calls to time: the runner warms up, then cycles through them, so a list of several
inputs (queries, customers) spreads the measurement over the data. Returning an empty list
skips the persona (nothing to measure with the data at hand).
"""

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

# A run times the first two unless asked (`--persona supervisor`): the supervisor's subtree scope
# reads its department's people first (crm.access.engine), a third way into every list.
PERSONAS = ("salesperson", "executive", "supervisor")
DEFAULT_PERSONAS = PERSONAS[:2]


@dataclass(frozen=True)
class Operation:
    key: str
    label: str
    group: str  # "search", "list", "page", "duplicates", …: rows of one table
    target_ms: float | None  # the p95 target (docs/benchmarks.md), None: measured only
    setup: Callable  # (ctx, persona) -> list of zero-argument calls
    personas: tuple[str, ...] = PERSONAS
    module: str = ""


@dataclass(frozen=True)
class LoadTest:
    """HTTP throughput of one URL under concurrent clients (bench.http)."""

    key: str
    label: str
    path: str  # the URL path, or a callable (ctx, persona) -> path
    target_rps: float | None
    target_p95_ms: float | None
    fallback_path: str | None = None  # measured instead (and said so) while `path` answers 404
    personas: tuple[str, ...] = PERSONAS
    module: str = ""


_operations: dict[str, Operation] = {}
_load_tests: dict[str, LoadTest] = {}


def operation(key: str, *, label: str, group: str, target_ms: float | None, personas=PERSONAS):
    def register(setup: Callable) -> Callable:
        _operations[key] = Operation(key, label, group, target_ms, setup, tuple(personas), setup.__module__)
        return setup

    return register


def load_test(test: LoadTest) -> None:
    _load_tests[test.key] = test


def discover() -> None:
    """Import every module of bench.ops: each registers its operations."""
    from bench import ops

    for module in pkgutil.iter_modules(ops.__path__):
        importlib.import_module(f"{ops.__name__}.{module.name}")


def operations() -> list[Operation]:
    discover()
    return list(_operations.values())


def load_tests() -> list[LoadTest]:
    discover()
    return list(_load_tests.values())
