from django import forms
from django.contrib.auth import authenticate, password_validation
from django.utils.translation import gettext_lazy as _

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
        from crm.core.middleware import client_ip

        username = self.cleaned_data.get("username", "")
        password = self.cleaned_data.get("password", "")
        ip = client_ip(self.request)
        if lockout.is_locked(username, ip):
            raise forms.ValidationError(
                _("Too many failed logins. Please wait a few minutes and try again."), code="locked"
            )
        if username and password:
            self.user = authenticate(self.request, username=username, password=password)
            if self.user is None:
                lockout.record_failure(username, ip)
                raise forms.ValidationError(
                    _("Wrong username or password, or the account is disabled."), code="invalid_login"
                )
            lockout.clear(username)
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
