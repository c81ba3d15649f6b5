"""Pinyin for big imports in worker processes.

pypinyin costs about 0.1 ms per name and the name key as much again, which would make them most
of an import's time. For big files the names of the next batch are sent to a pool of processes
while the current batch is written, so the database and the pinyin work at the same time. The
workers run the customers app's own function (crm.customers.services.indexing.derive_name), so
the stored values are exactly those of a customer saved one by one.
"""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import SimpleNamespace


def _initialise() -> None:
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def derive_names(names: list[str]) -> list[tuple[str, str, str, list[str]]]:
    """(name_key, name_pinyin, name_initials, syllables) of each name."""
    from crm.customers.services.indexing import derive_name

    result = []
    for name in names:
        holder = SimpleNamespace(name=name)
        syllables = derive_name(holder)
        result.append((holder.name_key, holder.name_pinyin, holder.name_initials, syllables))
    return result


def start(processes: int) -> ProcessPoolExecutor | None:
    """A pool of `processes` workers (fresh interpreters, so no state of this one is shared).
    None inside a daemonic process (a Celery prefork child may not start processes)."""
    if processes < 2 or multiprocessing.current_process().daemon:
        return None
    return ProcessPoolExecutor(
        max_workers=processes, mp_context=multiprocessing.get_context("spawn"), initializer=_initialise
    )


class Derived:
    """The derived values of one batch's names, computed in the pool or right here. A pool
    whose worker died (killed, out of memory) is not the import's failure: the values are then
    computed here."""

    def __init__(self, names: list[str], executor: ProcessPoolExecutor | None, parts: int = 1):
        self._values: list | None = None
        self._futures = []
        self._names = names
        if executor is None or not names:
            return
        size = max(1, -(-len(names) // max(1, parts)))
        try:
            self._futures = [executor.submit(derive_names, names[i : i + size]) for i in range(0, len(names), size)]
        except BrokenProcessPool:
            self._futures = []

    def get(self, position: int) -> tuple[str, str, str, list[str]]:
        if self._values is None:
            self._values = self._from_pool() or derive_names(self._names)
        return self._values[position]

    def _from_pool(self) -> list | None:
        if not self._futures:
            return None
        try:
            return [value for future in self._futures for value in future.result()]
        except BrokenProcessPool:
            return None
