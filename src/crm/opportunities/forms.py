"""The opportunity's forms: shape only; the services decide and save."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from crm.competitors.models import Competitor
from crm.core.forms import BootstrapMixin
from crm.dictionary.selectors import items
from crm.identity.models import User
from crm.opportunities.models import REQUIRABLE_FIELDS, Opportunity, OpportunityTag, Pipeline, PlanItem, Stage

DATE = {"type": "date"}


class OpportunityForm(BootstrapMixin, forms.ModelForm):
    """Create and edit (OPP-1, OPP-2): the entered fields; number, creator and time are the system's."""

    class Meta:
        model = Opportunity
        fields = ["source", "customer_name", "probability", "summary", "contact_name", "contact_phone", "description"]
        widgets = {
            "probability": forms.NumberInput(attrs={"min": 0, "max": 100, "inputmode": "numeric"}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, removed=(), locked=(), **kwargs):
        super().__init__(*args, **kwargs)
        for name in removed:
            self.fields.pop(name, None)
        for name in locked:
            if name in self.fields:
                self.fields[name].disabled = True
        self.fields["probability"].help_text = _("From 0 to 100.")

    def service_data(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if not self.fields[name].disabled}

    def _post_clean(self):
        """Shape only: the service validates the model (and the form must not touch the instance)."""


class AssignForm(BootstrapMixin, forms.Form):
    owner = forms.ModelChoiceField(label=_("Account manager"), queryset=User.objects.none())

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners if owners is not None else User.objects.none()
        self.fields["owner"].label_from_instance = lambda user: (
            f"{user} · {user.department.name}" if user.department_id else str(user)
        )


class PlanItemForm(BootstrapMixin, forms.Form):
    """A step of the plan: date and content, both required; the date of an existing step is fixed."""

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    content = forms.CharField(label=_("Plan"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, existing: PlanItem | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if existing is not None:
            self.fields["date"].disabled = True
            self.fields["date"].help_text = _("The date of a planned step cannot be changed.")


class ResultForm(BootstrapMixin, forms.Form):
    result = forms.CharField(label=_("Execution result"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class SucceedForm(BootstrapMixin, forms.Form):
    """What a new customer needs besides the opportunity's name, contact and phone."""

    region = forms.ModelChoiceField(label=_("Region"), queryset=None)
    level = forms.ModelChoiceField(label=_("Customer level"), queryset=None)

    def __init__(self, *args, creating: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = items("region")
        self.fields["level"].queryset = items("customer_level")
        self.fields["level"].initial = self.fields["level"].queryset.values_list("pk", flat=True).first()
        if not creating:
            for field in self.fields.values():
                field.required = False
                field.widget = forms.HiddenInput()

    def customer_data(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if value is not None}


class FailForm(BootstrapMixin, forms.Form):
    lost_reason = forms.ModelChoiceField(label=_("Lost reason"), queryset=None)
    lost_to = forms.ModelChoiceField(label=_("Lost to competitor"), queryset=Competitor.objects.all(), required=False)
    reason = forms.CharField(
        label=_("Details"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lost_reason"].queryset = items("lost_reason")


class CompetitorsForm(BootstrapMixin, forms.Form):
    competitors = forms.ModelMultipleChoiceField(
        label=_("Competitors the customer also considers"),
        queryset=Competitor.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class TagsForm(BootstrapMixin, forms.Form):
    tags = forms.ModelMultipleChoiceField(
        label=_("Tags"), queryset=OpportunityTag.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )


class OpportunityTagForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = OpportunityTag
        fields = ["name", "color"]

    def service_data(self) -> dict:
        return dict(self.cleaned_data)

    def _post_clean(self):
        """Shape only: the service validates and saves."""


class DealForm(BootstrapMixin, forms.ModelForm):
    """The deal's figures (OPP-9, OPP-12); `only` limits it to the fields a stage asks for."""

    class Meta:
        model = Opportunity
        fields = ["expected_amount", "expected_close", "intent", "budget", "urgency"]
        widgets = {
            "expected_amount": forms.NumberInput(attrs={"step": "0.01", "min": 0, "inputmode": "decimal"}),
            "expected_close": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
        }

    def __init__(self, *args, only=None, require=(), **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if only is not None and name not in only:
                self.fields.pop(name)
        for name in require:
            if name in self.fields:
                self.fields[name].required = True

    def service_data(self) -> dict:
        return dict(self.cleaned_data)

    def _post_clean(self):
        """Shape only: the service validates and saves."""


class OpportunityFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)
    created = forms.BooleanField(label=_("Created by me"), required=False)
    stage = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    tag = forms.ModelChoiceField(
        label=_("Tag"), queryset=OpportunityTag.objects.all(), required=False, empty_label=_("All tags")
    )

    def valid_filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value}


class PipelineForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Pipeline
        fields = [
            "name", "department", "is_default", "is_active", "sort_order", "stale_inactive_days", "stale_stage_days",
            "stale_action", "stale_warn_days",
        ]

    def service_data(self) -> dict:
        return dict(self.cleaned_data)

    def _post_clean(self):
        """Shape only: the service validates and saves."""


class StageForm(BootstrapMixin, forms.ModelForm):
    required_fields = forms.MultipleChoiceField(
        label=_("Required before entering"), required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )

    class Meta:
        model = Stage
        fields = ["name", "probability", "folded", "required_fields"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["required_fields"].choices = [
            (name, capfirst(Opportunity._meta.get_field(name).verbose_name)) for name in REQUIRABLE_FIELDS
        ]

    def service_data(self) -> dict:
        return dict(self.cleaned_data)

    def _post_clean(self):
        """Shape only: the service validates and saves."""
