"""Template helpers of the customer pages."""

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from crm.access.engine import access_for
from crm.access.masking import mask_value
from crm.customers.custom_fields import definitions, display
from crm.customers.fields import INFO
from crm.customers.models import Customer, CustomerStatus

register = template.Library()

STATUS_BADGES = {
    CustomerStatus.NORMAL: "success",
    CustomerStatus.CHURN_WARNING: "warning",
    CustomerStatus.CHURN_SUSPENDED: "info",
    CustomerStatus.LOST: "secondary",
}


@register.inclusion_tag("customers/partials/status_badge.html")
def status_badge(customer):
    return {
        "label": customer.get_status_display(),
        "color": STATUS_BADGES.get(customer.status, "secondary"),
        "customer": customer,
    }


@register.simple_tag(takes_context=True)
def cell(context, customer, key: str):
    """The value of one list column for one customer, as the user may see it."""
    user = context["request"].user
    access = access_for(user)
    if key.startswith("custom."):
        name = key.split(".", 1)[1]
        by_key = context.get("_custom_defs")
        if by_key is None:
            by_key = {d.key: d for d in definitions("customer")}
            context["_custom_defs"] = by_key
        definition = by_key.get(name)
        return display(definition, customer.custom.get(name)) if definition else ""
    if key in ("level", "region", "source", "industry"):
        item = getattr(customer, key)
        return item.entry if item else ""
    if key == "manager":
        if customer.manager_id is None:
            return _("Public pool") + (f" · {customer.pool.name}" if customer.pool_id else "")
        return str(customer.manager)
    if key == "status":
        return customer.get_status_display()
    value = getattr(customer, key, "")
    return access.present("customers.customer", key, value)


@register.filter
def custom_display(customer, definition):
    return display(definition, (customer.custom or {}).get(definition.key))




@register.filter
def info_rows(customer, request):
    """Label and value of every field the user may see, custom fields last."""
    access = access_for(request.user)
    hidden = access.hidden_fields("customers.customer")
    rows = []
    for name in INFO:
        if name in hidden:
            continue
        field = Customer._meta.get_field(name)
        value = getattr(customer, name)
        if hasattr(value, "entry"):
            value = value.entry
        rows.append((field.verbose_name, access.present("customers.customer", name, value)))
    for definition in definitions("customer"):
        rows.append((definition.label, display(definition, (customer.custom or {}).get(definition.key))))
    return rows


@register.filter
def masked(text):
    """A name the user may not see in full: its first character, then stars (撞单 hints)."""
    return mask_value(text, "text")


@register.filter
def event_detail(event) -> str:
    """What a timeline entry adds to its kind: its summary, or the fields an edit changed."""
    if event.summary:
        return event.summary
    fields = (event.data or {}).get("fields") or []
    labels = []
    for name in fields:
        try:
            labels.append(str(Customer._meta.get_field(name).verbose_name))
        except FieldDoesNotExist:  # custom fields and tags live elsewhere
            labels.append({"custom": str(_("custom fields")), "tags": str(_("tags"))}.get(name, name))
    return "、".join(labels)
