"""Roles and permissions administration (ORG-3, ORG-4, ORG-5, ORG-6): the role list, creating a
role, the role editor (details, function matrix, data scopes, field rules, users) and deleting."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from crm.access.decorators import crm_view
from crm.access.engine import access_for
from crm.access.forms import RoleCreateForm, RoleForm, RoleUserAddForm
from crm.access.selectors import (
    role_candidate_users,
    role_get,
    role_list,
    role_policy,
    role_users,
)
from crm.access.services import role_create, role_delete, role_set_policy, role_set_users
from crm.core.errors import Conflict, DomainError, ValidationFailed
from crm.core.views.flows import delete_flow

PAGE_SIZE = 50


def _put_errors_on_form(form, exc: DomainError) -> None:
    """A service's ValidationFailed fields back onto the form (unknown names as general errors)."""
    placed = False
    for name, errors in (exc.fields or {}).items():
        for error in errors if isinstance(errors, list | tuple) else [errors]:
            form.add_error(name if name in form.fields else None, str(error))
            placed = True
    if not placed:
        form.add_error(None, str(exc.message))


@crm_view("access.role.view")
def role_list_view(request):
    page_obj = Paginator(role_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "access/role_list.html", {"page_obj": page_obj, "roles": page_obj.object_list})


@crm_view("access.role.create", methods=("GET", "POST"))
def role_create_view(request):
    roles = role_list(user=request.user)
    form = RoleCreateForm(request.POST or None, roles=roles, initial={"default_scope": "self"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            role = role_create(
                actor=request.user,
                code=data["code"],
                name=data["name"],
                description=data["description"],
                default_scope=data["default_scope"],
                copy_from=data["copy_from"],
            )
        except ValidationFailed as exc:
            _put_errors_on_form(form, exc)
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Role %(name)s created. Now choose what it may do.") % {"name": role.name})
            return redirect("access:role_edit", pk=role.pk)
    return render(request, "access/role_create.html", {"form": form})


@crm_view("access.role.view", methods=("GET", "POST"))
def role_edit_view(request, pk: int):
    role = role_get(user=request.user, pk=pk)
    form = RoleForm(request.POST or None, role=role, policy=role_policy(role=role))
    if request.method == "POST":
        access_for(request.user).require("access.role.edit")
        if form.is_valid():
            try:
                role_set_policy(actor=request.user, role=role, data=form.details(), **form.policy())
            except ValidationFailed as exc:
                _put_errors_on_form(form, exc)
                role.refresh_from_db()
            except Conflict as exc:
                form.add_error(None, str(exc.message))
                role.refresh_from_db()
            else:
                messages.success(request, _("Role %(name)s saved.") % {"name": role.name})
                return redirect("access:role_edit", pk=role.pk)
        if form.errors:
            messages.error(request, _("The role was not saved. Please correct the errors below."))
    access = access_for(request.user)
    context = {
        "role": role,
        "form": form,
        "matrix": form.matrix(),
        "field_rule_rows": form.field_rule_rows(),
        "users": role_users(role=role),
        "user_form": RoleUserAddForm(candidates=role_candidate_users(role=role)),
        "may_edit": access.can("access.role.edit"),
        "may_delete": access.can("access.role.delete") and not role.is_system,
    }
    return render(request, "access/role_edit.html", context)


@crm_view("access.role.delete", methods=("POST",))
def role_delete_view(request, pk: int):
    role = role_get(user=request.user, pk=pk)
    return delete_flow(
        request,
        delete=lambda: role_delete(actor=request.user, role=role),
        success=_("Role %(name)s deleted.") % {"name": role.name},
        done=reverse("access:role_list"),
        refused=reverse("access:role_edit", args=[role.pk]),
    )


@crm_view("access.role.edit", methods=("POST",))
def role_user_add_view(request, pk: int):
    role = role_get(user=request.user, pk=pk)
    form = RoleUserAddForm(request.POST, candidates=role_candidate_users(role=role))
    if not form.is_valid():
        messages.error(request, _("Choose an active user who does not have this role yet."))
        return redirect("access:role_edit", pk=role.pk)
    user = form.cleaned_data["user"]
    try:
        role_set_users(actor=request.user, role=role, users=[*role.users.all(), user])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(user)s now has the role %(role)s.") % {"user": user, "role": role.name})
    return redirect("access:role_edit", pk=role.pk)


@crm_view("access.role.edit", methods=("POST",))
def role_user_remove_view(request, pk: int, user_pk: int):
    role = role_get(user=request.user, pk=pk)
    user = get_object_or_404(role.users.all(), pk=user_pk)
    try:
        role_set_users(actor=request.user, role=role, users=role.users.exclude(pk=user.pk))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(user)s no longer has the role %(role)s.") % {"user": user, "role": role.name})
    return redirect("access:role_edit", pk=role.pk)
