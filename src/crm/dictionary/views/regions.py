"""The read-only province/city page (DICT-2) and the htmx endpoint behind every province/city pair."""

from django.shortcuts import render

from crm.access.decorators import crm_view
from crm.dictionary import selectors


@crm_view("dictionary.item.view")
def region_list(request):
    provinces = list(selectors.provinces_with_cities())
    return render(
        request,
        "dictionary/region_list.html",
        {"provinces": provinces, "city_count": sum(len(p.cities.all()) for p in provinces)},
    )


@crm_view()
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
