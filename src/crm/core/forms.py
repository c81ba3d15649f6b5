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
