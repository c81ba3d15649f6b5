"""The filters of the customer value page (SEG-4)."""

from django import forms
from django.utils.translation import gettext_lazy as _

ALIVE_BELOW = [("", _("Any")), ("0.3", _("below 30 %")), ("0.5", _("below 50 %")), ("0.7", _("below 70 %"))]
SORT_CHOICES = [  # keys of crm.churn.value.SORTS
    ("alive", _("Most at risk first")),
    ("-spend", _("Highest expected spend first")),
    ("-last", _("Latest order first")),
    ("last", _("Oldest last order first")),
]


class ValueFilterForm(forms.Form):
    alive_below = forms.TypedChoiceField(
        label=_("Probability still active"), choices=ALIVE_BELOW, coerce=float, empty_value=None, required=False
    )
    sort = forms.ChoiceField(label=_("Sort"), choices=SORT_CHOICES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"

    def valid_filters(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if value not in ("", None)} if (
            self.is_bound and self.is_valid()
        ) else {}
