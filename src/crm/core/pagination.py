"""Pagination for big tables: a bounded COUNT, so a list of millions of rows answers fast.

`CappedPaginator` counts at most `cap` rows (the page then says "more than …"); beyond the
cap, pages stay reachable up to `reach` rows: a page reads one row more than it shows to know
whether another follows, so no full count is ever needed (ADR 0012).
"""

import contextlib
import math

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property

COUNT_CAP = 10_000
DEEP_ROWS = 1_000  # rows skipped from which a page is found by its ids first (CappedPaginator._rows)
TAB_CAP = 1_000


def tab_counts(queryset, tabs: dict, *, cap: int = TAB_CAP) -> dict:
    """How many rows each tab (a Q) holds, up to `cap`; None when more (the page says "1,000+").
    One bounded COUNT per tab, read along the tab's own index: for a user who sees the whole
    table, grouping all of it to count the tabs reads every row (ADR 0012)."""
    counts = {}
    for key, condition in tabs.items():
        found = queryset.filter(condition).order_by()[: cap + 1].count()
        counts[key] = found if found <= cap else None
    return counts


class CappedPage(Page):
    def has_next(self) -> bool:
        if getattr(self, "has_more", None) is not None:
            return self.has_more
        return super().has_next()

    def end_index(self) -> int:
        return self.start_index() + len(self.object_list) - 1 if self.object_list else self.start_index()


