from django import forms
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

LOGO_MAX_BYTES = 512 * 1024


class SystemSettingsForm(forms.Form):
    name = forms.CharField(
        label=_("System name"), max_length=60, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    company_name = forms.CharField(
        label=_("Company name"), max_length=100, required=False, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    logo = forms.ImageField(
        label=_("Logo"),
        required=False,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg", "gif", "webp"])],
        help_text=_("PNG, JPEG, GIF or WebP, at most 512 KB."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["logo"].widget = forms.ClearableFileInput(attrs={"class": "form-control"})

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and getattr(logo, "size", 0) > LOGO_MAX_BYTES:
            raise forms.ValidationError(_("The logo must be at most 512 KB."))
        return logo


class BootstrapMixin:
    """Give every widget Bootstrap's class (form-control, form-select, form-check-input)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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
