"""Template tags that ask the permission engine: `{% load access %}`."""

from django import template

from crm.access.engine import access_for

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, code: str) -> bool:
    """{% can "customers.customer.export" as may_export %}"""
    return access_for(context["request"].user).can(code)


@register.simple_tag(takes_context=True)
def field_value(context, resource: str, obj, field_name: str):
    """A field as the user may see it: masked or hidden by the user's field rules."""
    value = getattr(obj, field_name, None)
    return access_for(context["request"].user).present(resource, field_name, value)
