"""Forms of knowledge articles: they check shape and hand clean values to the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.core.forms import BootstrapMixin, FilterFormMixin
from crm.knowledge import tokens
from crm.knowledge.models import ArticleStatus


class ArticleForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Problem (title)"), max_length=200)
    problem = forms.CharField(
        label=_("Problem description"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the customer saw: messages, steps, versions."),
    )
    solution = forms.CharField(label=_("Solution"), widget=forms.Textarea(attrs={"rows": 6}))
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=200, help_text=_("Separated by commas, such as 登录, 密码.")
    )
    product = forms.CharField(label=_("Product"), required=False, max_length=100)
    is_public = forms.BooleanField(
        label=_("Public"),
        required=False,
        help_text=_("Published articles marked public will show in the customer portal."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].widget.attrs["autocomplete"] = "off"
        self.fields["tags"].widget.attrs["autocomplete"] = "off"

    def clean_tags(self) -> str:
        return tokens.join_tags(tokens.split_tags(self.cleaned_data["tags"]))

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class ArticleFilterForm(FilterFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=tokens.MAX_QUERY_CHARS)
    tag = forms.ChoiceField(label=_("Tag"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *ArticleStatus.choices]
    )

    def __init__(self, *args, tags=(), show_status=False, **kwargs):
        super().__init__(*args, placeholder=_("Search, such as 导入乱码"), **kwargs)
        self.fields["tag"].choices = [("", _("All tags")), *((tag, tag) for tag in tags)]
        if not show_status:
            del self.fields["status"]
