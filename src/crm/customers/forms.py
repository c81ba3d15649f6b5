"""Forms of the customer pages: they check shape and hand clean values to the services."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.access.forms import ShareForm  # noqa: F401  (the customers' pages share through it)
from crm.core.errors import DomainError
from crm.core.forms import BootstrapMixin
from crm.customers.conditions import OPERATOR_LABELS, OPERATORS, clean_conditions, field_specs
from crm.customers.custom_fields import definitions
from crm.customers.fields import BASIC, CONTACT_DETAILS, REGISTRATION
from crm.customers.models import (
    AttachmentKind,
    Contact,
    CustomerStatus,
    CustomFieldType,
    Gender,
    Pool,
    Tag,
)
from crm.customers.models.customer import RATING_CHOICES
from crm.customers.selectors.customers import ORDERINGS, CustomerFilters
from crm.dictionary.forms import CityField, DictionaryItemField, ProvinceField, RegionPairMixin
from crm.identity.models import User

DATE_WIDGET = {"type": "date"}


def _date(**kwargs):
    return forms.DateField(widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"), **kwargs)


def custom_form_field(definition) -> forms.Field:
    """The form field of a custom field definition (CUS-14)."""
    common = {"label": definition.label, "required": definition.required, "help_text": definition.help_text}
    kind = definition.field_type
    if kind == CustomFieldType.TEXTAREA:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, **common)
    if kind == CustomFieldType.NUMBER:
        return forms.DecimalField(max_digits=20, decimal_places=6, **common)
    if kind == CustomFieldType.DATE:
        return _date(**common)
    if kind == CustomFieldType.BOOLEAN:
        return forms.NullBooleanField(
            widget=forms.Select(choices=[("", "—"), ("true", _("Yes")), ("false", _("No"))]), **common
        )
    if kind == CustomFieldType.CHOICE:
        return forms.ChoiceField(choices=[("", "—"), *((o, o) for o in definition.options)], **common)
    if kind == CustomFieldType.MULTICHOICE:
        return forms.MultipleChoiceField(
            choices=[(o, o) for o in definition.options], widget=forms.CheckboxSelectMultiple, **common
        )
    return forms.CharField(max_length=200, **common)


class CustomFieldsMixin:
    """Adds `custom_<key>` fields for the active custom fields of `custom_resource`."""

    custom_resource = "customer"

    def add_custom_fields(self, current: dict | None = None) -> None:
        self.custom_definitions = definitions(self.custom_resource)
        for definition in self.custom_definitions:
            name = f"custom_{definition.key}"
            self.fields[name] = custom_form_field(definition)
            if current and definition.key in current and not self.is_bound:
                self.initial[name] = current[definition.key]

    def custom_values(self) -> dict:
        values = {}
        for definition in self.custom_definitions:
            value = self.cleaned_data.get(f"custom_{definition.key}")
            if isinstance(value, datetime.date):
                value = value.isoformat()
            values[definition.key] = value
        return values

    @property
    def custom_bound_fields(self):
        return [self[f"custom_{d.key}"] for d in self.custom_definitions]


class CustomerForm(BootstrapMixin, CustomFieldsMixin, RegionPairMixin, forms.Form):
    """Every field of s003/5 fig. 10 and s003/1 客户基础数据; * marks the required ones."""

    name = forms.CharField(label=_("Customer name"), max_length=100)
    region = DictionaryItemField("region", label=_("Region"))
    manager = forms.ModelChoiceField(label=_("Account manager"), queryset=User.objects.none())
    level = DictionaryItemField("customer_level", label=_("Customer level"))
    satisfaction = forms.TypedChoiceField(label=_("Satisfaction"), choices=RATING_CHOICES, coerce=int)
    credit = forms.TypedChoiceField(label=_("Credit"), choices=RATING_CHOICES, coerce=int)
    phone = forms.CharField(label=_("Telephone"), max_length=40, required=False)
    fax = forms.CharField(label=_("Fax"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"), max_length=120, required=False)
    website = forms.CharField(label=_("Website"), max_length=200, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=10, required=False)
    province = ProvinceField(required=False)
    city = CityField(required=False)
    customer_type = DictionaryItemField("customer_type", label=_("Customer type"), required=False)
    source = DictionaryItemField("customer_source", label=_("Customer source"), required=False)
    industry = DictionaryItemField("industry", label=_("Industry"), required=False)
    potential = DictionaryItemField("customer_potential", label=_("Development potential"), required=False)
    stage = DictionaryItemField("customer_stage", label=_("Customer stage"), required=False)
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=25, required=False)
    licence_no = forms.CharField(label=_("Business licence number"), max_length=50, required=False)
    legal_representative = forms.CharField(label=_("Legal representative"), max_length=50, required=False)
    registered_capital = forms.DecimalField(
        label=_("Registered capital (10k CNY)"), max_digits=14, decimal_places=2, required=False, min_value=0
    )
    annual_revenue = forms.DecimalField(
        label=_("Annual revenue (10k CNY)"), max_digits=14, decimal_places=2, required=False, min_value=0
    )
    bank = forms.CharField(label=_("Bank"), max_length=100, required=False)
    bank_account = forms.CharField(label=_("Bank account"), max_length=50, required=False)
    local_tax_no = forms.CharField(label=_("Local tax registration number"), max_length=50, required=False)
    national_tax_no = forms.CharField(label=_("National tax registration number"), max_length=50, required=False)
    tags = forms.ModelMultipleChoiceField(
        label=_("Tags"), queryset=Tag.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    confirm_duplicates = forms.BooleanField(required=False, widget=forms.HiddenInput)

    SECTIONS = (
        (_("Basic information"), BASIC),
        (_("Contact details"), CONTACT_DETAILS),
        (_("Registration and finance"), REGISTRATION),
    )

    def __init__(self, *args, managers=None, locked=(), customer=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_custom_fields(customer.custom if customer else None)
        if managers is not None:
            self.fields["manager"].queryset = managers
        self.fields["manager"].label_from_instance = lambda user: (
            f"{user} · {user.department.name}" if user.department_id else str(user)
        )
        if editing:
            del self.fields["manager"]  # the manager changes by handover, not here
        for name in locked:
            if name in self.fields:
                self.fields[name].disabled = True
        if customer is not None:
            for name in ("region", "level", "customer_type", "source", "industry", "potential", "stage"):
                self.fields[name].keep(getattr(customer, name))
        self.fields["name"].widget.attrs.update({"autofocus": True, "autocomplete": "off"})
        self.fields["name"].help_text = _("The full registered name, such as 北京华信科技有限公司.")
        self.fields["phone"].help_text = _("Mobile or landline: 138 1234 5678, 021-62345678.")

    def sections(self):
        """(title, fields, folded): the registration section starts folded unless it holds values."""
        for position, (title, names) in enumerate(self.SECTIONS):
            fields = [self[name] for name in names if name in self.fields]
            folded = position == 2 and not any(f.value() or f.errors for f in fields)
            yield title, fields, folded

    def service_data(self) -> dict:
        names = [name for _title, group in self.SECTIONS for name in group if name != "manager"] + ["city", "notes"]
        return {
            name: self.cleaned_data.get(name)
            for name in names
            if name in self.fields and not self.fields[name].disabled
        }

    def clean(self):
        cleaned = super().clean()
        for name in (
            "phone", "fax", "website", "address", "postcode", "credit_code", "licence_no", "legal_representative",
            "bank", "bank_account", "local_tax_no", "national_tax_no", "email", "notes",
        ):
            if name in cleaned and cleaned[name] is None:
                cleaned[name] = ""
        return cleaned


class ContactForm(BootstrapMixin, CustomFieldsMixin, forms.ModelForm):
    custom_resource = "contact"

    class Meta:
        model = Contact
        fields = ["name", "gender", "position", "office_phone", "mobile", "email", "birthday", "is_primary", "notes"]
        widgets = {
            "birthday": forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 2}),
            "gender": forms.RadioSelect,
        }

    def __init__(self, *args, locked=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.add_custom_fields(self.instance.custom if self.instance.pk else None)
        self.fields["gender"].choices = list(Gender.choices)
        for name in locked:
            if name in self.fields:
                self.fields[name].disabled = True

    def _post_clean(self):
        """Model validation happens in the service (one place); here only the shape."""

    def service_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields if not self.fields[name].disabled}


class FollowUpForm(BootstrapMixin, forms.Form):
    method = DictionaryItemField("followup_method", label=_("Method"))
    contact = forms.ModelChoiceField(label=_("Contact person"), queryset=Contact.objects.none(), required=False)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 3}))
    result = forms.CharField(label=_("Result"), max_length=500, required=False)
    next_followup_on = _date(label=_("Next follow-up"), required=False)

    def __init__(self, *args, customer=None, **kwargs):
        super().__init__(*args, **kwargs)
        if customer is not None:
            self.fields["contact"].queryset = Contact.objects.filter(customer=customer)


class InteractionForm(BootstrapMixin, forms.Form):
    occurred_on = _date(label=_("Date"))
    place = forms.CharField(label=_("Place"), max_length=100)
    summary = forms.CharField(label=_("Summary"), max_length=200)
    detail = forms.CharField(label=_("Detail"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    notes = forms.CharField(label=_("Notes"), max_length=500, required=False)


class HandoverForm(BootstrapMixin, forms.Form):
    manager = forms.ModelChoiceField(label=_("New account manager"), queryset=User.objects.none())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, managers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if managers is not None:
            self.fields["manager"].queryset = managers
        self.fields["manager"].label_from_instance = lambda user: (
            f"{user} · {user.department.name}" if user.department_id else str(user)
        )


class ReleaseForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Why does the customer go back to the pool?"), max_length=300)


class TransferRequestForm(BootstrapMixin, forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why should the customer be yours?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=500
    )


class DecisionForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class AttachmentForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label=_("File"))
    kind = forms.ChoiceField(label=_("Kind"), choices=AttachmentKind.choices, initial=AttachmentKind.QUOTE)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)


class CustomerFilterForm(BootstrapMixin, forms.Form):
    """The list's filter bar (CUS-11): a field for each parameter CustomerFilters.from_params reads
    (every one has an index behind it), the conditions and the workbench's "due soon"."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    region = DictionaryItemField("region", label=_("Region"), required=False, empty_label=_("All regions"))
    level = DictionaryItemField("customer_level", label=_("Level"), required=False, empty_label=_("All levels"))
    source = DictionaryItemField("customer_source", label=_("Source"), required=False, empty_label=_("All sources"))
    industry = DictionaryItemField("industry", label=_("Industry"), required=False, empty_label=_("All industries"))
    customer_type = DictionaryItemField("customer_type", required=False, empty_label=_("All customer types"))
    potential = DictionaryItemField("customer_potential", required=False, empty_label=_("All potentials"))
    stage = DictionaryItemField("customer_stage", required=False, empty_label=_("All stages"))
    province = ProvinceField(required=False, empty_label=_("All provinces"))
    city = CityField(required=False, empty_label=_("All cities"))
    pool = forms.ModelChoiceField(
        label=_("Public pool"),
        queryset=Pool.objects.order_by("sort_order", "id"),
        required=False,
        empty_label=_("All pools"),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *CustomerStatus.choices]
    )
    manager = forms.ChoiceField(label=_("Manager"), required=False)
    tag = forms.ModelChoiceField(label=_("Tag"), queryset=Tag.objects.all(), required=False, empty_label=_("All tags"))
    last_followup_from = _date(label=_("Last follow-up from"), required=False)
    last_followup_to = _date(label=_("Last follow-up until"), required=False)
    next_followup_from = _date(label=_("Next follow-up from"), required=False)
    next_followup_to = _date(label=_("Next follow-up until"), required=False)
    created_from = _date(label=_("Created from"), required=False)
    created_to = _date(label=_("Created until"), required=False)
    shared = forms.BooleanField(label=_("Shared with me"), required=False)
    pool_due = forms.CharField(required=False, widget=forms.HiddenInput)
    ordering = forms.ChoiceField(label=_("Sort"), required=False, choices=[(key, key) for key in ORDERINGS])
    logic = forms.ChoiceField(required=False, choices=[("and", _("all conditions")), ("or", _("any condition"))])

    def __init__(self, *args, managers=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("All managers")), ("me", _("Mine")), ("none", _("In the public pool"))]
        if managers is not None:
            choices += [(str(user.pk), str(user)) for user in managers[:300]]
        self.fields["manager"].choices = choices
        self.fields["q"].widget.attrs.update(
            {"placeholder": _("Name, pinyin, initials, phone, contact, number"), "type": "search"}
        )
        self.custom_definitions = [
            d for d in definitions("customer") if d.field_type in (CustomFieldType.CHOICE, CustomFieldType.BOOLEAN)
        ]
        for definition in self.custom_definitions:
            if definition.field_type == CustomFieldType.CHOICE:
                options = [(o, o) for o in definition.options]
            else:
                options = [("true", _("Yes")), ("false", _("No"))]
            self.fields[f"custom.{definition.key}"] = forms.ChoiceField(
                label=definition.label,
                required=False,
                choices=[("", definition.label), *options],
                widget=forms.Select(attrs={"class": "form-select"}),
            )

    @property
    def custom_filter_fields(self):
        return [self[f"custom.{d.key}"] for d in self.custom_definitions]

    def conditions(self) -> list[dict]:
        """The user-defined conditions: c-field-N, c-op-N, c-value-N in the query string."""
        data = self.data
        result = []
        specs = field_specs()
        for index in range(20):
            name = data.get(f"c-field-{index}")
            if not name:
                continue
            op = data.get(f"c-op-{index}") or (OPERATORS[specs[name].kind][0] if name in specs else "")
            result.append({"field": name, "op": op, "value": data.get(f"c-value-{index}", "")})
        return result

    def filters(self) -> CustomerFilters:
        """The quick filters as everywhere (CustomerFilters.from_params), the workbench's "due
        soon" and the conditions. What does not fit is shown on the form, and left out: the
        conditions alone, or else every filter."""
        try:
            filters = CustomerFilters.from_params(self.data)
        except DomainError as exc:
            self.add_error(None, exc.summary())
            return CustomerFilters()
        filters.pool_due_soon = self.data.get("pool_due") == "soon"
        filters.logic = "or" if self.data.get("logic") == "or" else "and"
        try:
            filters.conditions = clean_conditions(self.conditions())
        except DomainError as exc:
            self.add_error(None, exc.summary())
        return filters


def operator_choices(kind: str):
    return [(op, OPERATOR_LABELS[op]) for op in OPERATORS[kind]]
