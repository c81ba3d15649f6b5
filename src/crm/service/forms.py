"""The service's forms: shape only; the services decide and save."""

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.core.forms import BootstrapMixin
from crm.dictionary.selectors import items
from crm.identity.models import User
from crm.knowledge.models import Article
from crm.service.models import Satisfaction, Service, ServiceAgreement

DATE = {"type": "date"}


class ServiceForm(BootstrapMixin, forms.ModelForm):
    """Create (SRV-1): type, summary and request; the customer is chosen before, the number,
    creator and time are the system's."""

    class Meta:
        model = Service
        fields = ["type", "summary", "request"]
        widgets = {"request": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].queryset = items("service_type")
        self.fields["type"].empty_label = None

    def _post_clean(self):
        """Shape only: the service validates the model (and the form must not touch the instance)."""


class AssignForm(BootstrapMixin, forms.Form):
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=User.objects.none())

    def __init__(self, *args, users=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = users if users is not None else User.objects.none()
        self.fields["assignee"].label_from_instance = lambda user: (
            f"{user} · {user.department.name}" if user.department_id else str(user)
        )


class HandleForm(BootstrapMixin, forms.Form):
    handling = forms.CharField(
        label=_("Handling"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("How the request was handled; the handler and the time are recorded."),
    )
    article = forms.ModelChoiceField(
        label=_("Knowledge-base article used"),
        queryset=None,
        required=False,
        empty_label=_("None"),
        help_text=_("The articles that match this service; the one you went by is linked to the handling."),
    )

    def __init__(self, *args, articles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["article"].queryset = Article.objects.filter(pk__in=[a.pk for a in articles])
        if not articles:
            self.fields.pop("article")


class FeedbackForm(BootstrapMixin, forms.Form):
    result = forms.CharField(label=_("Handling result"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    satisfaction = forms.TypedChoiceField(
        label=_("Customer satisfaction"),
        choices=Satisfaction.choices,
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("3 or more archives the service; 1 or 2 sends it back to be handled again."),
    )


class ArchiveFilterForm(BootstrapMixin, forms.Form):
    """The archive search (SRV-5): customer, summary, type, created date range."""

    customer_name = forms.CharField(label=_("Customer"), max_length=100, required=False)
    summary = forms.CharField(label=_("Summary"), max_length=100, required=False)
    type = forms.ModelChoiceField(label=_("Service type"), queryset=None, required=False)
    created_after = forms.DateField(
        label=_("Created from"), required=False, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d")
    )
    created_before = forms.DateField(
        label=_("Created to"), required=False, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].queryset = items("service_type")
        self.fields["type"].empty_label = _("All types")

    def valid_filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        data = dict(self.cleaned_data)
        data["type"] = data["type"].pk if data.get("type") else None
        return {name: value for name, value in data.items() if value not in (None, "")}


class SearchForm(forms.Form):
    q = forms.CharField(max_length=100, required=False)


class AgreementForm(BootstrapMixin, forms.ModelForm):
    """A service agreement 服务协议: shape only; the service checks and saves."""

    class Meta:
        model = ServiceAgreement
        fields = ["type", "customer_level", "response_hours", "resolution_hours", "warn_hours", "is_active"]
        widgets = {
            name: forms.NumberInput(attrs={"step": "0.5", "min": "0"})
            for name in ("response_hours", "resolution_hours", "warn_hours")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].queryset = items("service_type")
        self.fields["type"].empty_label = None
        self.fields["customer_level"].queryset = items("customer_level")
        self.fields["customer_level"].empty_label = _("Any level")
        if self.instance.pk:  # keep an item deactivated since
            for name in ("type", "customer_level"):
                current = getattr(self.instance, f"{name}_id")
                if current:
                    queryset = self.fields[name].queryset
                    self.fields[name].queryset = (queryset | queryset.model.objects.filter(pk=current)).distinct()

    def service_data(self) -> dict:
        return dict(self.cleaned_data)

    def _post_clean(self):
        """Shape only: the service validates and saves."""