class CappedPaginator(Paginator):
    """A paginator whose count stops at `cap`: one bounded COUNT, fast on millions of rows."""

    cap = COUNT_CAP
    reach = COUNT_CAP  # rows that pages may reach once the count is capped

    def __init__(self, object_list, per_page, *, cap: int | None = None, reach: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        if cap is not None:
            self.cap = cap
        self.reach = max(self.cap, reach if reach is not None else type(self).reach)

    @cached_property
    def _bounded_count(self) -> int:
        # Without the ORDER BY: counting in index order would read the whole sort.
        bounded = getattr(self.object_list, "bounded_count", None)
        if bounded is not None:  # a sequence that counts itself up to a limit (reports.selectors.RankedRows)
            return bounded(self.cap + 1)
        if not hasattr(self.object_list, "order_by"):  # a list computed in memory
            return len(self.object_list)
        if self._reads_head:
            return self._union_head[0]
        return self.object_list.order_by()[: self.cap + 1].count()

    @cached_property
    def _is_union(self) -> bool:
        return hasattr(self.object_list, "query") and bool(self.object_list.query.combinator)

    @cached_property
    def _reads_head(self) -> bool:
        """Whether the count and the page's ids come from one statement (`_union_head`): a UNION's,
        and a list sorted by id whose rows are read by their ids anyway (`rows_by_id`, see `_rows_of`)."""
        if self._is_union:
            return True
        rows = self.object_list
        if not hasattr(rows, "query") or not hasattr(rows._iterable_class, "rows_by_id"):
            return False
        order = rows.query.order_by
        return len(order) == 1 and order[0].lstrip("-") in ("id", "pk")

    @cached_property
    def _union_head(self) -> tuple[int, list]:
        """A UNION's count up to cap + 1 and its ids in the list's order up to the end of the page
        asked for (a listing of a scope's branches, ADR 0029), in one statement: each part is read
        along its index once, not once to count and once more for the page. The same for a list
        that reads its rows by their ids (ADR 0033)."""
        end = min(self._asked * self.per_page + 1, self.cap + 1)
        return _union_head(self.object_list, self.cap + 1, end)

    _asked = 1  # the page asked for (set by `page`), whose ids the count's statement reads too

    @cached_property
    def count(self) -> int:
        return min(self._bounded_count, self.cap)

    @property
    def is_capped(self) -> bool:
        return self._bounded_count > self.cap

    @cached_property
    def num_pages(self) -> int:
        if not self.is_capped:
            return super().num_pages
        return math.ceil(self.reach / self.per_page)

    def _get_page(self, *args, **kwargs):
        return CappedPage(*args, **kwargs)

    def page(self, number):
        if self._reads_head:
            with contextlib.suppress(TypeError, ValueError):
                self._asked = max(1, int(number))
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if not self.is_capped:  # as Django's Paginator.page
            top = bottom + self.per_page
            if top + self.orphans >= self.count:
                top = self.count
            return self._get_page(self._rows(bottom, top), number, self)
        rows = list(self._rows(bottom, bottom + self.per_page + 1))  # past the end: an empty page
        page = self._get_page(rows[: self.per_page], number, self)
        page.has_more = len(rows) > self.per_page and bottom + self.per_page < self.reach
        return page


    def _rows(self, bottom: int, top: int):
        """Rows bottom to top. A deep page is found by its ids first, in the same statement: to skip
        10,000 rows the database reads each of them, and whole rows of a wide table (SQLite sorts
        them all) cost far more than ids, which an index may give alone (docs/benchmarks.md)."""
        rows = self.object_list
        if self._reads_head:
            count, ids = self._union_head
            if top > len(ids) and len(ids) < count:  # a page past the ids read with the count
                ids = _column(_union_ids(rows, top))
            return _rows_of(rows, ids[bottom:top])
        if bottom < DEEP_ROWS or not hasattr(rows, "values"):
            return rows[bottom:top]
        return rows.filter(pk__in=rows.values("pk")[bottom:top])


class ListPaginator(CappedPaginator):
    """Business lists of a million rows: count to 1,000, pages on to row 10,000."""

    cap = 1_000
    reach = 10_000


def _union_ids(rows, limit: int) -> QuerySet:
    """The first `limit` ids of a UNION ALL sorted by its columns (each row: the id, then the other
    columns it is sorted by): each part's first `limit` ids in that order, then the first `limit`
    of them all. PostgreSQL reads a UNION at the head of a
    statement whole before sorting it (every row of a salesperson's own customers for a page of 20);
    a part limited to `limit` rows follows its index and stops. Where the database allows no LIMIT
    inside a UNION (SQLite), the UNION is limited as it is: SQLite merges the parts in order and
    stops. A queryset that is no UNION gives its own first ids."""
    query = rows.query
    order = query.order_by
    # The id first; a UNION sorts by columns it selects.
    columns = ["pk", *(name.lstrip("-") for name in order if name.lstrip("-") not in ("pk", "id"))]
    if not query.combinator or not connections[rows.db].features.supports_slicing_ordering_in_compound or not order:
        return rows.values_list(*columns)[:limit]
    parts = [
        QuerySet(rows.model, query=part.clone()).order_by(*order).values_list(*columns)[:limit]
        for part in query.combined_queries
    ]
    return parts[0].union(*parts[1:], all=query.combinator_all).order_by(*order)[:limit]


def _union_head(rows, count_limit: int, ids_limit: int) -> tuple[int, list]:
    """How many of a UNION's first `count_limit` ids there are, and the first `ids_limit` of them:
    one statement, which sends back only the ids asked for (a count of 1,001 ids read into Python
    cost a salesperson's list request a tenth of a millisecond more than counting them there)."""
    order = rows.query.order_by
    ids = _union_ids(rows, count_limit)
    if len(order) != 1 or order[0].lstrip("-") not in ("id", "pk"):  # sorted by other columns: read them all
        found = _column(ids)
        return len(found), found
    direction = "DESC" if order[0].startswith("-") else "ASC"
    counted = ("SELECT head.*, COUNT(*) OVER () FROM (", f") head ORDER BY 1 {direction} LIMIT %s")
    found = _fetched(ids, around=counted, extra=[ids_limit])
    return (found[0][1] if found else 0), [row[0] for row in found]


def _column(queryset) -> list:
    """The first column of a queryset's rows, as the database driver gives it: a thousand ids
    through the ORM's row iterator cost more than the statement that reads them."""
    return [row[0] for row in _fetched(queryset)]


def _fetched(queryset, *, around: tuple[str, str] = ("", ""), extra=()) -> list[tuple]:
    """A queryset's rows through a plain cursor, its SQL between the two parts of `around` (more
    parameters in `extra`); none when it selects nothing, as Django's own execution answers
    EmptyResultSet."""
    try:
        sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    except EmptyResultSet:
        return []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"{around[0]}{sql}{around[1]}", [*params, *extra])
        return cursor.fetchall()


def _rows_of(rows, ids: list):
    """The rows of these ids, in the list's order, read as the list reads its rows: by the rows'
    class when it reads rows by their ids itself (`rows_by_id(queryset, ids)`, a list in the ids'
    order), else by a queryset of them."""
    by_id = getattr(rows._iterable_class, "rows_by_id", None)
    if by_id is not None:
        return by_id(rows, ids)
    page = rows.model._default_manager.filter(pk__in=ids).order_by(*rows.query.order_by)
    page._iterable_class = rows._iterable_class
    return page
