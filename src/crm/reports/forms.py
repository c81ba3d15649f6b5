"""The reports' filters (s003/5 §3.4 输入要素): shape and bounds only. A value out of bounds is a
form error shown on the page; the report then shows its default (all customers, all years)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.core.forms import BootstrapMixin
from crm.reports import funnel, periods, products, selectors, work


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


# --- the sales reports (RPT-5…7) ----------------------------------------------------------------
class PeriodForm(ReportForm):
    """A period of days (YYYY-MM-DD, both inclusive); this month unless `default_period` says other."""

    date_from = forms.DateField(label=_("From"), required=False, input_formats=["%Y-%m-%d"])
    date_to = forms.DateField(label=_("To"), required=False, input_formats=["%Y-%m-%d"])

    def default_period(self) -> periods.Period:
        return periods.this_month()

    def clean(self):
        cleaned = super().clean()
        wrong = periods.period_error(
            cleaned.get("date_from"), cleaned.get("date_to"), first_year=selectors.MIN_YEAR,
            last_year=selectors.max_year(),
        )
        if wrong:
            self.add_error(*wrong)
        return cleaned

    def period(self) -> periods.Period:
        filters = self.valid_filters()
        return periods.period_of(filters.get("date_from"), filters.get("date_to"), self.default_period())


class WorkForm(PeriodForm):
    group = forms.ChoiceField(label=_("Group"), required=False, choices=list(work.GROUPS.items()))
    team = forms.IntegerField(label=_("Team"), required=False, **selectors.ID_BOUNDS, widget=forms.HiddenInput)
    chart = forms.ChoiceField(
        label=_("Chart"), required=False, choices=[(m.key, m.label) for m in work.MEASURES]
    )


    def grouping(self) -> tuple[str, int | None]:
        """(group, team): one team's people when a team is asked for."""
        filters = self.valid_filters()
        return work.grouping(filters.get("group"), filters.get("team")), filters.get("team")


class ProductsForm(PeriodForm):
    by = forms.ChoiceField(label=_("Over"), required=False, choices=list(products.BY.items()))
    product = forms.IntegerField(label=_("Product"), required=False, **selectors.ID_BOUNDS)
    category = forms.CharField(label=_("Category"), required=False, max_length=selectors.TEXT_LIMIT)

    def default_period(self) -> periods.Period:
        return periods.this_year()

    def filters(self) -> products.ProductFilters:
        return products.filters_of(self.valid_filters())


class FunnelForm(PeriodForm):
    pipeline = forms.IntegerField(label=_("Pipeline"), required=False, **selectors.ID_BOUNDS)

    def clean_pipeline(self):
        value = self.cleaned_data.get("pipeline")
        if value is not None and value not in {p.pk for p in funnel.pipelines()}:
            raise forms.ValidationError(_("Choose one of the active pipelines."), code="pipeline")
        return value

    def default_period(self) -> periods.Period:
        return periods.this_year()
