"""Forms of the customer settings (pools CUS-13, tags CUS-15, custom fields CUS-14, duplicate
rules CUS-8) and of contracts (CUS-16). They check shape and hand clean values to the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.core.colours import BadgeColour
from crm.core.forms import BootstrapMixin
from crm.core.uploads import SIGNATURES
from crm.customers.models import (
    ContractStatus,
    CustomField,
    CustomFieldType,
    DuplicateMode,
    DuplicateRuleKind,
    Tag,
)
from crm.customers.selectors.related import CONTRACT_ORDERINGS
from crm.identity.models import User

DATE_WIDGET = {"type": "date"}
OPTION_TYPES = (CustomFieldType.CHOICE, CustomFieldType.MULTICHOICE)

# Bootstrap's colour names, as a person reads them.
TAG_COLOURS = dict(BadgeColour.choices)


def _date(**kwargs) -> forms.DateField:
    return forms.DateField(widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"), **kwargs)


def _days(label, *, required=False, initial=None, min_value=1, help_text=""):
    return forms.IntegerField(
        label=label,
        required=required,
        initial=initial,
        min_value=min_value,
        max_value=3650,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


# --- public pools -----------------------------------------------------------------------------------------
class PoolForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    departments = forms.TypedMultipleChoiceField(
        label=_("Departments served"),
        coerce=int,
        required=False,
        help_text=_("The pool serves these departments and everything below them. None: the whole company."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    no_followup_days = _days(
        _("Back to the pool after days without follow-up"), help_text=_("Empty: never for this reason.")
    )
    no_deal_days = _days(_("Back to the pool after days without a deal"), help_text=_("Empty: never for this reason."))
    warn_days = _days(
        _("Warn the manager days before"), required=True, initial=3, min_value=0, help_text=_("0: no warning.")
    )
    claim_cap = forms.IntegerField(
        label=_("Most customers one manager may own"),
        required=False,
        min_value=0,
        max_value=1_000_000,
        help_text=_("Managers cannot claim beyond this. Empty: no limit."),
    )
    reclaim_days = _days(
        _("Days before a manager may claim back a customer they released"),
        required=True,
        initial=30,
        min_value=0,
    )
    sort_order = forms.IntegerField(label=_("Sort order"), initial=0, required=False)
    is_default = forms.BooleanField(
        label=_("Default pool"),
        required=False,
        help_text=_("Takes the customers of managers whom no other pool serves."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, department_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].choices = list(department_choices)

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "departments"}
        data["sort_order"] = data.get("sort_order") or 0
        data["description"] = (data.get("description") or "").strip()
        data["name"] = (data.get("name") or "").strip()
        return data


# --- tags -------------------------------------------------------------------------------------------------
class TagForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=30)
    group = forms.CharField(
        label=_("Group"),
        max_length=30,
        required=False,
        help_text=_("The classification the tag belongs to, such as 合作状态 or 成交金额."),
    )
    color = forms.ChoiceField(label=_("Colour"), choices=list(TAG_COLOURS.items()), widget=forms.RadioSelect)
    sort_order = forms.IntegerField(label=_("Sort order"), initial=0, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["color"].choices = [(c, TAG_COLOURS.get(c, c)) for c in Tag.COLORS]
        self.fields["group"].widget.attrs["list"] = "tag-groups"
        self.fields["group"].widget.attrs["autocomplete"] = "off"

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["sort_order"] = data.get("sort_order") or 0
        data["name"] = (data.get("name") or "").strip()
        data["group"] = (data.get("group") or "").strip()
        return data


# --- custom fields -----------------------------------------------------------------------------------------
class CustomFieldForm(BootstrapMixin, forms.Form):
    resource = forms.ChoiceField(label=_("Record type"), choices=CustomField.RESOURCES)
    label = forms.CharField(label=_("Label"), max_length=50)
    key = forms.RegexField(
        label=_("Key"),
        max_length=40,
        regex=r"^[a-z][a-z0-9_]*$",
        error_messages={"invalid": _("Lower-case letters, digits and _, starting with a letter.")},
        help_text=_(
            "A short stable code used by the API, imports and exports, such as employees. It cannot change later."
        ),
    )
    field_type = forms.ChoiceField(
        label=_("Type"), choices=CustomFieldType.choices, help_text=_("It cannot change later.")
    )
    options = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For choice types: one option per line."),
    )
    required = forms.BooleanField(label=_("Required"), required=False)
    help_text = forms.CharField(label=_("Help text"), max_length=200, required=False)
    sort_order = forms.IntegerField(label=_("Sort order"), initial=0, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    FROZEN = ("resource", "key", "field_type")

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing
        self.fields["key"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
        if editing:
            for name in self.FROZEN:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Fixed once the field exists.")

    def clean_options(self) -> list[str]:
        lines = [line.strip() for line in (self.cleaned_data.get("options") or "").splitlines()]
        return [line for line in lines if line]

    def clean(self):
        cleaned = super().clean()
        options = cleaned.get("options") or []
        if cleaned.get("field_type") in OPTION_TYPES:
            if not options:
                self.add_error("options", _("A choice field needs at least one option."))
            elif len(set(options)) != len(options):
                self.add_error("options", _("Each option may appear only once."))
        else:
            cleaned["options"] = []
        return cleaned

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["sort_order"] = data.get("sort_order") or 0
        data["label"] = (data.get("label") or "").strip()
        data["help_text"] = (data.get("help_text") or "").strip()
        if self.editing:
            for name in self.FROZEN:
                data.pop(name, None)
        return data


def options_text(options) -> str:
    return "\n".join(str(option) for option in options or [])


# --- duplicate rules --------------------------------------------------------------------------------------
class DuplicateRulesForm(BootstrapMixin, forms.Form):
    """One mode per rule (similar names only warn or are off) and the similar-name threshold."""

    threshold = forms.IntegerField(
        label=_("Similarity threshold"),
        min_value=50,
        max_value=100,
        help_text=_("50–100: how alike two names must be to count as similar (100: identical)."),
    )

    def __init__(self, *args, rules=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.rules = list(rules)
        for rule in self.rules:
            choices = list(DuplicateMode.choices)
            if rule.kind == DuplicateRuleKind.SIMILAR_NAME:
                choices = [c for c in choices if c[0] != DuplicateMode.BLOCK]
            self.fields[f"mode_{rule.kind}"] = forms.ChoiceField(
                label=rule.get_kind_display(), choices=choices, initial=rule.mode, widget=forms.RadioSelect
            )
            if rule.kind == DuplicateRuleKind.SIMILAR_NAME:
                self.initial.setdefault("threshold", rule.threshold)
        for name, field in self.fields.items():
            if name.startswith("mode_"):
                field.widget.attrs["class"] = "btn-check"

    def rows(self):
        for rule in self.rules:
            yield rule, self[f"mode_{rule.kind}"]

    def changes(self) -> list[tuple[str, str, int | None]]:
        """(kind, mode, threshold) for each rule whose mode or threshold differs from now."""
        result = []
        for rule in self.rules:
            mode = self.cleaned_data[f"mode_{rule.kind}"]
            threshold = None
            if rule.kind == DuplicateRuleKind.SIMILAR_NAME:
                threshold = self.cleaned_data["threshold"]
                if threshold == rule.threshold:
                    threshold = None
            if mode != rule.mode or threshold is not None:
                result.append((rule.kind, mode, threshold))
        return result


# --- contracts --------------------------------------------------------------------------------------------
class ContractForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100)
    amount = forms.DecimalField(
        label=_("Amount (CNY)"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    # "In approval" is set by submitting the contract for approval, never by hand.
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[c for c in ContractStatus.choices if c[0] != ContractStatus.IN_APPROVAL],
        initial=ContractStatus.DRAFT,
    )
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    signed_on = _date(label=_("Signed on"), required=False)
    start_on = _date(label=_("Starts on"), required=False)
    end_on = _date(label=_("Ends on"), required=False)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    # A closed contract keeps its terms (crm.customers.services.contracts.contract_update).
    OPEN_WHEN_CLOSED = ("notes",)

    def __init__(self, *args, owners=None, closed=False, locked=(), removed=(), statuses=None, **kwargs):
        super().__init__(*args, **kwargs)
        if statuses is not None:  # where the status may go from here (the flow's table)
            self.fields["status"].choices = [(s.value, s.label) for s in statuses]
        if owners is not None:
            self.fields["owner"].queryset = owners
        self.fields["owner"].label_from_instance = lambda user: (
            f"{user} · {user.department.name}" if user.department_id else str(user)
        )
        for name in removed:
            self.fields.pop(name, None)
        for name in locked:
            if name in self.fields:
                self.fields[name].disabled = True
        if closed:
            for name, field in self.fields.items():
                if name not in self.OPEN_WHEN_CLOSED:
                    field.disabled = True

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_on"), cleaned.get("end_on")
        if start and end and end < start:
            self.add_error("end_on", _("The end date is before the start date."))
        return cleaned

    def service_data(self) -> dict:
        data = {name: value for name, value in self.cleaned_data.items() if not self.fields[name].disabled}
        if "notes" in data:
            data["notes"] = data["notes"] or ""
        return data


class ContractRulesForm(forms.Form):
    """Per status, what a contract must have before it enters it (crm.customers.contract_rules)."""

    def __init__(self, *args, statuses=(), requirements=(), current=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(requirement.key, requirement.label) for requirement in requirements]
        for status in statuses:
            self.fields[status.value] = forms.MultipleChoiceField(
                label=status.label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple,
                initial=(current or {}).get(status.value, []),
            )


class ContractTransitionForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, needs_reason=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = needs_reason
        if not needs_reason:
            del self.fields["reason"]


class ContractFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *ContractStatus.choices]
    )
    signed_from = _date(label=_("Signed from"), required=False)
    signed_to = _date(label=_("Signed until"), required=False)
    amount_min = forms.DecimalField(label=_("Amount from"), required=False, max_digits=14, decimal_places=2)
    amount_max = forms.DecimalField(label=_("Amount up to"), required=False, max_digits=14, decimal_places=2)
    unpaid = forms.BooleanField(label=_("Not fully paid"), required=False)
    ordering = forms.ChoiceField(required=False, choices=[(key, key) for key in CONTRACT_ORDERINGS])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].widget.attrs.update({"placeholder": _("Number, title or customer"), "aria-label": _("Search")})
        self.fields["amount_min"].widget.attrs.update({"placeholder": _("lowest"), "inputmode": "decimal"})
        self.fields["amount_max"].widget.attrs.update({"placeholder": _("highest"), "inputmode": "decimal"})
        for name in ("signed_from", "signed_to", "amount_min", "amount_max", "status"):
            self.fields[name].widget.attrs["aria-label"] = self.fields[name].label
        for field in self.fields.values():  # the compact size of list filters
            css = field.widget.attrs.get("class", "")
            small = "form-select-sm" if "form-select" in css.split() else "form-control-sm"
            field.widget.attrs["class"] = f"{css} {small}".strip()

    def valid_filters(self) -> dict:
        """The valid filters only: a field with an error is left out of the query."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.cleaned_data

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("signed_from"), cleaned.get("signed_to")
        if low and high and high < low:
            self.add_error("signed_to", _("The end of the range is before its start."))
        low, high = cleaned.get("amount_min"), cleaned.get("amount_max")
        if low is not None and high is not None and high < low:
            self.add_error("amount_max", _("The end of the range is before its start."))
        return cleaned


def upload_accept() -> str:
    """The `accept` attribute of a file input: the kinds crm.core.uploads lets through."""
    return ",".join(f".{kind}" for kind in SIGNATURES)
