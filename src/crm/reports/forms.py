"""The reports' filters (s003/5 §3.4 输入要素): shape and bounds only. A value out of bounds is a
form error shown on the page; the report then shows its default (all customers, all years)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.core.forms import BootstrapMixin
from crm.reports import selectors


class YearField(forms.IntegerField):
    """A year from MIN_YEAR to next year (read when checked, not when the server started); blank
    means every year."""

    def __init__(self, **kwargs):
        super().__init__(label=_("Year"), required=False, **kwargs)
        self.widget.attrs.update(min=selectors.MIN_YEAR, step=1)

    def validate(self, value):
        super().validate(value)
        if value is not None and not selectors.MIN_YEAR <= value <= selectors.max_year():
            bounds = {"first": selectors.MIN_YEAR, "last": selectors.max_year()}
            raise forms.ValidationError(_("Enter a year from %(first)d to %(last)d.") % bounds, code="year")


class ReportForm(BootstrapMixin, forms.Form):
    def valid_filters(self) -> dict:
        """The filters to apply: the cleaned values when the form is valid, else the defaults."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}


class ContributionForm(ReportForm):
    customer = forms.CharField(label=_("Customer name"), max_length=selectors.TEXT_LIMIT, required=False)
    year = YearField()
    ordering = forms.ChoiceField(
        label=_("Sort"), required=False, choices=[(key, key) for key in selectors.CONTRIBUTION_ORDERINGS]
    )


class CompositionForm(ReportForm):
    by = forms.ChoiceField(label=_("Count by"), required=False, choices=list(selectors.COMPOSITION_BY.items()))


class ServicesForm(ReportForm):
    year = YearField()


class ChurnForm(ReportForm):
    customer = forms.CharField(label=_("Customer name"), max_length=selectors.TEXT_LIMIT, required=False)
    manager = forms.CharField(label=_("Account manager"), max_length=selectors.TEXT_LIMIT, required=False)
