from django import forms
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

from crm.audit.models import LOGIN_ACTIONS, AuditAction, AuditSource
from crm.console.selectors import CATEGORY_CHANGES, CATEGORY_LOGINS, record_type_key, record_type_label

CATEGORY_CHOICES = [("", _("All events")), (CATEGORY_CHANGES, _("Data changes")), (CATEGORY_LOGINS, _("Login log"))]


class AuditFilterForm(forms.Form):
    """The audit page's filters (GET). Invalid values are reported and left out of the query."""

    category = forms.ChoiceField(required=False, choices=CATEGORY_CHOICES, widget=forms.HiddenInput)
    user = forms.TypedChoiceField(
        label=_("User"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    action = forms.ChoiceField(label=_("Action"), required=False, widget=forms.Select(attrs={"class": "form-select"}))
    record_type = forms.ChoiceField(
        label=_("Record type"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    source = forms.ChoiceField(
        label=_("Source"),
        required=False,
        choices=[("", _("All sources")), *AuditSource.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )
    q = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"class": "form-control", "type": "search", "placeholder": _("Record or message contains…")}
        ),
    )

    def __init__(self, data=None, *, users=(), record_types=(), **kwargs):
        super().__init__(data, **kwargs)
        self.fields["user"].choices = [("", _("All users")), *((str(pk), label) for pk, label in users)]
        category = self.data.get("category") if self.data else ""
        actions = [(a.value, a.label) for a in LOGIN_ACTIONS] if category == CATEGORY_LOGINS else AuditAction.choices
        self.fields["action"].choices = [("", _("All actions")), *actions]
        self.fields["record_type"].choices = [
            ("", _("All record types")),
            *sorted(((record_type_key(ct), record_type_label(ct)) for ct in record_types), key=lambda c: str(c[1])),
        ]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def filters(self) -> dict:
        """The valid filters only: a wrong value in one field does not empty the whole list."""
        self.is_valid()
        return {name: value for name, value in getattr(self, "cleaned_data", {}).items() if value not in (None, "")}


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
