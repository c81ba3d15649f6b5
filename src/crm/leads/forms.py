"""The leads' forms: shape only; the services decide and save."""

import time

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from crm.core.forms import BootstrapMixin
from crm.dictionary.models import Region
from crm.dictionary.selectors import items
from crm.identity.models import Department, User
from crm.leads.models import Lead, LeadSettings

DATE = {"type": "date"}


class LeadForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Lead
        fields = ["company", "name", "position", "mobile", "phone", "email", "province", "source", "industry", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, removed=(), locked=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = Region.objects.filter(level="province").order_by("code")
        self.fields["source"].queryset = items("customer_source")
        self.fields["industry"].queryset = items("industry")
        for name in removed:
            self.fields.pop(name, None)
        for name in locked:
            if name in self.fields:
                self.fields[name].disabled = True

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("mobile") or cleaned.get("phone") or cleaned.get("email")) and not self.errors:
            raise forms.ValidationError(_("Give at least one way to reach the lead: a mobile, a phone or an e-mail."))
        return cleaned

    def service_data(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if not self.fields[name].disabled}

    def _post_clean(self):
        """Shape only: the service validates and saves."""


class FollowUpForm(BootstrapMixin, forms.Form):
    content = forms.CharField(label=_("Content"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    next_on = forms.DateField(
        label=_("Next follow-up"), required=False, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d")
    )


class AssignForm(BootstrapMixin, forms.Form):
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none())

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners if owners is not None else User.objects.none()


class RoundRobinForm(BootstrapMixin, forms.Form):
    department = forms.ModelChoiceField(label=_("Team"), queryset=Department.objects.order_by("path"))


class RegionRuleForm(BootstrapMixin, forms.Form):
    province = forms.ModelChoiceField(
        label=_("Province"), queryset=Region.objects.filter(level="province").order_by("code")
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=User.objects.active().order_by("name"), required=False,
        help_text=_("Empty: remove the rule."),
    )


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class ConvertForm(BootstrapMixin, forms.Form):
    """What the customer needs besides the lead's fields, and the opportunity to open with it."""

    region = forms.ModelChoiceField(label=_("Region"), queryset=None, required=False)
    level = forms.ModelChoiceField(label=_("Customer level"), queryset=None, required=False)
    create_opportunity = forms.BooleanField(label=_("Open an opportunity too"), required=False, initial=True)
    summary = forms.CharField(label=_("Opportunity summary"), max_length=200, required=False)
    probability = forms.IntegerField(label=_("Success probability"), min_value=0, max_value=100, initial=30)

    def __init__(self, *args, creating: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = items("region")
        self.fields["level"].queryset = items("customer_level")
        self.fields["region"].required = creating
        if not creating:
            for name in ("region", "level"):
                self.fields.pop(name)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("create_opportunity") and not cleaned.get("summary"):
            self.add_error("summary", _("Describe the opportunity in a few words."))
        return cleaned

    def customer_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("region", "level") if self.cleaned_data.get(name)}

    def opportunity_data(self) -> dict | None:
        if not self.cleaned_data.get("create_opportunity"):
            return None
        return {"summary": self.cleaned_data["summary"], "probability": self.cleaned_data["probability"]}


class SettingsForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = LeadSettings
        fields = [
            "claims_per_day", "reclaim_wait_days", "return_after_days", "escalate_after_days", "web_form_enabled",
            "web_form_owner",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["web_form_owner"].queryset = User.objects.active().order_by("name")

    def _post_clean(self):
        """Shape only: the service compares with the saved settings and saves (the form must not
        change the instance first, or nothing would look changed)."""


# --- the public web form -----------------------------------------------------------------------------------------
MIN_SECONDS, MAX_SECONDS = 3, 24 * 3600  # faster than a person types, or a page left open for a day


class PublicLeadForm(BootstrapMixin, forms.Form):
    """The form visitors of the company's site fill in. Spam is kept out without third parties: a
    field people do not see (bots fill it), a signed time the form was shown (bots post at once or
    replay old forms), and a budget of posts per address (crm.core.throttle)."""

    company = forms.CharField(label=_("Company"), max_length=100)
    name = forms.CharField(label=_("Your name"), max_length=50)
    mobile = forms.CharField(label=_("Mobile"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"), max_length=120, required=False)
    notes = forms.CharField(
        label=_("What do you need?"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    website = forms.CharField(required=False, max_length=200)  # the trap: hidden from people
    shown = forms.CharField(widget=forms.HiddenInput)

    @staticmethod
    def stamp() -> str:
        return signing.dumps(int(time.time()), salt="leads.web_form")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shown"].initial = self.stamp()

    def is_spam(self) -> bool:
        if self.data.get("website"):
            return True
        try:
            shown = signing.loads(self.data.get("shown", ""), salt="leads.web_form", max_age=MAX_SECONDS)
        except signing.BadSignature:
            return True
        return time.time() - shown < MIN_SECONDS

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("mobile") or cleaned.get("email")) and not self.errors:
            raise forms.ValidationError(_("Leave a mobile number or an e-mail so that we can reach you."))
        return cleaned

    def service_data(self) -> dict:
        return {name: self.cleaned_data.get(name, "") for name in ("company", "name", "mobile", "email", "notes")}
