"""Every read of the dictionary.

Picklist reads (`items`, `choices`, `provinces`, `cities`) serve every form of the CRM and need
no user: picklist values are not secret. The management list (`item_list`) goes through the
permission engine like every other list.
"""

import functools
import json
from pathlib import Path

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from crm.access.engine import access_for
from crm.core.memo import SharedMemo
from crm.dictionary import categories
from crm.dictionary.models import DictionaryItem, Region, RegionLevel


# --- picklists --------------------------------------------------------------------------------------
def items(category: str, include_inactive: bool = False) -> QuerySet:
    """The items of one category in display order."""
    queryset = DictionaryItem.objects.of(category)
    if not include_inactive:
        queryset = queryset.active()
    return queryset.order_by("sort_order", "id")


def choices(category: str) -> list[tuple[int, str]]:
    """[(pk, entry)] of the active items of one category, for select widgets."""
    return list(items(category).values_list("pk", "entry"))


def item_by_value(category: str, value: str) -> DictionaryItem | None:
    """One item by its stable value (e.g. service_type "3" = 投诉), for code that depends on it."""
    return DictionaryItem.objects.of(category).filter(value=value).first()


def provinces() -> QuerySet:
    return Region.objects.filter(level=RegionLevel.PROVINCE).order_by("code")


def cities(province_code: str | None) -> QuerySet:
    if not province_code:
        return Region.objects.none()
    return Region.objects.filter(level=RegionLevel.CITY, parent_id=province_code).order_by("code")


def provinces_with_cities() -> QuerySet:
    return provinces().prefetch_related("cities")


SALES_REGIONS_FILE = Path(__file__).resolve().parent / "data" / "sales_regions.json"


@functools.cache
def province_sales_regions() -> dict[str, str]:
    """{province short name: the value of its sales region item (category "region")}, from
    data/sales_regions.json: 浙江 -> "east" (华东). Imports derive a customer's sales region from it."""
    mapping = json.loads(SALES_REGIONS_FILE.read_text(encoding="utf-8"))
    return {province: value for value, provinces in mapping.items() for province in provinces}


# --- management --------------------------------------------------------------------------------------
def item_list(*, user, category: str = "", search: str = "") -> QuerySet:
    """The items a user may see on the management page, filtered by category and text."""
    queryset = access_for(user).scoped("dictionary.item", DictionaryItem.objects.all())
    search = (search or "").strip()
    if search:
        queryset = queryset.filter(Q(entry__icontains=search) | Q(value__icontains=search))
    if category:
        return queryset.filter(category=category).order_by("sort_order", "id")
    return queryset.order_by(_category_order(), "category", "sort_order", "id")


def _category_order() -> Case:
    """Categories in registration order (the shared ones first), not alphabetically by code."""
    known = categories.all_categories()
    return Case(
        *[When(category=category.code, then=Value(position)) for position, category in enumerate(known)],
        default=Value(len(known)),
        output_field=IntegerField(),
    )


def item_get(*, user, pk) -> DictionaryItem:
    """One item, or NotFound."""
    return access_for(user).get("dictionary.item", pk)


def category_summaries(*, user) -> list[dict]:
    """Every registered category with its label and number of items, in registration order.

    Categories found in the table but no longer registered (an app was removed) are listed too.
    """
    counts = dict(
        access_for(user)
        .scoped("dictionary.item", DictionaryItem.objects.all())
        .order_by()
        .values_list("category")
        .annotate(n=Count("id"))
        .values_list("category", "n")
    )
    known = [category.code for category in categories.all_categories()]
    codes = known + sorted(set(counts) - set(known))
    return [{"code": code, "label": categories.label(code), "item_count": counts.get(code, 0)} for code in codes]


# --- cached lookups for big lists ---------------------------------------------------------------------
# Every dictionary item by id (a few hundred rows) and every province and city by code (reference
# data, loaded by a migration): lists show a picklist entry on each row without joining or
# fetching them. Items are forgotten on change (crm.dictionary.receivers).
_ITEMS = SharedMemo("crm:dictionary:items", lambda: DictionaryItem.objects.in_bulk(), seconds=3600)
_REGIONS = SharedMemo("crm:dictionary:regions", lambda: Region.objects.in_bulk(), seconds=24 * 3600)


def item_map() -> dict[int, DictionaryItem]:
    return _ITEMS.get()


def region_map() -> dict[str, Region]:
    return _REGIONS.get()


def forget_items() -> None:
    _ITEMS.forget()
