from django import forms


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
