"""Forms of the approval pages: the acts on a task, and the flow designer (a flow form with a
formset of steps; conditions as rows of field, operator and value, typed as a person writes them)."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.access.models import Role
from crm.approvals.conditions import NUMBER_OPS
from crm.approvals.models import ApproverKind, NoApprover, SelfApproval, StepMode
from crm.core.forms import BootstrapMixin
from crm.identity.models import Department, User

TEXT_LIMIT = 2000
OP_CHOICES = [("", "—"), *NUMBER_OPS.items(), ("in", "∈"), ("under", "⊆")]
SPLIT = re.compile(r"[,，、;；\s]+")


class CommentForm(BootstrapMixin, forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 2})
    )


class RejectForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 3}))
    back_to = forms.TypedChoiceField(label=_("Send it"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, steps=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["back_to"].choices = [("", _("Back to the submitter (reject)")), *steps]


class AddApproverForm(BootstrapMixin, forms.Form):
    user = forms.ModelChoiceField(label=_("Approver"), queryset=User.objects.none())
    comment = forms.CharField(label=_("Comment"), required=False, max_length=TEXT_LIMIT)

    def __init__(self, *args, users=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users if users is not None else User.objects.none()


# --- the designer -------------------------------------------------------------------------------------------
def _users():
    return User.objects.filter(is_active=True).order_by("name", "id")


class ConditionRows:
    """Form fields for `rows` conditions (cN_field, cN_op, cN_value) and their reading into the
    engine's form; choices and departments may be typed by name."""

    def add_condition_fields(self, rows: int, fields: dict, initial: list[dict]):
        self.condition_specs, self.condition_rows = fields, rows
        field_choices = [("", "—"), *((key, spec.label) for key, spec in fields.items())]
        for n in range(rows):
            select = {"class": "form-select form-select-sm"}
            self.fields[f"c{n}_field"] = forms.ChoiceField(
                label=_("Condition"), choices=field_choices, required=False, widget=forms.Select(attrs=select)
            )
            self.fields[f"c{n}_op"] = forms.ChoiceField(
                label=_("Operator"), choices=OP_CHOICES, required=False, widget=forms.Select(attrs=select)
            )
            self.fields[f"c{n}_value"] = forms.CharField(
                label=_("Value"),
                required=False,
                max_length=200,
                widget=forms.TextInput(
                    attrs={"class": "form-control form-control-sm", "placeholder": _("e.g. 100000, or A、B")}
                ),
            )
            if n < len(initial):
                condition = initial[n]
                self.initial[f"c{n}_field"], self.initial[f"c{n}_op"] = condition["field"], condition["op"]
                self.initial[f"c{n}_value"] = self._shown(condition)

    def condition_names(self, n: int) -> list[str]:
        return [f"c{n}_field", f"c{n}_op", f"c{n}_value"]

    def _shown(self, condition: dict) -> str:
        spec = self.condition_specs.get(condition["field"])
        value = condition["value"]
        if spec is None:
            return str(value)
        if spec.kind == "choice":
            labels = dict(spec.choices()) if spec.choices else {}
            return "、".join(str(labels.get(v, v)) for v in value)
        if spec.kind == "department":
            return Department.objects.filter(pk=value).values_list("name", flat=True).first() or str(value)
        return str(value)

    def read_conditions(self) -> list[dict]:
        rows = []
        for n in range(self.condition_rows):
            key, op, raw = (self.cleaned_data.get(name) or "" for name in self.condition_names(n))
            if not key:
                continue
            spec = self.condition_specs[key]
            rows.append({"field": key, "op": op, "value": self._typed(spec, raw)})
        return rows

    @staticmethod
    def _typed(spec, raw: str):
        raw = raw.strip()
        if spec.kind == "choice":
            by_label = {str(label): value for value, label in (spec.choices() if spec.choices else [])}
            return [by_label.get(part, part) for part in SPLIT.split(raw) if part]
        if spec.kind == "department":
            found = list(Department.objects.filter(name=raw).values_list("pk", flat=True)[:2])
            return found[0] if len(found) == 1 else raw
        return raw


