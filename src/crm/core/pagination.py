"""Pagination for big tables: a bounded COUNT, so a list of millions of rows answers fast."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """A paginator whose count stops at `cap`: one bounded COUNT, fast on millions of rows.

    Pages past the cap are not reachable; the page says so and asks for narrower filters.
    """

    cap = COUNT_CAP

    @cached_property
    def _bounded_count(self) -> int:
        return self.object_list[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._bounded_count, self.cap)

    @property
    def is_capped(self) -> bool:
        return self._bounded_count > self.cap
