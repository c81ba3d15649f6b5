"""The churn pages' forms: shape only; the services decide and save."""

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.churn.forms_value import ALIVE_BELOW
from crm.core.forms import BootstrapMixin


class MeasureForm(BootstrapMixin, forms.Form):
    text = forms.CharField(
        label=_("Suspension measure"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you did or will do to keep the customer; every measure is kept with its time and author."),
    )


class ConfirmForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for the churn"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why the customer will not buy again. The customer becomes lost."),
    )


class FilterForm(BootstrapMixin, forms.Form):
    """The list's filters: the customer's name (characters, pinyin or initials), its manager and
    the model's probability that it is still active (SEG-4)."""

    customer_name = forms.CharField(label=_("Customer"), max_length=100, required=False)
    manager = forms.ModelChoiceField(label=_("Account manager"), queryset=None, required=False,
                                     empty_label=_("Any manager"))
    alive_below = forms.TypedChoiceField(
        label=_("Probability still active"), choices=ALIVE_BELOW, coerce=float, empty_value=None, required=False
    )

    def __init__(self, *args, managers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = managers

    def valid_filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        manager = data.get("manager")
        return {"customer_name": data.get("customer_name") or "", "manager": manager.pk if manager else None,
                "alive_below": data.get("alive_below")}