class FlowForm(ConditionRows, BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    priority = forms.IntegerField(label=_("Priority"), min_value=0, max_value=1000, initial=10,
                                  help_text=_("Of several flows whose conditions hold, the lowest number applies."))
    on_no_approver = forms.ChoiceField(label=_("When a step finds no approver"), choices=NoApprover.choices)
    fallback_approver = forms.ModelChoiceField(
        label=_("Fallback approver"), queryset=User.objects.none(), required=False
    )
    on_self = forms.ChoiceField(label=_("When the submitter is an approver"), choices=SelfApproval.choices)
    approved_status = forms.ChoiceField(label=_("Status after approval"), required=False)
    notify_users = forms.ModelMultipleChoiceField(
        label=_("Notify after approval"), queryset=User.objects.none(), required=False
    )
    webhook_url = forms.URLField(
        label=_("Webhook"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Called with the approval (JSON, signed with the flow's secret) after approval."),
    )
    remind_after_hours = forms.IntegerField(label=_("Remind after (hours)"), min_value=1, max_value=720, initial=24)

    CONDITION_ROWS = 3

    def __init__(self, *args, kind, flow=None, **kwargs):
        super().__init__(*args, **kwargs)
        users = _users()
        self.fields["fallback_approver"].queryset = users
        self.fields["notify_users"].queryset = users
        self.fields["approved_status"].choices = [("", _("The document type's default")), *kind.statuses()]
        self.add_condition_fields(self.CONDITION_ROWS, kind.condition_fields(), flow.conditions if flow else [])
        if flow is not None:
            for name in ("name", "is_active", "priority", "on_no_approver", "on_self", "approved_status",
                         "webhook_url", "remind_after_hours"):
                self.initial[name] = getattr(flow, name)
            self.initial["fallback_approver"] = flow.fallback_approver_id
            self.initial["notify_users"] = list(flow.notify_users.values_list("pk", flat=True))

    def service_data(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in (
            "name", "is_active", "priority", "on_no_approver", "fallback_approver", "on_self", "approved_status",
            "webhook_url", "remind_after_hours")}
        data["notify_users"] = list(self.cleaned_data.get("notify_users") or [])
        data["conditions"] = self.read_conditions()
        return data


class StepForm(ConditionRows, BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Step"), max_length=50, required=False)
    approver_kind = forms.ChoiceField(label=_("Approvers"), choices=[("", "—"), *ApproverKind.choices], required=False)
    users = forms.ModelMultipleChoiceField(label=_("Named approvers"), queryset=User.objects.none(), required=False)
    levels = forms.IntegerField(label=_("Levels up"), min_value=1, max_value=10, initial=1, required=False)
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none(), required=False,
                                        help_text=_("Blank: the submitter's own department."))
    role = forms.ModelChoiceField(label=_("Role"), queryset=Role.objects.none(), required=False)
    mode = forms.ChoiceField(label=_("How they decide"), choices=StepMode.choices, initial=StepMode.ANY)
    cc_users = forms.ModelMultipleChoiceField(label=_("CC"), queryset=User.objects.none(), required=False)

    def __init__(self, *args, kind, step=None, **kwargs):
        super().__init__(*args, **kwargs)
        users = _users()
        self.fields["users"].queryset = users
        self.fields["cc_users"].queryset = users
        self.fields["department"].queryset = Department.objects.order_by("path")
        self.fields["role"].queryset = Role.objects.order_by("name")
        self.add_condition_fields(1, kind.condition_fields(), step.conditions if step else [])
        if step is not None:
            for name in ("name", "approver_kind", "levels", "mode"):
                self.initial[name] = getattr(step, name)
            self.initial["department"], self.initial["role"] = step.department_id, step.role_id
            self.initial["users"] = list(step.users.values_list("pk", flat=True))
            self.initial["cc_users"] = list(step.cc_users.values_list("pk", flat=True))

    def is_blank(self) -> bool:
        return not (self.cleaned_data.get("name") or self.cleaned_data.get("approver_kind"))

    def service_data(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in ("name", "approver_kind", "levels", "department",
                                                                "role", "mode")}
        data["users"] = list(self.cleaned_data.get("users") or [])
        data["cc_users"] = list(self.cleaned_data.get("cc_users") or [])
        data["conditions"] = self.read_conditions()
        return data


class BaseStepFormSet(forms.BaseFormSet):
    """The steps as rows: existing steps first (with their values), then empty rows to add more."""

    def __init__(self, *args, kind, steps=(), **kwargs):
        self.kind, self.steps = kind, list(steps)
        kwargs.setdefault("initial", [{} for _step in self.steps])
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        step = self.steps[index] if index is not None and index < len(self.steps) else None
        return {"kind": self.kind, "step": step}


def step_formset(extra: int, max_num: int):
    return forms.formset_factory(StepForm, formset=BaseStepFormSet, extra=extra, max_num=max_num, validate_max=True)
