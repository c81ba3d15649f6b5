"""Demo data (`crm demo`): each app registers a loader; loaders are idempotent and run in order."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class DemoLoader:
    key: str
    load: Callable[[Callable[[str], None]], None]  # receives a log function
    order: int = 100


_loaders: dict[str, DemoLoader] = {}


def register_demo(loader: DemoLoader) -> None:
    _loaders[loader.key] = loader


def loaders() -> list[DemoLoader]:
    """Every installed app's `demo` module registers itself when imported (like admin.py)."""
    autodiscover_modules("demo")
    return sorted(_loaders.values(), key=lambda loader: loader.order)
