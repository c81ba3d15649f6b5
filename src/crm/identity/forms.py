from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from crm.access.models import Role
from crm.identity import lockout
from crm.identity.models import Department, User, UserStatus


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"class": "form-control", "autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "current-password"}),
    )

    def __init__(self, request, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self):
        username = self.cleaned_data.get("username", "")
        password = self.cleaned_data.get("password", "")
        if username and password:
            try:
                self.user = lockout.authenticate_with_lockout(self.request, username, password)
            except lockout.LockedOut as exc:
                raise forms.ValidationError(
                    _("Too many failed logins. Please wait a few minutes and try again."), code="locked"
                ) from exc
            if self.user is None:
                raise forms.ValidationError(
                    _("Wrong username or password, or the account is disabled."), code="invalid_login"
                )
        return self.cleaned_data


class ProfileForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=50, required=False, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    phone = forms.CharField(
        label=_("Phone"), max_length=30, required=False, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    email = forms.EmailField(
        label=_("E-mail"), required=False, widget=forms.EmailInput(attrs={"class": "form-control"})
    )


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "current-password"}),
    )
    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        help_text=password_validation.password_validators_help_text_html(),
        widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "new-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_old_password(self):
        password = self.cleaned_data["old_password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The current password is wrong."))
        return password

    def clean(self):
        first = self.cleaned_data.get("new_password1")
        second = self.cleaned_data.get("new_password2")
        if first and second:
            if first != second:
                self.add_error("new_password2", _("The two passwords do not match."))
            else:
                try:
                    password_validation.validate_password(first, self.user)
                except forms.ValidationError as error:
                    self.add_error("new_password1", error)
        return self.cleaned_data


def active_users():
    return User.objects.filter(status=UserStatus.NORMAL).order_by("name", "username")


def departments():
    return Department.objects.order_by("path")


# --- administration of users and departments ---------------------------------------------------------
NONE_LABEL = _("— None —")


def _text(label, *, max_length, required=False, **attrs):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=forms.TextInput(attrs={"class": "form-control", **attrs}),
    )


class DepartmentSelect(forms.ModelChoiceField):
    """A department select in tree order with indented names (one query)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.Select(attrs={"class": "form-select"}))
        kwargs.setdefault("empty_label", NONE_LABEL)
        super().__init__(Department.objects.all(), *args, **kwargs)

    def load_options(self) -> None:
        from crm.identity.selectors import department_options

        self.choices = [("", self.empty_label or ""), *department_options()]


class UserSelect(forms.ModelChoiceField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.Select(attrs={"class": "form-select"}))
        kwargs.setdefault("empty_label", NONE_LABEL)
        super().__init__(active_users().select_related("department"), *args, **kwargs)

    def label_from_instance(self, obj):
        department = f" · {obj.department.name}" if obj.department_id else ""
        return f"{obj.name or obj.username} ({obj.username}){department}"


class UserForm(forms.Form):
    """A user's fields and roles (ORG-2). With `with_password`, the initial password too."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Letters, digits and @/./+/-/_ only."),
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )
    name = _text(_("Name"), max_length=50, required=True)
    employee_no = _text(_("Employee number"), max_length=30)
    phone = _text(_("Phone"), max_length=30, inputmode="tel")
    email = forms.EmailField(
        label=_("E-mail"), required=False, widget=forms.EmailInput(attrs={"class": "form-control"})
    )
    department = DepartmentSelect(label=_("Department"), empty_label=_("— Choose —"))
    superior = UserSelect(label=_("Direct superior"), required=False)
    roles = forms.ModelMultipleChoiceField(
        label=_("Roles"),
        queryset=Role.objects.order_by("id"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=password_validation.password_validators_help_text_html(),
        widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "new-password"}),
    )

    def __init__(self, *args, with_password: bool = False, exclude_superior=None, locked_fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].load_options()
        if not with_password:
            del self.fields["password"]
            del self.fields["password2"]
        if exclude_superior is not None:
            self.fields["superior"].queryset = self.fields["superior"].queryset.exclude(pk=exclude_superior.pk)
        # Field rules: a field the editor may not change is not offered at all.
        for name in locked_fields:
            self.fields.pop(name, None)

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password"), cleaned.get("password2")
        if "password" in self.fields and first and second and first != second:
            self.add_error("password2", _("The two passwords do not match."))
        return cleaned

    def service_data(self) -> dict:
        """The user's fields, as user_create / user_update take them."""
        return {
            name: value for name, value in self.cleaned_data.items() if name not in {"roles", "password", "password2"}
        }


class PasswordSetForm(forms.Form):
    """An administrator gives a user a new password."""

    password = forms.CharField(
        label=_("New password"),
        strip=False,
        help_text=password_validation.password_validators_help_text_html(),
        widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password") and cleaned.get("password2") and cleaned["password"] != cleaned["password2"]:
            self.add_error("password2", _("The two passwords do not match."))
        return cleaned


class DepartForm(forms.Form):
    """Employee departure (ORG-7): who takes over."""

    successor = UserSelect(label=_("Successor"), empty_label=_("— Choose —"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["successor"].queryset = self.fields["successor"].queryset.exclude(pk=user.pk)


class UserFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "class": "form-control",
                "type": "search",
                "placeholder": _("Username, name, phone, employee no."),
            }
        ),
    )
    department = DepartmentSelect(label=_("Department"), required=False, empty_label=_("All departments"))
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *UserStatus.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    role = forms.ModelChoiceField(
        label=_("Role"),
        queryset=Role.objects.order_by("id"),
        required=False,
        empty_label=_("All roles"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].load_options()

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "search": data.get("q") or "",
            "department": data.get("department"),
            "status": data.get("status") or "",
            "role": data.get("role"),
        }


class DepartmentForm(forms.Form):
    name = _text(_("Name"), max_length=100, required=True)
    code = _text(_("Code"), max_length=30)
    parent = DepartmentSelect(label=_("Parent department"), required=False, empty_label=_("— Top level —"))
    sort_order = forms.IntegerField(
        label=_("Sort order"),
        required=False,
        initial=0,
        help_text=_("Smaller numbers come first among sibling departments."),
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    leader = UserSelect(label=_("Leader"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].load_options()

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["sort_order"] = data.get("sort_order") or 0
        return data
