"""Forms of announcements and know-how posts: shape only; the services decide and save."""

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.bulletin import text
from crm.bulletin.models import ANSWER_MAX, BODY_MAX, TITLE_MAX
from crm.core.forms import BootstrapMixin, FilterFormMixin

TIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]


def _when(label, help_text=""):
    return forms.DateTimeField(
        label=label, required=False, input_formats=TIME_FORMATS, help_text=help_text,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class AnnouncementForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    body = forms.CharField(
        label=_("Content"), max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Plain text; line breaks and links are kept."),
    )
    to_all = forms.BooleanField(label=_("Send to everyone"), required=False)
    departments = forms.ModelMultipleChoiceField(
        label=_("Receiving departments"), required=False, queryset=None,
        help_text=_("Their sub-departments receive it too."),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    pinned = forms.BooleanField(label=_("Pin to the top"), required=False)
    publish_at = _when(_("Publish time"), _("Empty: now."))
    expires_at = _when(_("Expiry"), _("Empty: never expires."))

    def __init__(self, *args, departments, everyone: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = departments
        self.fields["departments"].label_from_instance = lambda d: f"{'　' * d.depth}{d.name}"
        if not everyone:
            del self.fields["to_all"]

    def clean(self):
        data = super().clean()
        if not data.get("to_all") and not data.get("departments") and not self.errors:
            self.add_error("departments", _("Choose the departments, or send it to everyone."))
        return data

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["departments"] = list(data.get("departments") or [])
        data.setdefault("to_all", False)
        return data


class PostForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    body = forms.CharField(label=_("Content"), max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 8}))
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=text.MAX_TAGS * (text.MAX_TAG_CHARS + 1),
        help_text=_("Separated by commas or spaces, such as 报价, 大客户."),
    )

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class AnswerForm(BootstrapMixin, forms.Form):
    body = forms.CharField(label=_("Your answer"), max_length=ANSWER_MAX, widget=forms.Textarea(attrs={"rows": 3}))


class PostFilterForm(FilterFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=text.MAX_QUERY_CHARS)
    tag = forms.CharField(required=False, max_length=text.MAX_TAG_CHARS, widget=forms.HiddenInput)
    ordering = forms.ChoiceField(
        label=_("Sort"), required=False, choices=[("new", _("Newest")), ("liked", _("Most liked"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, placeholder=_("Search, such as 报价 or baojia"), **kwargs)
