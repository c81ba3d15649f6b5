"""Deep pages are read by their ids first (issue 19): the same rows, in the same order."""

import pytest
from django.db.models.query import ModelIterable

from crm.core import pagination
from crm.core.pagination import CappedPaginator
from crm.dictionary.models import Region


@pytest.mark.parametrize("cap", [50, 1_000])  # counted past the cap, and counted in full
def test_a_deep_page_holds_the_rows_a_plain_slice_gives(db, monkeypatch, cap, django_assert_num_queries):
    cities = Region.objects.filter(level="city").order_by("-name", "code")
    expected = list(cities.values_list("code", flat=True))
    assert len(expected) > 60
    monkeypatch.setattr(pagination, "DEEP_ROWS", 20)
    paginator = CappedPaginator(cities, 7, cap=cap, reach=1_000)
    paginator.count  # noqa: B018 (counted apart from the page)
    for number in (2, 4, 9):  # rows 7-13 read plainly; 21-27 and 56-62 by their ids first
        with django_assert_num_queries(1):
            rows = [region.code for region in paginator.page(number).object_list]
        assert rows == expected[(number - 1) * 7 : number * 7]


class ReadById(ModelIterable):
    """Rows read by their ids (as the customer list API's, ADR 0033)."""

    @classmethod
    def rows_by_id(cls, queryset, ids):
        found = queryset.model._default_manager.in_bulk(ids)
        return [found[pk] for pk in ids]


@pytest.mark.parametrize("cap", [50, 10_000])
def test_a_list_by_id_whose_rows_are_read_by_id_counts_with_its_page(db, cap, django_assert_num_queries):
    """Its count and the page's ids come from one statement, then the rows (ADR 0033); a page past
    the ids read with the count reads its own."""
    regions = Region.objects.order_by("-pk")
    regions._iterable_class = ReadById
    expected = list(Region.objects.order_by("-pk").values_list("pk", flat=True))
    assert len(expected) > 150
    paginator = CappedPaginator(regions, 7, cap=cap, reach=1_000)
    with django_assert_num_queries(2):
        rows = [region.pk for region in paginator.page(3).object_list]
    assert rows == expected[14:21]
    assert paginator.count == min(cap, len(expected)) and paginator.is_capped == (cap < len(expected))
    rows = [region.pk for region in paginator.page(20).object_list]
    assert rows == expected[133:140]
