from django import forms
from django.utils.translation import gettext_lazy as _

from crm.core.forms import BootstrapMixin
from crm.workcalendar.models import WEEKDAY_CHOICES, CalendarDay, WorkingHours


class CalendarDayForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "name"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def service_data(self) -> dict:
        return dict(self.cleaned_data)

    def _post_clean(self):
        """Shape only: the service validates and saves."""


class WorkingHoursForm(BootstrapMixin, forms.ModelForm):
    weekdays = forms.MultipleChoiceField(
        label=_("Working days of the week"), choices=WEEKDAY_CHOICES, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WorkingHours
        fields = ["morning_start", "morning_end", "afternoon_start", "afternoon_end", "weekdays"]
        widgets = {
            name: forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
            for name in ("morning_start", "morning_end", "afternoon_start", "afternoon_end")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.weekdays and not self.is_bound:
            self.initial["weekdays"] = list(self.instance.weekdays)

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["weekdays"] = "".join(sorted(data["weekdays"]))
        return data

    def _post_clean(self):
        """Shape only: the service validates and saves."""
