"""The department tree (ORG-1): view, create under any node, rename, move, delete empty ones."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from crm.access.decorators import crm_view
from crm.core.errors import DomainError
from crm.core.forms import errors_onto_form
from crm.core.views.flows import delete_flow
from crm.identity import selectors, services
from crm.identity.forms import DepartmentForm


@crm_view("identity.department.view")
def department_list(request):
    nodes = selectors.department_tree(actor=request.user)
    return render(request, "identity/department_list.html", {"nodes": nodes})


@crm_view("identity.department.create", methods=("GET", "POST"))
def department_create(request):
    form = DepartmentForm(request.POST or None, initial={"parent": request.GET.get("parent") or None, "sort_order": 0})
    if request.method == "POST" and form.is_valid():
        try:
            department = services.department_create(actor=request.user, **form.service_data())
        except DomainError as exc:
            errors_onto_form(form, exc)
        else:
            messages.success(request, _("Department %(name)s was created.") % {"name": department})
            return redirect("identity:department_list")
    return render(request, "identity/department_form.html", {"form": form, "creating": True})


@crm_view("identity.department.edit", methods=("GET", "POST"))
def department_edit(request, pk):
    department = selectors.department_get(actor=request.user, pk=pk)
    initial = {
        "name": department.name,
        "code": department.code,
        "parent": department.parent_id,
        "sort_order": department.sort_order,
        "leader": department.leader_id,
    }
    form = DepartmentForm(request.POST or None, initial=initial)
    form.fields["parent"].help_text = _(
        "Choosing another parent department moves this department together with everything below it."
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.department_update(actor=request.user, department=department, data=form.service_data())
        except DomainError as exc:
            errors_onto_form(form, exc)
        else:
            messages.success(request, _("Department %(name)s was saved.") % {"name": department})
            return redirect("identity:department_list")
    return render(request, "identity/department_form.html", {"form": form, "edited": department, "creating": False})


@crm_view("identity.department.delete", methods=("POST",))
def department_delete(request, pk):
    department = selectors.department_get(actor=request.user, pk=pk)
    return delete_flow(
        request,
        delete=lambda: services.department_delete(actor=request.user, department=department),
        success=_("Department %(name)s was deleted.") % {"name": department},
        done=reverse("identity:department_list"),
    )
