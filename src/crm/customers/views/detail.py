"""One customer: create and edit (with the duplicate check), delete, and the customer 360 page
(CUS-10) built from sections that other modules may add to (crm.customers.sections)."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from crm.access.decorators import crm_view
from crm.access.engine import access_for
from crm.access.shares import shares_of
from crm.core.errors import Conflict, DomainError
from crm.core.forms import errors_onto_form
from crm.core.throttle import within_rate
from crm.core.views.flows import delete_flow
from crm.customers import sections as section_registry
from crm.customers.forms import CustomerForm
from crm.customers.permissions import CUSTOMER
from crm.customers.selectors import related
from crm.customers.selectors.customers import customer_get, customer_permissions
from crm.customers.selectors.scope import assignable_managers
from crm.customers.services import customers, duplicates


def _locked(request) -> set[str]:
    return access_for(request.user).readonly_fields(CUSTOMER)


def _duplicate_context(request, exc: Conflict) -> dict:
    found = exc.details.get("duplicates", [])
    return {"duplicates": found, "blocking": exc.code == "duplicate", "duplicate_message": exc.message}


@crm_view(f"{CUSTOMER}.create", methods=("GET", "POST"))
def customer_create(request):
    managers = assignable_managers(request.user)
    initial = {"manager": request.user.pk, "satisfaction": 3, "credit": 3}
    form = CustomerForm(
        request.POST or None,
        initial=initial,
        managers=managers,
        locked=access_for(request.user).concealed_fields(CUSTOMER),
    )
    context = {"form": form, "creating": True}
    if request.method == "POST" and form.is_valid():
        try:
            customer = customers.customer_create(
                actor=request.user,
                data=form.service_data(),
                manager=form.cleaned_data["manager"],
                tags=list(form.cleaned_data.get("tags") or []),
                custom=form.custom_values(),
                confirm_duplicates=form.cleaned_data.get("confirm_duplicates", False),
            )
        except Conflict as exc:
            if exc.code not in ("duplicate", "duplicate_warning"):
                raise
            context.update(_duplicate_context(request, exc))
            form.data = form.data.copy()
            form.data["confirm_duplicates"] = "1" if exc.code == "duplicate_warning" else ""
        except DomainError as exc:
            errors_onto_form(form, exc, field_map=_custom_map(form))
        else:
            messages.success(
                request,
                _("Customer %(name)s was created (%(number)s).") % {"name": customer.name, "number": customer.number},
            )
            return redirect("customers:detail", pk=customer.pk)
    return render(request, "customers/form.html", context)


def _custom_map(form) -> dict:
    return {f"custom.{d.key}": f"custom_{d.key}" for d in getattr(form, "custom_definitions", [])}


@crm_view(f"{CUSTOMER}.edit", methods=("GET", "POST"))
def customer_edit(request, pk):
    customer = customer_get(user=request.user, pk=pk)
    customers.require_editable(request.user, customer)
    initial = {name: getattr(customer, name) for name in customers.CUSTOMER_FIELDS}
    initial["tags"] = list(customer.tags.values_list("pk", flat=True))
    form = CustomerForm(request.POST or None, initial=initial, locked=_locked(request), customer=customer, editing=True)
    context = {"form": form, "creating": False, "customer": customer}
    if request.method == "POST" and form.is_valid():
        try:
            customers.customer_update(
                actor=request.user,
                customer=customer,
                data=form.service_data(),
                tags=list(form.cleaned_data.get("tags") or []),
                custom=form.custom_values(),
                confirm_duplicates=form.cleaned_data.get("confirm_duplicates", False),
            )
        except Conflict as exc:
            if exc.code not in ("duplicate", "duplicate_warning"):
                errors_onto_form(form, exc)
            else:
                context.update(_duplicate_context(request, exc))
                form.data = form.data.copy()
                form.data["confirm_duplicates"] = "1" if exc.code == "duplicate_warning" else ""
        except DomainError as exc:
            errors_onto_form(form, exc, field_map=_custom_map(form))
        else:
            messages.success(request, _("Saved."))
            return redirect("customers:detail", pk=customer.pk)
    return render(request, "customers/form.html", context)


@crm_view(f"{CUSTOMER}.delete", methods=("POST",))
def customer_delete(request, pk):
    customer = customer_get(user=request.user, pk=pk)
    return delete_flow(
        request,
        delete=lambda: customers.customer_delete(actor=request.user, customer=customer),
        success=_("Customer %(name)s was deleted.") % {"name": customer.name},
        done=reverse("customers:list"),
        refused=reverse("customers:detail", args=[pk]),
    )


@crm_view(f"{CUSTOMER}.view")
def duplicate_check(request):
    """Live duplicate check while typing (htmx): the matches for the name, phone, e-mail, code;
    throttled per user (CRM_DUPLICATE_CHECK_RATE), as each answer confirms or refutes a guess."""
    if not within_rate(f"duplicate-check:{request.user.pk}", settings.CRM_DUPLICATE_CHECK_RATE):
        return HttpResponse(_("Too many checks. Wait a minute and try again."), status=429)
    try:
        exclude = int(request.GET.get("exclude") or 0) or None
    except ValueError:
        exclude = None
    report = duplicates.duplicate_find(
        actor=request.user,
        name=request.GET.get("name", "")[:100],
        phone=request.GET.get("phone", "")[:40],
        email=request.GET.get("email", "")[:120],
        credit_code=request.GET.get("credit_code", "")[:25],
        exclude_id=exclude,
    )
    found = duplicates.report_details(report, actor=request.user)["duplicates"]
    return render(
        request,
        "customers/partials/duplicates.html",
        {"duplicates": found, "blocking": bool(report.blocking), "live": True},
    )


def _section_context(request, customer, section) -> dict:
    return {"customer": customer, "section": section, **section.context(request.user, customer)}


def _sections_for(request):
    access = access_for(request.user)
    return [s for s in section_registry.sections() if not s.permission or access.can(s.permission)]


@crm_view(f"{CUSTOMER}.view")
def customer_detail(request, pk):
    customer = customer_get(user=request.user, pk=pk)
    access = access_for(request.user)
    may = customer_permissions(user=request.user, customer=customer)
    # Each section renders with its own context, as when it reloads alone (customer_section);
    # without the request's context processors, which the page itself already ran once.
    base = {
        "may": may,
        "resource": CUSTOMER,
        "request": request,
        "user": request.user,
        "csrf_token": get_token(request),
    }
    sections = [
        {"section": s, "html": render_to_string(s.template, {**base, **_section_context(request, customer, s)})}
        for s in _sections_for(request)
    ]
    primary = related.contact_list(user=request.user, customer=customer).first()
    context = {
        "customer": customer,
        "may": may,
        "sections": sections,
        "primary_contact": primary,
        "shares": shares_of(CUSTOMER, customer),
        "resource": CUSTOMER,
        "row_actions": [a for a in section_registry.row_actions() if not a.permission or access.can(a.permission)],
        "tags": customer.tags.all(),
    }
    return render(request, "customers/detail.html", context)


@crm_view(f"{CUSTOMER}.view")
def customer_section(request, pk, key):
    """One section of the 360 page again (htmx, after a dialog saved)."""
    customer = customer_get(user=request.user, pk=pk)
    section = next((s for s in _sections_for(request) if s.key == key), None)
    if section is None:
        raise Http404
    context = {
        "customer": customer,
        "may": customer_permissions(user=request.user, customer=customer),
        "resource": CUSTOMER,
        **_section_context(request, customer, section),
    }
    return render(request, section.template, context)

