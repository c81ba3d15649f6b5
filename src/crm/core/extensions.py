"""Extension points other apps plug into without this app importing them:
workbench panels (WB-1), global search providers and blocks on the management dashboard."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class WorkbenchPanel:
    key: str
    template: str
    context: Callable  # (user) -> dict, or None: the panel is not shown to this user
    permission: str | None = None
    order: int = 100


@dataclass(frozen=True)
class SearchHit:
    label: str
    url: str
    kind: str
    detail: str = ""


@dataclass(frozen=True)
class SearchProvider:
    key: str
    search: Callable  # (user, query, limit) -> list[SearchHit]; scoped by the permission engine
    permission: str | None = None
    order: int = 100


@dataclass(frozen=True)
class DashboardBlock:
    """A block on the management dashboard (crm.reports) from an app beside it: `context(user, today)`
    gives JSON-friendly data (numbers, text, dates) for the template and the dashboard's API, or None
    to leave the block out for this user."""

    key: str
    template: str
    context: Callable  # (user, today) -> dict | None; scoped by the permission engine
    permission: str | None = None
    order: int = 100


_panels: dict[str, WorkbenchPanel] = {}
_blocks: dict[str, DashboardBlock] = {}
_providers: dict[str, SearchProvider] = {}


def register_panel(panel: WorkbenchPanel) -> None:
    _panels[panel.key] = panel


def register_search(provider: SearchProvider) -> None:
    _providers[provider.key] = provider


def register_dashboard_block(block: DashboardBlock) -> None:
    _blocks[block.key] = block


def dashboard_blocks() -> list[DashboardBlock]:
    return sorted(_blocks.values(), key=lambda b: b.order)


def panels() -> list[WorkbenchPanel]:
    return sorted(_panels.values(), key=lambda p: p.order)


def search_providers() -> list[SearchProvider]:
    return sorted(_providers.values(), key=lambda p: p.order)
