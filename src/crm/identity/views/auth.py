"""Login, logout, own profile and password (ORG-2)."""

from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from crm.access.decorators import crm_view
from crm.core.errors import DomainError
from crm.identity.forms import LoginForm, PasswordChangeForm, ProfileForm
from crm.identity.services import password_change, profile_update


@crm_view(methods=("GET", "POST"))
@login_not_required
@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request):
    if request.user.is_authenticated:
        return redirect("console:home")
    form = LoginForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.user)
        target = request.POST.get("next") or request.GET.get("next") or ""
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
            target = ""
        return redirect(target or "console:home")
    return render(request, "identity/login.html", {"form": form, "next": request.GET.get("next", "")})


@crm_view(methods=("POST",))
def logout_view(request):
    logout(request)
    return redirect("identity:login")


@crm_view(methods=("GET", "POST"))
def profile(request):
    user = request.user
    form = ProfileForm(request.POST or None, initial={"name": user.name, "phone": user.phone, "email": user.email})
    if request.method == "POST" and form.is_valid():
        try:
            profile_update(user=request.user, data=form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your profile was saved."))
            return redirect("identity:profile")
    return render(request, "identity/profile.html", {"form": form})


@crm_view(methods=("GET", "POST"))
@sensitive_post_parameters()
def password_change_view(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        password_change(user=request.user, new_password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)
        messages.success(request, _("Your password was changed."))
        return redirect("identity:profile")
    return render(request, "identity/password_change.html", {"form": form})
