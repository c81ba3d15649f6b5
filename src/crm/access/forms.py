"""Forms of the role administration. They check the shape of what was posted; services decide."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from crm.access.models import FieldRuleKind, Scope
from crm.access.selectors import AppGroup, function_catalogue_by_app
from crm.core.forms import BootstrapMixin

NO_RULE = ""
USE_DEFAULT = ""


def _text(**attrs):
    return forms.TextInput(attrs={"class": "form-control", **attrs})


def _select(**attrs):
    return forms.Select(attrs={"class": "form-select", **attrs})


class RoleDetailsMixin(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50, widget=_text(autocomplete="off"))
    code = forms.SlugField(
        label=_("Code"),
        max_length=50,
        help_text=_("Letters, digits, hyphens and underscores; used by the API."),
        widget=_text(autocomplete="off"),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False, widget=_text())
    default_scope = forms.ChoiceField(
        label=_("Default data scope"),
        choices=Scope.choices,
        help_text=_("Which records the role sees where no data scope is set for a resource."),
        widget=_select(),
    )


class RoleCreateForm(RoleDetailsMixin):
    copy_from = forms.ModelChoiceField(
        label=_("Copy permissions from"),
        queryset=None,
        required=False,
        empty_label=_("— none: start empty —"),
        help_text=_("The new role starts with that role's function permissions, data scopes and field rules."),
        widget=_select(),
    )

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["copy_from"].queryset = roles


class RoleForm(RoleDetailsMixin):
    """A role's details and its whole policy, edited on one page and saved in one POST.

    Function permissions are one multiple choice (`functions`, one checkbox per code); each
    scoped resource has a `scope:<resource>` choice and each protected field a
    `rule:<resource>:<field>` choice. `matrix` lays them out for the template.
    """

    functions = forms.MultipleChoiceField(label=_("Function permissions"), required=False)

    def __init__(self, *args, role, policy: dict, catalogue: list[AppGroup] | None = None, **kwargs):
        self.role = role
        self.catalogue = catalogue if catalogue is not None else function_catalogue_by_app()
        initial = {
            "code": role.code,
            "name": role.name,
            "description": role.description,
            "default_scope": role.default_scope,
            "functions": sorted(policy["functions"]),
        }
        super().__init__(*args, initial=initial, **kwargs)
        if role.is_system:
            del self.fields["code"]
        self.fields["functions"].choices = [
            (action.code, action.code)
            for group in self.catalogue
            for entry in group.resources
            for action in entry.actions
        ]
        scope_choices = [(USE_DEFAULT, _("Role default")), *Scope.choices]
        rule_choices = [(NO_RULE, _("No rule")), *FieldRuleKind.choices]
        for group in self.catalogue:
            for entry in group.resources:
                if entry.scoped:
                    name = self.scope_field_name(entry.code)
                    self.fields[name] = forms.ChoiceField(
                        label=_("Data scope of %(resource)s") % {"resource": entry.label},
                        choices=scope_choices,
                        required=False,
                        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
                    )
                    self.initial[name] = policy["scopes"].get(entry.code, USE_DEFAULT)
                for protected in entry.protected_fields:
                    name = self.rule_field_name(entry.code, protected.field)
                    self.fields[name] = forms.ChoiceField(
                        label=f"{entry.label} · {protected.label}",
                        choices=rule_choices,
                        required=False,
                        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
                    )
                    self.initial[name] = policy["field_rules"].get((entry.code, protected.field), NO_RULE)

    @staticmethod
    def scope_field_name(resource_code: str) -> str:
        return f"scope:{resource_code}"

    @staticmethod
    def rule_field_name(resource_code: str, field_name: str) -> str:
        return f"rule:{resource_code}:{field_name}"

    # --- what the services get -------------------------------------------------------------------
    def details(self) -> dict:
        names = ["code", "name", "description", "default_scope"]
        return {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}

    def policy(self) -> dict:
        data = self.cleaned_data
        scopes, field_rules = {}, {}
        for group in self.catalogue:
            for entry in group.resources:
                if entry.scoped:
                    scopes[entry.code] = data.get(self.scope_field_name(entry.code)) or None
                for protected in entry.protected_fields:
                    rule = data.get(self.rule_field_name(entry.code, protected.field))
                    field_rules[(entry.code, protected.field)] = rule or None
        return {"functions": set(data.get("functions") or ()), "scopes": scopes, "field_rules": field_rules}

    # --- what the template shows -------------------------------------------------------------------
    def matrix(self) -> list[dict]:
        """Rows of the function matrix by app: the standard actions as columns, extras listed."""
        checked = set(self["functions"].value() or ())
        groups = []
        for group in self.catalogue:
            rows = []
            for entry in group.resources:
                standard = []
                for action in ("view", "create", "edit", "delete"):
                    found = entry.action(action)
                    standard.append(self._cell(entry, found, checked) if found else None)
                rows.append(
                    {
                        "resource": entry,
                        "standard": standard,
                        "extra": [self._cell(entry, action, checked) for action in entry.extra_actions],
                        "scope": self[self.scope_field_name(entry.code)] if entry.scoped else None,
                    }
                )
            groups.append({"app": group.app, "label": group.label, "rows": rows})
        return groups

    def field_rule_rows(self) -> list[dict]:
        rows = []
        for group in self.catalogue:
            for entry in group.resources:
                for protected in entry.protected_fields:
                    rows.append(
                        {
                            "resource": entry,
                            "field": protected,
                            "bound": self[self.rule_field_name(entry.code, protected.field)],
                        }
                    )
        return rows

    @staticmethod
    def _cell(entry, action, checked) -> dict:
        return {
            "code": action.code,
            "label": action.label,
            "id": "fn-" + action.code.replace(".", "-"),
            "aria": f"{entry.label} · {action.label}",
            "checked": action.code in checked,
        }


class RoleUserAddForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("User"),
        queryset=None,
        empty_label=_("Choose a user…"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates
        self.fields["user"].label_from_instance = _user_label


def _user_label(user) -> str:
    parts = [user.name or user.username]
    if user.name and user.name != user.username:
        parts[0] = f"{user.name} ({user.username})"
    if user.department_id:
        parts.append(str(user.department))
    return " · ".join(parts)


class ShareForm(BootstrapMixin, forms.Form):
    """Share a record with colleagues (共享), for any shareable resource's page; the page sets the
    users offered (active ones, without the record's owner)."""

    users = forms.ModelMultipleChoiceField(label=_("Share with"), queryset=get_user_model().objects.none())
    can_edit = forms.BooleanField(label=_("They may also edit"), required=False)

    def __init__(self, *args, users=None, **kwargs):
        super().__init__(*args, **kwargs)
        offered = users if users is not None else get_user_model().objects.filter(is_active=True)
        self.fields["users"].queryset = offered.order_by("name")
