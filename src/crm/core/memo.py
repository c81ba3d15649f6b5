"""Reference data that nearly every request reads (picklists, regions, duplicate rules, pools),
kept in each process and checked against a version stamp in the shared cache.

Keeping the value itself in the shared cache costs a read and an unpickle per use (the region
table alone is a few thousand objects, about 3 ms); the stamp is one short read, and a change
made in any process (`forget`) reaches every other at its next read. The value is never
modified by its readers: treat it as read-only.

Within a request (`stamps_read_together`, opened by the middleware) the stamps of every memo are
read in one round trip at the first use of any, instead of one read per memo used: a list page
reads four or five of them. A change made elsewhere during the request is then seen by the next
request, as a change made just after the request's first read always was.
"""

import contextlib
import contextvars
import threading
import time
import uuid
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

from django.core.cache import cache

T = TypeVar("T")

_ALL: weakref.WeakSet = weakref.WeakSet()  # every memo of the process, for reading their stamps together
_ALL_LOCK = threading.Lock()  # a memo made by a late import in one thread while another lists them
_STAMPS: contextvars.ContextVar[dict | None] = contextvars.ContextVar("crm_memo_stamps", default=None)


@contextlib.contextmanager
def stamps_read_together():
    """Within: the memos' stamps are read once, all together, at the first use of any memo."""
    token = _STAMPS.set({})
    try:
        yield
    finally:
        _STAMPS.reset(token)


class SharedMemo(Generic[T]):
    def __init__(self, key: str, load: Callable[[], T], *, seconds: int = 300):
        self.version_key = f"{key}:version"
        self.load = load
        self.seconds = seconds  # a safety net for changes made behind the code's back (SQL)
        self._held: tuple[str, float, T] | None = None
        self._lock = threading.Lock()
        with _ALL_LOCK:
            _ALL.add(self)

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
        version = uuid.uuid4().hex
        cache.set(self.version_key, version, None)
        stamps = _STAMPS.get()
        if stamps:
            stamps[self.version_key] = version

    def _current_version(self) -> str:
        stamps = _STAMPS.get()
        if stamps is None:
            version = cache.get(self.version_key)
        else:
            if not stamps:
                with _ALL_LOCK:
                    keys = [memo.version_key for memo in _ALL]
                stamps.update(cache.get_many(keys))
                stamps[None] = True  # read: a memo without a stamp yet is not read again with the others
            version = stamps.get(self.version_key)
        if version is None:
            cache.add(self.version_key, uuid.uuid4().hex, None)  # the first process to add wins
            version = cache.get(self.version_key) or ""
            if stamps is not None:
                stamps[self.version_key] = version
        return version
