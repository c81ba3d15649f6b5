"""User administration (ORG-2) and employee departure (ORG-7)."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from crm.access import registry
from crm.access.decorators import crm_view
from crm.access.engine import access_for
from crm.core.errors import DomainError
from crm.core.forms import errors_onto_form
from crm.identity import selectors, services
from crm.identity.forms import DepartForm, PasswordSetForm, UserFilterForm, UserForm
from crm.identity.models import UserStatus

PAGE_SIZE = 20


def _locked_fields(request) -> set[str]:
    """Fields the editor's field rules keep from them (hidden, masked or read-only)."""
    return access_for(request.user).readonly_fields(selectors.USER_RESOURCE)


@crm_view("identity.user.view")
def user_list(request):
    filter_form = UserFilterForm(request.GET or None)
    users = selectors.user_list(actor=request.user, **filter_form.filters())
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "identity/user_list.html",
        {"filter_form": filter_form, "page_obj": page, "users": page.object_list, "resource": selectors.USER_RESOURCE},
    )


@crm_view("identity.user.create", methods=("GET", "POST"))
@sensitive_post_parameters("password", "password2")
def user_create(request):
    initial = {}
    if request.GET.get("department"):
        initial["department"] = request.GET["department"]
    form = UserForm(request.POST or None, initial=initial, with_password=True, locked_fields=_locked_fields(request))
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(
                actor=request.user,
                password=form.cleaned_data["password"],
                roles=list(form.cleaned_data.get("roles") or []),
                **form.service_data(),
            )
        except DomainError as exc:
            errors_onto_form(form, exc)
        else:
            messages.success(request, _("User %(name)s was created.") % {"name": user})
            return redirect("identity:user_list")
    return render(request, "identity/user_form.html", {"form": form, "creating": True})


@crm_view("identity.user.edit", methods=("GET", "POST"))
def user_edit(request, pk):
    user = selectors.user_get(actor=request.user, pk=pk)
    initial = {
        "username": user.username,
        "name": user.name,
        "employee_no": user.employee_no or "",
        "phone": user.phone,
        "email": user.email,
        "department": user.department_id,
        "superior": user.superior_id,
        "roles": [role.pk for role in user.roles.all()],
    }
    form = UserForm(request.POST or None, initial=initial, exclude_superior=user, locked_fields=_locked_fields(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(
                actor=request.user,
                user=user,
                data=form.service_data(),
                roles=list(form.cleaned_data.get("roles") or []),
            )
        except DomainError as exc:
            errors_onto_form(form, exc)
        else:
            messages.success(request, _("User %(name)s was saved.") % {"name": user})
            return redirect("identity:user_edit", pk=user.pk)
    return render(
        request,
        "identity/user_form.html",
        {"form": form, "edited": user, "password_form": PasswordSetForm(), "creating": False},
    )


@crm_view("identity.user.edit", methods=("POST",))
@sensitive_post_parameters("password", "password2")
def user_password(request, pk):
    """An administrator resets a user's password from the edit page."""
    user = selectors.user_get(actor=request.user, pk=pk)
    form = PasswordSetForm(request.POST)
    if form.is_valid():
        try:
            services.user_set_password(actor=request.user, user=user, password=form.cleaned_data["password"])
        except DomainError as exc:
            errors_onto_form(form, exc)
        else:
            if user.pk == request.user.pk:
                update_session_auth_hash(request, user)  # the session making the change stays
            messages.success(request, _("The password of %(name)s was reset.") % {"name": user})
            return redirect("identity:user_edit", pk=user.pk)
    user_form = UserForm(
        initial={
            "username": user.username,
            "name": user.name,
            "employee_no": user.employee_no or "",
            "phone": user.phone,
            "email": user.email,
            "department": user.department_id,
            "superior": user.superior_id,
            "roles": [role.pk for role in user.roles.all()],
        },
        exclude_superior=user,
        locked_fields=_locked_fields(request),
    )
    return render(
        request,
        "identity/user_form.html",
        {"form": user_form, "edited": user, "password_form": form, "creating": False, "password_open": True},
        status=400,
    )


def _set_status(request, pk, status: str, done_message: str):
    user = selectors.user_get(actor=request.user, pk=pk)
    try:
        services.user_update(actor=request.user, user=user, data={"status": status})
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, done_message % {"name": user})
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("identity:user_edit", pk=user.pk)


@crm_view("identity.user.edit", methods=("POST",))
def user_disable(request, pk):
    return _set_status(request, pk, UserStatus.DISABLED, _("%(name)s can no longer log in."))


@crm_view("identity.user.edit", methods=("POST",))
def user_enable(request, pk):
    return _set_status(request, pk, UserStatus.NORMAL, _("%(name)s can log in again."))


@crm_view("identity.user.depart", methods=("GET", "POST"))
def user_depart(request, pk):
    """Employee departure: choose a successor, confirm; see what was handed over."""
    user = selectors.user_get(actor=request.user, pk=pk)
    form = DepartForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        successor = form.cleaned_data["successor"]
        try:
            moved = services.user_depart(actor=request.user, user=user, successor=successor)
        except DomainError as exc:
            errors_onto_form(form, exc)
        else:
            messages.success(request, _departure_message(user, successor, moved))
            return redirect("identity:user_list")
    return render(request, "identity/user_depart.html", {"form": form, "edited": user})


def _departure_message(user, successor, moved: dict[str, int]) -> str:
    if not moved:
        return _("%(name)s has left. There were no records to hand over to %(successor)s.") % {
            "name": user,
            "successor": successor,
        }
    parts = [f"{_count_label(key)}: {count}" for key, count in sorted(moved.items())]
    return _("%(name)s has left. Handed over to %(successor)s — %(parts)s.") % {
        "name": user,
        "successor": successor,
        "parts": "; ".join(parts),
    }


def _count_label(key: str) -> str:
    """ "customers.customer.owner" -> the resource's label ("Customers")."""
    if key == "identity.user.superior":
        return _("Direct reports")
    if key == "identity.department.leader":
        return _("Departments led")
    resource_code, _dot, _field = key.rpartition(".")
    try:
        return str(registry.get(resource_code).label)
    except KeyError:
        return key
