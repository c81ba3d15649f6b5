"""Forms of the payment and invoice dialogs: shape only; the rules are the services'."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.core.forms import BootstrapMixin
from crm.identity.models import User
from crm.sales.models import TAX_RATES, InvoiceKind, PaymentMethod, PaymentPlan, ReceiptStatus

DATE = {"type": "date"}


def _amount():
    return forms.DecimalField(
        label=_("Amount (CNY)"), max_digits=14, decimal_places=2, min_value=Decimal("0.01"),
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )


def _date(label, required=True):
    return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))


class PlanForm(BootstrapMixin, forms.Form):
    amount = _amount()
    due_on = _date(_("Due on"))
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    notes = forms.CharField(label=_("Notes"), max_length=200, required=False)

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners if owners is not None else User.objects.none()


class ReceiptForm(BootstrapMixin, forms.Form):
    amount = _amount()
    received_on = _date(_("Received on"))
    method = forms.ChoiceField(label=_("Method"), choices=PaymentMethod.choices, initial=PaymentMethod.TRANSFER)
    plan = forms.ModelChoiceField(
        label=_("Instalment"), queryset=PaymentPlan.objects.none(), required=False,
        help_text=_("Paid first; the rest goes to the other open instalments by due date."),
    )
    account = forms.CharField(label=_("Receiving account"), max_length=100, required=False)
    reference = forms.CharField(label=_("Bank reference"), max_length=60, required=False)
    over_reason = forms.CharField(
        label=_("Reason for the excess"), max_length=200, required=False,
        help_text=_("Needed when the receipts would exceed the contract amount."),
    )
    notes = forms.CharField(label=_("Notes"), max_length=200, required=False)

    def __init__(self, *args, plans=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans if plans is not None else PaymentPlan.objects.none()
        self.fields["plan"].label_from_instance = lambda plan: _("Instalment %(n)d · due %(date)s · ¥%(amount)s") % {
            "n": plan.sequence, "date": plan.due_on.isoformat(), "amount": f"{plan.amount - plan.received:,.2f}"}


class DetailsForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Invoice title"), max_length=100, required=False)
    tax_id = forms.CharField(label=_("Taxpayer ID"), max_length=30, required=False)
    address = forms.CharField(label=_("Registered address"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    bank = forms.CharField(label=_("Bank"), max_length=100, required=False)
    account = forms.CharField(label=_("Bank account"), max_length=40, required=False)


class InvoiceForm(DetailsForm):
    amount = _amount()
    kind = forms.ChoiceField(label=_("Invoice type"), choices=InvoiceKind.choices)
    tax_rate = forms.ChoiceField(label=_("Tax rate"), choices=TAX_RATES, initial="13")
    items = forms.CharField(label=_("Items"), max_length=500, required=False)
    over_reason = forms.CharField(
        label=_("Reason for the excess"), max_length=200, required=False,
        help_text=_("Needed when the invoices would exceed the contract amount."),
    )
    field_order = ["amount", "kind", "tax_rate", "items", "name", "tax_id", "address", "phone", "bank", "account",
                   "over_reason"]


class IssueForm(BootstrapMixin, forms.Form):
    invoice_no = forms.CharField(label=_("Invoice number"), max_length=30)
    issued_on = _date(_("Issued on"), required=False)


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ReceiptFilterForm(BootstrapMixin, forms.Form):
    received_from = _date(_("Received from"), required=False)
    received_to = _date(_("Received to"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All statuses")), *ReceiptStatus.choices],
                               required=False)


class QuoteForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100)
    valid_until = _date(_("Valid until"))
    tax_rate = forms.ChoiceField(label=_("Tax rate"), choices=TAX_RATES, initial="13")
    opportunity = forms.ModelChoiceField(label=_("Opportunity"), queryset=None, required=False)
    notes = forms.CharField(label=_("Terms and notes"), max_length=5000, required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, opportunities=None, **kwargs):
        super().__init__(*args, **kwargs)
        from crm.opportunities.models import Opportunity

        self.fields["opportunity"].queryset = opportunities if opportunities is not None else Opportunity.objects.none()


class LineForm(BootstrapMixin, forms.Form):
    """A priced line of a quote or a contract; `product` is the ERP product's code, picked from the
    suggestions while typing (crm.sales.views.lines)."""

    product = forms.CharField(label=_("Product code"), max_length=64, required=False)
    description = forms.CharField(label=_("Item"), max_length=200, required=False)
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=14, decimal_places=3, min_value=Decimal("0.001"),
                                  required=False)
    unit_price = forms.DecimalField(label=_("Unit price"), max_digits=14, decimal_places=2, min_value=0,
                                    required=False)
    discount = forms.DecimalField(label=_("Discount (%)"), max_digits=5, decimal_places=2, min_value=0,
                                  max_value=100, required=False)

    def line(self) -> dict | None:
        data = self.cleaned_data
        if not data or not any(data.get(name) for name in ("product", "description", "quantity", "unit_price")):
            return None
        return {"product_code": (data.get("product") or "").strip(), "description": data.get("description") or "",
                "quantity": data.get("quantity"), "unit_price": data.get("unit_price"),
                "discount": data.get("discount") or 0}


LineFormSet = forms.formset_factory(LineForm, extra=3, max_num=50, validate_max=True)


class PrintTemplateForm(BootstrapMixin, forms.Form):
    body = forms.CharField(label=_("Template"), widget=forms.Textarea(attrs={"rows": 24, "class": "font-monospace"}),
                           max_length=50_000)
