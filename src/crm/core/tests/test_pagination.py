"""Deep pages are read by their ids first (issue 19): the same rows, in the same order."""

import pytest

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
