from django import template

register = template.Library()


def _bound(form, name: str):
    field = form[name]
    field.field.widget.attrs.setdefault("aria-label", field.label)
    return field


@register.filter
def condition_field(form, n):
    return _bound(form, f"c{n}_field")


@register.filter
def condition_op(form, n):
    return _bound(form, f"c{n}_op")


@register.filter
def condition_value(form, n):
    return _bound(form, f"c{n}_value")
