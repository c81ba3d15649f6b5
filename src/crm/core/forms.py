from django import forms
from django.utils.translation import gettext_lazy as _


class BootstrapMixin:
    """Give every widget Bootstrap's class (form-control, form-select, form-check-input)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()

    def style_fields(self) -> None:
        """Also for fields a form adds after __init__ (rows built at run time)."""
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            existing = widget.attrs.get("class", "")
            if css not in existing.split():
                widget.attrs["class"] = f"{existing} {css}".strip()


class FilterFormMixin(BootstrapMixin):
    """A list's filter bar: ids prefixed `filter_` (the dialog's form on the same page has the same
    names), the field `q` a search box with `placeholder`, every widget in the compact size and
    labelled for screen readers; `valid_filters()` keeps the valid values only."""

    def __init__(self, *args, placeholder="", **kwargs):
        kwargs.setdefault("auto_id", "filter_%s")
        super().__init__(*args, **kwargs)
        if "q" in self.fields:
            self.fields["q"].widget.input_type = "search"
            self.fields["q"].widget.attrs.update({"placeholder": placeholder, "aria-label": _("Search")})
        for field in self.fields.values():
            css = field.widget.attrs.get("class", "")
            small = "form-select-sm" if "form-select" in css.split() else "form-control-sm"
            field.widget.attrs["class"] = f"{css} {small}".strip()
            field.widget.attrs.setdefault("aria-label", field.label)

    def valid_filters(self) -> dict:
        """The valid filters only: a field with an error is left out of the query."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.cleaned_data


def errors_onto_form(form, exc, field_map: dict | None = None) -> None:
    """Put a service's refusal back on the form: field messages under their fields, the rest on top."""
    field_map = field_map or {}
    placed = False
    for name, messages in (exc.fields or {}).items():
        target = field_map.get(name, name)
        for message in messages if isinstance(messages, list | tuple) else [messages]:
            form.add_error(target if target in form.fields else None, str(message))
            placed = True
    if not placed:
        form.add_error(None, str(exc.message))
