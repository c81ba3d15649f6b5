"""Forms of sales administration: shape only; the services decide and save."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm.core.forms import BootstrapMixin
from crm.dictionary.models import DictionaryItem
from crm.salesadmin.models import ReportKind
from crm.salesadmin.periods import SPANS as PERIOD_SPANS
from crm.salesadmin.periods import Period

MONTH_INPUT = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SPANS = [("month", _("Month")), ("quarter", _("Quarter")), ("year", _("Year"))]
CLAIM_LINES = 5


class MonthField(forms.DateField):
    """A month as `YYYY-MM` (the browser's month input) or a date in it."""

    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MONTH_INPUT)
        super().__init__(**kwargs)


class PeriodForm(BootstrapMixin, forms.Form):
    span = forms.ChoiceField(label=_("Period"), choices=SPANS, required=False)
    month = MonthField(label=_("Month"), required=False)
    department = forms.TypedChoiceField(label=_("Department"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.departments = list(departments)
        self.fields["department"].choices = [("", _("All I may see")),
                                             *[(d.pk, "　" * (d.path.count("/") - 2) + d.name) for d in departments]]

    def chosen(self) -> tuple[str, Period, object]:
        """(span, period, department or None) as chosen, this month where the choice is missing or wrong:
        the board and its export read the same."""
        data = self.cleaned_data if self.is_valid() else {}
        span = data.get("span") or "month"
        period = PERIOD_SPANS[span](data.get("month") or timezone.localdate())
        return span, period, next((d for d in self.departments if d.pk == data.get("department")), None)


class TargetForm(BootstrapMixin, forms.Form):
    month = MonthField(label=_("Month"))
    user = forms.TypedChoiceField(label=_("Salesperson"), coerce=int, required=False, empty_value=None)
    department = forms.TypedChoiceField(label=_("or department"), coerce=int, required=False, empty_value=None)
    won_amount = forms.DecimalField(label=_("Won amount (CNY)"), min_value=0, max_digits=14, decimal_places=2,
                                    required=False)
    received = forms.DecimalField(label=_("Payments received (CNY)"), min_value=0, max_digits=14, decimal_places=2,
                                  required=False)
    new_customers = forms.IntegerField(label=_("New customers"), min_value=0, max_value=1_000_000, required=False)
    followups = forms.IntegerField(label=pgettext_lazy("a count", "Follow-ups"), min_value=0, max_value=1_000_000,
                                   required=False)

    def __init__(self, *args, people=(), departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", "—"), *[(p.pk, str(p)) for p in people]]
        self.fields["department"].choices = [("", "—"), *[(d.pk, d.name) for d in departments]]

    def clean(self):
        data = super().clean()
        if not self.errors and (data.get("user") is None) == (data.get("department") is None):
            raise forms.ValidationError(_("Choose a salesperson or a department."))
        return data


class ReviewForm(BootstrapMixin, forms.Form):
    score = forms.IntegerField(label=_("Score (0–100)"), min_value=0, max_value=100)
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                              required=False)


class ReportForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ReportKind.choices)
    period_start = forms.DateField(label=_("A day of the week or month"), widget=DATE_INPUT)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)
    plan = forms.CharField(label=_("Next plan"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000,
                           required=False)


class ReportTextForm(BootstrapMixin, forms.Form):
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)
    plan = forms.CharField(label=_("Next plan"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000,
                           required=False)


class ClaimForm(BootstrapMixin, forms.Form):
    """The claim and up to CLAIM_LINES expenses; empty rows are left out."""

    title = forms.CharField(label=_("Title"), max_length=100)

    def __init__(self, *args, customers=(), opportunities=(), rows: int = CLAIM_LINES, **kwargs):
        super().__init__(*args, **kwargs)
        types = [("", "—"), *DictionaryItem.objects.filter(category="expense_type", is_active=True)
                 .order_by("sort_order", "id").values_list("pk", "entry")]
        self.rows = list(range(rows))
        for i in self.rows:
            self.fields[f"type_{i}"] = forms.TypedChoiceField(label=_("Expense type"), choices=types, coerce=int,
                                                               required=False, empty_value=None)
            self.fields[f"amount_{i}"] = forms.DecimalField(label=_("Amount (CNY)"), min_value=0, max_digits=9,
                                                            decimal_places=2, required=False)
            self.fields[f"date_{i}"] = forms.DateField(label=_("Date"), widget=DATE_INPUT, required=False)
            self.fields[f"description_{i}"] = forms.CharField(label=_("Description"), max_length=200,
                                                              required=False)
            self.fields[f"customer_{i}"] = forms.TypedChoiceField(
                label=_("Customer"), choices=[("", "—"), *customers], coerce=int, required=False, empty_value=None)
            self.fields[f"opportunity_{i}"] = forms.TypedChoiceField(
                label=_("Opportunity"), choices=[("", "—"), *opportunities], coerce=int, required=False,
                empty_value=None)
            self.fields[f"receipt_{i}"] = forms.FileField(label=_("Receipt (photo or PDF)"), required=False)
            self.fields[f"id_{i}"] = forms.IntegerField(widget=forms.HiddenInput, required=False)
        self.style_fields()

    def line_rows(self):
        return [{name: self[f"{name}_{i}"] for name in
                 ("type", "amount", "date", "description", "customer", "opportunity", "receipt", "id")}
                for i in self.rows]

    def lines(self) -> list[dict]:
        """The filled rows as the service takes them (ids resolved by the view)."""
        found = []
        for i in self.rows:
            data = {name: self.cleaned_data.get(f"{name}_{i}") for name in
                    ("type", "amount", "date", "description", "customer", "opportunity", "receipt", "id")}
            if not any(data[name] for name in ("type", "amount", "date", "description", "receipt")):
                continue
            found.append(data)
        return found


class PayForm(BootstrapMixin, forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE_INPUT)
