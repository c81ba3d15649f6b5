"""Template helpers shared by every app's pages."""

from django import template

from crm.access.engine import access_for

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (pagination, sorting)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.simple_tag(takes_context=True)
def can(context, code: str) -> bool:
    """{% can "customers.customer.export" as may_export %}"""
    return access_for(context["request"].user).can(code)


@register.simple_tag(takes_context=True)
def field_value(context, resource: str, obj, field_name: str):
    """A field as the user may see it: masked or hidden by the user's field rules."""
    value = getattr(obj, field_name, None)
    return access_for(context["request"].user).present(resource, field_name, value)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None
