"""Lead pages (OPP-13): the list by status, the pool, one lead with its follow-ups, create and
edit (with the duplicate check), follow up, assign (by hand or round-robin in a team), claim and
return to the pool, convert in one step, disqualify and reopen."""

from django.contrib import messages
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from crm.access.decorators import crm_view
from crm.access.engine import access_for
from crm.charts.views import chart_panel
from crm.core.errors import DomainError
from crm.core.pagination import CappedPaginator
from crm.core.views.flows import delete_flow, dialog, go, safe_next
from crm.customers.services.obtain import customer_existing
from crm.identity.models import Department
from crm.leads import selectors, services
from crm.leads.forms import AssignForm, ConvertForm, FollowUpForm, LeadForm, ReasonForm, RoundRobinForm
from crm.leads.models import LEAD_STATES, LeadStatus
from crm.leads.permissions import LEAD

PAGE_SIZE = 20


def _labels() -> dict:
    return {
        "open": _("Open"),
        "new": LeadStatus.NEW.label,
        "working": LeadStatus.WORKING.label,
        "converted": LeadStatus.CONVERTED.label,
        "disqualified": LeadStatus.DISQUALIFIED.label,
        "all": _("All"),
    }


def _list(request, *, pool: bool):
    view = request.GET.get("view") or "open"
    view = view if view in selectors.VIEWS else "open"
    filters = {"view": view, "q": request.GET.get("q", ""), "mine": request.GET.get("mine") == "1", "pool": pool}
    page = CappedPaginator(selectors.lead_list(user=request.user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "pool": pool,
        "view": view,
        "views": list(_labels().items()),
        "counts": selectors.view_counts(user=request.user),
        "filters": filters,
        "page_obj": page,
        "leads": page.object_list,
        "may": access_for(request.user).abilities(LEAD),
        "owners": services.assignable_users(request.user).order_by("name")[:200],
        "departments": Department.objects.order_by("path")[:200],
        "chart": None if pool else chart_panel(request, "leads"),
    }
    return render(request, "leads/list.html", context)


@crm_view(f"{LEAD}.view")
def lead_list(request):
    return _list(request, pool=False)


@crm_view(f"{LEAD}.claim")
def lead_pool(request):
    return _list(request, pool=True)


def _form_fields(user) -> dict:
    access = access_for(user)
    return {"removed": access.concealed_fields(LEAD), "locked": access.readonly_fields(LEAD)}


@crm_view(f"{LEAD}.create", methods=("GET", "POST"))
def lead_create(request):
    form = LeadForm(request.POST or None, **_form_fields(request.user))
    confirmed = request.POST.get("confirm_duplicates") == "1"
    context = {}
    if request.method == "POST" and form.is_valid():
        try:
            lead = services.lead_create(
                actor=request.user,
                data=form.service_data(),
                to_pool=request.POST.get("to_pool") == "1",
                confirm_duplicates=confirmed,
            )
        except DomainError as exc:
            if exc.code != "duplicate_warning":
                raise
            context = {"duplicates": exc.details["duplicates"]}
        else:
            messages.success(request, _("Saved: lead %(number)s.") % {"number": lead.number})
            return go(request, reverse("leads:detail", args=[lead.pk]))
    status = 400 if request.method == "POST" else 200
    return render(request, "leads/form.html", {"form": form, **context}, status=status)


@crm_view(f"{LEAD}.view")
def lead_detail(request, pk):
    lead = selectors.lead_get(user=request.user, pk=pk)
    access = access_for(request.user)
    allowed = set(LEAD_STATES.actions(lead.status))
    editable = access.allows(LEAD, "edit", lead) if lead.owner_id else False
    context = {
        "lead": lead,
        "activities": list(lead.activities.select_related("created_by")[:100]),
        "may": {
            "edit": editable and "edit" in allowed,
            "follow_up": editable and "follow_up" in allowed,
            "convert": editable and "convert" in allowed and access.can(f"{LEAD}.convert"),
            "disqualify": editable and "disqualify" in allowed,
            "reopen": editable and "reopen" in allowed,
            "release": editable and "release" in allowed,
            "claim": lead.owner_id is None and "claim" in allowed and access.can(f"{LEAD}.claim"),
            "assign": "assign" in allowed and access.can(f"{LEAD}.assign"),
            "delete": access.allows(LEAD, "delete", lead) if lead.owner_id else False,
        },
    }
    return render(request, "leads/detail.html", context)


def _back(pk):
    return reverse("leads:detail", args=[pk])


@crm_view(f"{LEAD}.edit", methods=("GET", "POST"))
def lead_edit(request, pk):
    lead = selectors.lead_get(user=request.user, pk=pk)
    form = LeadForm(request.POST or None, instance=lead, **_form_fields(request.user))
    return dialog(
        request,
        form=form,
        save=lambda: services.lead_update(actor=request.user, lead=lead, data=form.service_data()),
        success=_("Saved."),
        next_url=_back(pk),
        title=_("Edit lead %(number)s") % {"number": lead.number},
        leave=True,
    )


@crm_view(f"{LEAD}.delete", methods=("POST",))
def lead_delete(request, pk):
    lead = selectors.lead_get(user=request.user, pk=pk)
    return delete_flow(
        request,
        delete=lambda: services.lead_delete(actor=request.user, lead=lead),
        success=_("Deleted."),
        done=safe_next(request, reverse("leads:list")),
        refused=_back(pk),
    )


@crm_view(f"{LEAD}.edit", methods=("GET", "POST"))
def lead_follow_up(request, pk):
    lead = selectors.lead_get(user=request.user, pk=pk)
    form = FollowUpForm(request.POST or None)
    return dialog(
        request,
        form=form,
        save=lambda: services.lead_follow_up(
            actor=request.user, lead=lead, content=form.cleaned_data["content"], next_on=form.cleaned_data["next_on"]
        ),
        success=_("Follow-up saved."),
        next_url=_back(pk),
        title=_("Follow up %(company)s") % {"company": lead.company},
        leave=True,
    )


@crm_view(f"{LEAD}.assign", methods=("GET", "POST"))
def lead_assign(request, pk):
    lead = selectors.lead_get(user=request.user, pk=pk)
    owners = services.assignable_users(request.user).select_related("department").order_by("department__path", "name")
    form = AssignForm(request.POST or None, owners=owners, initial={"owner": lead.owner_id})
    return dialog(
        request,
        form=form,
        save=lambda: services.leads_assign(actor=request.user, leads=[lead], owner=form.cleaned_data["owner"]),
        success=_("Assigned."),
        next_url=_back(pk),
        title=_("Assign lead %(number)s") % {"number": lead.number},
        submit=_("Assign"),
        leave=True,
    )


@crm_view(f"{LEAD}.assign", methods=("POST",))
def leads_bulk_assign(request):
    """The list's selected leads: to one person, or in turn among a team."""
    ids = [int(pk) for pk in request.POST.getlist("leads") if pk.isdigit()][:500]
    try:
        mode = request.POST.get("mode", "owner")
        if mode == "region":
            count = services.leads_assign_by_region(actor=request.user, leads=ids)
            messages.success(request, _("%(count)d leads assigned by region.") % {"count": count})
        elif mode == "team":
            form = RoundRobinForm(request.POST)
            if not form.is_valid():
                raise DomainError(_("Choose a team."))
            counts = services.leads_assign_round_robin(
                actor=request.user, leads=ids, department=form.cleaned_data["department"]
            )
            messages.success(request, _("%(count)d leads shared out in turn.") % {"count": sum(counts.values())})
        else:
            owners = services.assignable_users(request.user)
            form = AssignForm(request.POST, owners=owners)
            if not form.is_valid():
                raise DomainError(_("Choose the person to give them to."))
            count = services.leads_assign(actor=request.user, leads=ids, owner=form.cleaned_data["owner"])
            messages.success(request, _("%(count)d leads assigned.") % {"count": count})
    except DomainError as exc:
        messages.error(request, exc.summary())
    return go(request, safe_next(request, reverse("leads:list")))


@crm_view(f"{LEAD}.claim", methods=("POST",))
def lead_claim(request, pk):
    lead = selectors.lead_get(user=request.user, pk=pk)
    try:
        services.lead_claim(actor=request.user, lead=lead)
    except DomainError as exc:
        messages.error(request, exc.summary())
        return go(request, safe_next(request, reverse("leads:pool")))
    messages.success(request, _("The lead is yours: %(company)s.") % {"company": lead.company})
    return go(request, _back(pk))


@crm_view(f"{LEAD}.edit", methods=("GET", "POST"))
def lead_release(request, pk):
    lead = selectors.lead_get(user=request.user, pk=pk)
    form = ReasonForm(request.POST or None)
    return dialog(
        request,
        form=form,
        save=lambda: services.lead_release(actor=request.user, lead=lead, reason=form.cleaned_data["reason"]),
        success=_("Returned to the lead pool."),
        next_url=reverse("leads:list"),
        title=_("Return %(company)s to the lead pool") % {"company": lead.company},
        leave=True,
    )


@crm_view(f"{LEAD}.edit", methods=("GET", "POST"))
def lead_disqualify(request, pk):
    lead = selectors.lead_get(user=request.user, pk=pk)
    form = ReasonForm(request.POST or None)
    return dialog(
        request,
        form=form,
        save=lambda: services.lead_disqualify(actor=request.user, lead=lead, reason=form.cleaned_data["reason"]),
        success=_("Disqualified."),
        next_url=_back(pk),
        title=_("Disqualify %(company)s") % {"company": lead.company},
        submit=_("Disqualify"),
        leave=True,
    )


@crm_view(f"{LEAD}.edit", methods=("POST",))
def lead_reopen(request, pk):
    lead = selectors.lead_get(user=request.user, pk=pk)
    try:
        services.lead_reopen(actor=request.user, lead=lead)
        messages.success(request, _("Reopened."))
    except DomainError as exc:
        messages.error(request, exc.summary())
    return go(request, _back(pk))


@crm_view(f"{LEAD}.convert", methods=("GET", "POST"))
def lead_convert(request, pk):
    lead = selectors.lead_get(user=request.user, pk=pk)
    found = customer_existing(actor=request.user, name=lead.company, phone=lead.mobile or lead.phone)
    form = ConvertForm(request.POST or None, creating=found is None, initial={"summary": lead.notes[:200]})
    if found is None:
        intro = _("A customer %(company)s is created, with %(name)s as its contact.") % {
            "company": lead.company,
            "name": lead.name,
        }
    else:
        intro = _(
            "A customer of this name exists already: the lead is converted into it, and %(name)s is added as a "
            "contact if missing."
        ) % {"name": lead.name}
    return dialog(
        request,
        form=form,
        save=lambda: services.lead_convert(
            actor=request.user, lead=lead, customer_data=form.customer_data(), opportunity=form.opportunity_data()
        ),
        success=_("Converted."),
        next_url=_back(pk),
        title=_("Convert %(company)s") % {"company": lead.company},
        intro=intro,
        submit=_("Convert"),
        leave=True,
    )
