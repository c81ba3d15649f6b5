"""Forms of the import pages: shape only (the services check and save)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.core.forms import BootstrapMixin
from crm.imports import registry
from crm.imports.models import DuplicatePolicy
from crm.imports.values import Lookups

POLICY_HELP = {
    DuplicatePolicy.SKIP: _("Keep the existing record as it is and leave the row out."),
    DuplicatePolicy.UPDATE: _("Write the row's filled cells into the existing record."),
    DuplicatePolicy.CREATE: _("Create a new record all the same, unless a duplicate rule blocks it."),
    DuplicatePolicy.ASK: _("Import the rest; rows with a duplicate wait for your decision."),
}


class UploadForm(BootstrapMixin, forms.Form):
    record_type = forms.ChoiceField(label=_("What to import"))
    file = forms.FileField(
        label=_("File"),
        help_text=_("Excel (.xlsx) or CSV (UTF-8 or GBK); the first row with column headers is found automatically."),
    )

    def __init__(self, *args, types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["record_type"].choices = [(entry.code, entry.label) for entry in types]
        self.fields["file"].widget.attrs["accept"] = ".xlsx,.csv"


def default_choices(spec, lookups: Lookups, users) -> list[tuple[str, str]] | None:
    """Choices of a field's "value for all rows" (None: free text)."""
    if spec.kind == registry.DICTIONARY:
        return [(entry, entry) for entry in lookups.active_entries(spec.category)]
    if spec.kind == registry.USER:
        return [(user.username, f"{user} ({user.username})") for user in users]
    if spec.kind == registry.RATING:
        return [(str(n), str(n)) for n in range(1, 6)]
    if spec.kind == registry.CHOICE:
        return [(str(value), str(label)) for value, label in spec.choices]
    if spec.kind == registry.BOOLEAN:
        return [("是", _("Yes")), ("否", _("No"))]
    return None


class MappingForm(BootstrapMixin, forms.Form):
    """One select per column (the field it fills), values for rows without one, the duplicate
    policy, and a name to save the mapping under."""

    policy = forms.ChoiceField(
        label=_("Rows that duplicate a record"), choices=DuplicatePolicy.choices, widget=forms.RadioSelect
    )
    save_as = forms.CharField(label=_("Save this mapping as"), max_length=50, required=False)

    def __init__(self, *args, job, fields, lookups, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.job = job
        self.specs = {spec.key: spec for spec in fields}
        choices = [("", _("— do not import —"))] + [
            (spec.key, f"{spec.label}{' *' if spec.required else ''}") for spec in fields
        ]
        for position, header in enumerate(job.headers):
            self.fields[f"col-{position}"] = forms.ChoiceField(
                label=header,
                choices=choices,
                required=False,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
        self.default_names = []
        for spec in fields:
            if not spec.allow_default:
                continue
            options = default_choices(spec, lookups, users)
            name = f"default-{spec.key}"
            if options is None:
                self.fields[name] = forms.CharField(
                    label=spec.label,
                    required=False,
                    max_length=100,
                    widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
                )
            else:
                self.fields[name] = forms.ChoiceField(
                    label=spec.label,
                    required=False,
                    choices=[("", "—"), *options],
                    widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
                )
            self.default_names.append(name)
        self.fields["save_as"].widget.attrs["placeholder"] = _("e.g. ERP customer list")

    def columns(self):
        """(header, bound select, sample values) per column."""
        for position, header in enumerate(self.job.headers):
            samples = [row[position] for row in self.job.samples if position < len(row) and row[position]][:3]
            yield {"header": header, "field": self[f"col-{position}"], "samples": samples, "position": position}

    def defaults(self):
        return [self[name] for name in self.default_names]

    def mapping(self) -> dict:
        return {name[4:]: value for name, value in self.cleaned_data.items() if name.startswith("col-") and value}

    def default_values(self) -> dict:
        return {name[8:]: value for name, value in self.cleaned_data.items() if name.startswith("default-") and value}


class DecisionForm(forms.Form):
    everything = forms.ChoiceField(
        required=False,
        choices=[("", ""), *[(p, label) for p, label in DuplicatePolicy.choices if p != DuplicatePolicy.ASK]],
    )
