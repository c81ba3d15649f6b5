"""The portal's forms: shape and bounds only; the services decide and save."""

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.core.forms import BootstrapMixin
from crm.dictionary.selectors import items
from crm.portal.models import EMAIL_MAX
from crm.portal.services import PASSWORD_MAX, SUMMARY_MAX, TEXT_MAX
from crm.service.models import Satisfaction


class LoginForm(BootstrapMixin, forms.Form):
    email = forms.EmailField(
        label=_("E-mail"), max_length=EMAIL_MAX, widget=forms.EmailInput(attrs={"autofocus": True})
    )
    password = forms.CharField(label=_("Password"), max_length=PASSWORD_MAX, widget=forms.PasswordInput)


class SetPasswordForm(BootstrapMixin, forms.Form):
    password = forms.CharField(
        label=_("New password"),
        max_length=PASSWORD_MAX,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not a common password."),
    )
    password2 = forms.CharField(
        label=_("Repeat the password"),
        max_length=PASSWORD_MAX,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class RequestForm(BootstrapMixin, forms.Form):
    type = forms.ModelChoiceField(label=_("Type"), queryset=None, empty_label=None)
    summary = forms.CharField(label=_("Summary"), max_length=SUMMARY_MAX)
    request = forms.CharField(
        label=_("Your request"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 6})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].queryset = items("service_type")


class FeedbackForm(BootstrapMixin, forms.Form):
    result = forms.CharField(
        label=_("How did it go?"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
    satisfaction = forms.TypedChoiceField(
        label=_("Satisfaction"), choices=Satisfaction.choices, coerce=int, widget=forms.RadioSelect
    )


class InviteForm(BootstrapMixin, forms.Form):
    contact = forms.IntegerField(min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
    email = forms.EmailField(label=_("E-mail"), max_length=EMAIL_MAX)
