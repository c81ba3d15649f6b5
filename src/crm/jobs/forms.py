from django import forms
from django.utils.translation import gettext_lazy as _

from crm.jobs import registry
from crm.jobs.models import JobRunStatus


class RunFilterForm(forms.Form):
    job = forms.ChoiceField(label=_("Job"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *JobRunStatus.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["job"].choices = [("", _("All jobs"))] + [
            (entry.name, f"{entry.label} ({entry.name})") for entry in registry.all_jobs()
        ]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"
