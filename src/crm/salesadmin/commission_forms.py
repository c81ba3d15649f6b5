"""Forms of the commission pages: shape only; crm.salesadmin.services.commissions decides and saves."""

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.core.forms import BootstrapMixin
from crm.salesadmin.forms import MonthField
from crm.salesadmin.models import CommissionBasis

TIER_ROWS = 5


class MonthForm(BootstrapMixin, forms.Form):
    month = MonthField(label=_("Month"), required=False)


class RuleForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    basis = forms.ChoiceField(label=_("Basis"), choices=CommissionBasis.choices)
    category = forms.ChoiceField(label=_("Product category"), required=False,
                                 help_text=_("Empty: the whole amount; else only what lines of this category bring."))
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All products")), *[(c, c) for c in categories]]
        for index in range(TIER_ROWS):
            self.fields[f"tier_from_{index}"] = forms.DecimalField(
                label=_("Tier %(n)d: from attainment (%%)") % {"n": index + 1}, required=False, min_value=0,
                max_digits=7, decimal_places=2)
            self.fields[f"tier_rate_{index}"] = forms.DecimalField(
                label=_("Tier %(n)d: rate (%%)") % {"n": index + 1}, required=False, min_value=0, max_value=100,
                max_digits=5, decimal_places=2)
        self.style_fields()

    def tiers(self) -> list[dict]:
        data = self.cleaned_data
        return [{"from": data[f"tier_from_{i}"], "rate": data[f"tier_rate_{i}"]} for i in range(TIER_ROWS)
                if data.get(f"tier_from_{i}") is not None or data.get(f"tier_rate_{i}") is not None]

    @staticmethod
    def initial_of(rule) -> dict:
        initial = {"name": rule.name, "basis": rule.basis, "category": rule.category, "active": rule.active}
        for index, tier in enumerate(rule.tiers[:TIER_ROWS]):
            initial[f"tier_from_{index}"] = tier["from"]
            initial[f"tier_rate_{index}"] = tier["rate"]
        return initial


class AdjustmentForm(BootstrapMixin, forms.Form):
    user = forms.TypedChoiceField(label=_("Salesperson"), coerce=int)
    amount = forms.DecimalField(label=_("Amount (CNY)"), max_digits=10, decimal_places=2,
                                help_text=_("Negative to take back."))
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", "—"), *[(p.pk, str(p)) for p in people]]
