"""The read-only province/city page (DICT-2) and the htmx endpoint behind every province/city pair."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from crm.core.views.decorators import require_function
from crm.dictionary import selectors


@require_function("dictionary.item.view")
@require_GET
def region_list(request):
    provinces = list(selectors.provinces_with_cities())
    return render(
        request,
        "dictionary/region_list.html",
        {"provinces": provinces, "city_count": sum(len(p.cities.all()) for p in provinces)},
    )


@require_GET
def region_cities(request):
    """`<option>` elements of a province's cities: ?province=<code>.

    Forms whose province field has another name send it under that name plus ?from=<name>
    (the region_select partial does this).
    """
    code = request.GET.get("province") or request.GET.get(request.GET.get("from", "") or "province", "")
    code = code.strip()[:6]
    return render(
        request,
        "dictionary/partials/city_options.html",
        {"cities": selectors.cities(code) if code.isdigit() else [], "selected": request.GET.get("selected", "")},
    )
