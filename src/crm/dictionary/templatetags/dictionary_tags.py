"""Template helpers for the dictionary's reusable partials."""

from django import template

from crm.dictionary import selectors

register = template.Library()


@register.simple_tag
def region_cities(province_code):
    """{% region_cities form.province.value as cities %}: the cities of a province (none if empty)."""
    code = str(province_code) if province_code not in (None, "") else ""
    return list(selectors.cities(code)) if len(code) == 6 and code.isdigit() else []
