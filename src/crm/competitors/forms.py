"""Forms of competitors, their products and news: they check shape and hand clean values to the
services (which validate again and write)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.competitors import keys
from crm.competitors.models import CompanySize, ThreatLevel
from crm.core.forms import BootstrapMixin, FilterFormMixin


def _text(label, rows=3, **kwargs) -> forms.CharField:
    return forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": rows}), **kwargs)


class WebAddressField(forms.CharField):
    """http or https only; a bare host (www.example.com) is read as https."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "url", "placeholder": "https://", "spellcheck": "false"})

    def clean(self, value):
        value = keys.web_address(super().clean(value))
        if value and not keys.is_web_address(value):
            raise forms.ValidationError(keys.WEBSITE_MESSAGE, code="web_address")
        return value


class _ServiceData:
    def service_data(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if not self.fields[name].disabled}


class CompetitorForm(_ServiceData, BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    website = WebAddressField(label=_("Website"))
    threat_level = forms.ChoiceField(label=_("Threat level"), choices=ThreatLevel.choices, initial=ThreatLevel.MEDIUM)
    size = forms.ChoiceField(label=_("Company size"), choices=[("", "—"), *CompanySize.choices], required=False)
    strengths = _text(_("Strengths"))
    weaknesses = _text(_("Weaknesses"))
    business = _text(_("Main products and business"))
    strategy = _text(_("Our strategy"), help_text=_("How we win against them: arguments, offers, references."))
    notes = _text(_("Notes"), rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "off"


class ProductForm(_ServiceData, BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Product name"), max_length=100)
    positioning = forms.CharField(
        label=_("Price range and positioning"),
        max_length=200,
        required=False,
        help_text=_("Such as 10–30 万元/套, mid-market, sold through agents."),
    )
    strengths = _text(_("Strengths"))
    weaknesses = _text(_("Weaknesses"))
    notes = _text(_("Notes"), rows=2)


class NewsForm(_ServiceData, BootstrapMixin, forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    title = forms.CharField(label=_("Title"), max_length=200)
    source_url = WebAddressField(label=_("Source"), help_text=_("The web address where the news was published."))
    content = _text(_("Content"), rows=4)


class _FilterForm(FilterFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)


class CompetitorFilterForm(_FilterForm):
    threat_level = forms.ChoiceField(
        label=_("Threat level"), required=False, choices=[("", _("All threat levels")), *ThreatLevel.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, placeholder=_("Name, pinyin or initials"), **kwargs)


class NewsFilterForm(_FilterForm):
    competitor = forms.TypedChoiceField(label=_("Competitor"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, competitors=(), **kwargs):
        super().__init__(*args, placeholder=_("Title or competitor"), **kwargs)
        self.fields["competitor"].choices = [("", _("All competitors")), *competitors]
