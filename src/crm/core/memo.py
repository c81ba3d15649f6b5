"""Reference data that nearly every request reads (picklists, regions, duplicate rules, pools),
kept in each process and checked against a version stamp in the shared cache.

Keeping the value itself in the shared cache costs a read and an unpickle per use (the region
table alone is a few thousand objects, about 3 ms); the stamp is one short read, and a change
made in any process (`forget`) reaches every other at its next read. The value is never
modified by its readers: treat it as read-only.
"""

import threading
import time
import uuid
from collections.abc import Callable
from typing import Generic, TypeVar

from django.core.cache import cache

T = TypeVar("T")


class SharedMemo(Generic[T]):
    def __init__(self, key: str, load: Callable[[], T], *, seconds: int = 300):
        self.version_key = f"{key}:version"
        self.load = load
        self.seconds = seconds  # a safety net for changes made behind the code's back (SQL)
        self._held: tuple[str, float, T] | None = None
        self._lock = threading.Lock()

    def get(self) -> T:
        version = self._current_version()
        held = self._held
        if held is not None and held[0] == version and held[1] > time.monotonic():
            return held[2]
        with self._lock:
            value = self.load()  # read after the version: a change meanwhile bumps it again
            self._held = (version, time.monotonic() + self.seconds, value)
        return value

    def forget(self) -> None:
        """Every process reloads at its next read."""
        self._held = None
        cache.set(self.version_key, uuid.uuid4().hex, None)

    def _current_version(self) -> str:
        version = cache.get(self.version_key)
        if version is None:
            cache.add(self.version_key, uuid.uuid4().hex, None)  # the first process to add wins
            version = cache.get(self.version_key) or ""
        return version
