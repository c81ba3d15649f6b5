"""Opportunity pages (s003/5 §3.1.1, OPP-1…OPP-4, OPP-7, OPP-8): the list with its status tabs,
create (new, or on an existing customer), edit and delete while unassigned, assign, success and
failure. The development plan's pages are in views/plan.py."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from crm.access.decorators import crm_view
from crm.access.engine import access_for
from crm.access.forms import ShareForm
from crm.access.shares import shares_of
from crm.charts.views import chart_panel
from crm.core.errors import DomainError
from crm.core.pagination import CappedPaginator
from crm.core.views.flows import delete_flow, dialog, go, safe_next
from crm.customers.selectors.customers import customer_get
from crm.customers.selectors.scope import customer_queryset
from crm.customers.services.obtain import customer_existing
from crm.identity.models import User
from crm.opportunities import selectors, services, stale
from crm.opportunities.forms import (
    AssignForm,
    CompetitorsForm,
    FailForm,
    OpportunityFilterForm,
    OpportunityForm,
    SucceedForm,
    TagsForm,
)
from crm.opportunities.models import OPPORTUNITY_STATES, PRIORITY_WEIGHTS, Level, Opportunity, OpportunityStatus
from crm.opportunities.permissions import OPPORTUNITY

PAGE_SIZE = 20


def _list(request, *, view: str, mine: bool = False):
    form = OpportunityFilterForm(request.GET or None)
    filters = {"view": request.GET.get("view") or view, "mine": mine, **form.valid_filters()}
    if filters["view"] not in selectors.VIEWS:
        filters["view"] = view
    queryset = selectors.opportunity_list(user=request.user, filters=filters)
    page = CappedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "view": filters["view"],
        "views": [(key, label) for key, label in _view_labels().items()],
        "counts": selectors.view_counts(user=request.user),
        "page_obj": page,
        "opportunities": page.object_list,
        "may": access_for(request.user).abilities(OPPORTUNITY),
        "query_string": request.GET.urlencode(),
        "developing_page": mine,
        "chart": None if mine else chart_panel(request, "opportunities"),
    }
    return render(request, "opportunities/list.html", context)


def _view_labels() -> dict:
    return {
        "unassigned": OpportunityStatus.UNASSIGNED.label,
        "developing": OpportunityStatus.DEVELOPING.label,
        "won": OpportunityStatus.WON.label,
        "lost": OpportunityStatus.LOST.label,
        "all": _("All"),
    }


@crm_view(f"{OPPORTUNITY}.view")
def opportunity_list(request):
    """Opens on the unassigned ones, the list s003/5 §3.1.1.2 works from."""
    return _list(request, view="unassigned")


@crm_view(f"{OPPORTUNITY}.develop")
def developing(request):
    """客户开发计划: the opportunities assigned to me, being developed (s003/5 §3.1.2)."""
    return _list(request, view="developing", mine=True)


def _form_fields(user) -> dict:
    access = access_for(user)
    return {
        "removed": access.concealed_fields(OPPORTUNITY),
        "locked": access.readonly_fields(OPPORTUNITY) - access.concealed_fields(OPPORTUNITY),
    }


@crm_view(f"{OPPORTUNITY}.create", methods=("GET", "POST"))
def opportunity_create(request):
    customer_id = request.GET.get("customer") or request.POST.get("customer")
    customer = customer_get(user=request.user, pk=customer_id) if customer_id else None
    form = OpportunityForm(request.POST or None, **_form_fields(request.user))
    if customer is not None:
        form.fields["customer_name"].disabled = True
        form.initial["customer_name"] = customer.name
    form.initial.setdefault("probability", 20)
    return dialog(
        request,
        form=form,
        save=lambda: services.opportunity_create(actor=request.user, data=form.service_data(), customer=customer),
        success=lambda opportunity: _("Saved: opportunity %(number)s.") % {"number": opportunity.number},
        next_url=lambda opportunity: reverse("opportunities:detail", args=[opportunity.pk]),
        title=_("New opportunity on %(name)s") % {"name": customer.name} if customer else _("New opportunity"),
        submit=_("Save"),
        intro=_("The number, the creator and the time are filled in by the system when it is saved."),
        leave=True,
    )


@crm_view(f"{OPPORTUNITY}.view")
def opportunity_detail(request, pk):
    opportunity = selectors.opportunity_get(user=request.user, pk=pk)
    return render(request, "opportunities/detail.html", _detail_context(request, opportunity))


def _detail_context(request, opportunity) -> dict:
    user = request.user
    allowed = set(OPPORTUNITY_STATES.actions(opportunity.status))
    on_record = access_for(user).abilities(OPPORTUNITY, opportunity)
    develops = "plan" in allowed and services.may_develop(user, opportunity)
    deal = "deal" in allowed and (develops if opportunity.status == OpportunityStatus.DEVELOPING else on_record["edit"])
    return {
        "opportunity": opportunity,
        "priority_parts": _priority_parts(opportunity),
        "stale_in": stale.days_left(opportunity),
        "stages": list(opportunity.pipeline.stages.all()) if opportunity.pipeline_id and develops else [],
        "plan_items": list(selectors.plan_items(user=user, opportunity=opportunity)[:200]),
        "competitors": _competitors(user, opportunity),
        "tags": list(opportunity.tags.all()),
        "shares": list(shares_of(OPPORTUNITY, opportunity)) if on_record["share"] else [],
        "may": {
            "edit": on_record["edit"] and "edit" in allowed,
            "delete": on_record["delete"] and "delete" in allowed and opportunity.created_by_id == user.pk,
            "assign": on_record["assign"] and bool(allowed & {"assign", "reassign"}),
            "develop": develops,
            "deal": deal,
            "share": on_record["share"] and opportunity.status != OpportunityStatus.UNASSIGNED,
        },
        "customer_visible": _visible(user, opportunity.customer_id),
    }


def _competitors(user, opportunity) -> list | None:
    """The competitors on the opportunity, for users who may read competitors (None: no section)."""
    if not access_for(user).can("competitors.competitor.view"):
        return None
    return list(opportunity.competitors.all())


def _priority_parts(opportunity) -> list[dict]:
    """How the priority score was computed (OPP-12): each factor, its level and its points."""
    parts = []
    for name, weight in PRIORITY_WEIGHTS.items():
        level = getattr(opportunity, name)
        parts.append({
            "label": Opportunity._meta.get_field(name).verbose_name,
            "level": getattr(opportunity, f"get_{name}_display")() if level else "—",
            "weight": weight,
            "points": round(weight * (level or 0) / Level.HIGH),
        })
    return parts


def _visible(user, customer_id) -> bool:
    """Whether the user may open the customer (an opportunity seen through its owner may name a
    customer the user cannot see: ADR 0017)."""
    return bool(customer_id) and customer_queryset(user).filter(pk=customer_id).exists()


@crm_view(f"{OPPORTUNITY}.view")
def opportunity_plan(request, pk):
    """The plan again (htmx, after a dialog saved)."""
    opportunity = selectors.opportunity_get(user=request.user, pk=pk)
    return render(request, "opportunities/partials/plan.html", _detail_context(request, opportunity))


@crm_view(f"{OPPORTUNITY}.edit", methods=("GET", "POST"))
def opportunity_edit(request, pk):
    opportunity = selectors.opportunity_get(user=request.user, pk=pk)
    form = OpportunityForm(request.POST or None, instance=opportunity, **_form_fields(request.user))
    if opportunity.customer_id:
        form.fields["customer_name"].disabled = True
    return dialog(
        request,
        form=form,
        save=lambda: services.opportunity_update(actor=request.user, opportunity=opportunity, data=form.service_data()),
        success=_("Saved."),
        next_url=reverse("opportunities:detail", args=[pk]),
        title=_("Edit opportunity %(number)s") % {"number": opportunity.number},
        leave=True,
    )


@crm_view(f"{OPPORTUNITY}.delete", methods=("POST",))
def opportunity_delete(request, pk):
    opportunity = selectors.opportunity_get(user=request.user, pk=pk)
    return delete_flow(
        request,
        delete=lambda: services.opportunity_delete(actor=request.user, opportunity=opportunity),
        success=_("Deleted."),
        done=safe_next(request, reverse("opportunities:list")),
        refused=reverse("opportunities:detail", args=[pk]),
    )


@crm_view(f"{OPPORTUNITY}.assign", methods=("GET", "POST"))
def opportunity_assign(request, pk):
    opportunity = selectors.opportunity_get(user=request.user, pk=pk)
    owners = services.assignable_users(request.user).select_related("department").order_by("department__path", "name")
    form = AssignForm(request.POST or None, owners=owners, initial={"owner": opportunity.owner_id})
    return dialog(
        request,
        form=form,
        save=lambda: services.opportunity_assign(
            actor=request.user, opportunity=opportunity, owner=form.cleaned_data["owner"]
        ),
        success=_("Assigned."),
        next_url=reverse("opportunities:detail", args=[pk]),
        title=_("Assign opportunity %(number)s") % {"number": opportunity.number},
        intro=_("One opportunity, one account manager; the time of the assignment is recorded."),
        submit=_("Assign"),
        leave=True,
    )


@crm_view(f"{OPPORTUNITY}.develop", methods=("GET", "POST"))
def opportunity_succeed(request, pk):
    opportunity = selectors.opportunity_get(user=request.user, pk=pk)
    found = None
    if opportunity.customer_id is None:
        found = customer_existing(
            actor=request.user, name=opportunity.customer_name, phone=opportunity.contact_phone
        )
    creating = opportunity.customer_id is None and found is None
    form = SucceedForm(request.POST or None, creating=creating)
    if opportunity.customer_id:
        intro = _("The opportunity is on the customer %(name)s.") % {"name": opportunity.customer.name}
    elif found is not None and not _visible(request.user, found.pk):
        intro = _("A customer of this name exists already, managed by a colleague: the opportunity is linked to it.")
    elif found is not None:
        intro = _("The customer %(name)s (%(number)s) exists already: the opportunity is linked to it.") % {
            "name": found.name,
            "number": found.number,
        }
    else:
        intro = _("A customer is created from the customer name, the contact and the phone: %(name)s.") % {
            "name": opportunity.customer_name
        }
    return dialog(
        request,
        form=form,
        save=lambda: services.opportunity_succeed(
            actor=request.user, opportunity=opportunity, customer_data=form.customer_data() if creating else None
        ),
        success=_("Done: developed successfully."),
        next_url=reverse("opportunities:detail", args=[pk]),
        title=_("Developed successfully: %(number)s") % {"number": opportunity.number},
        intro=intro,
        submit=_("Developed successfully"),
        leave=True,
    )


@crm_view(f"{OPPORTUNITY}.develop", methods=("GET", "POST"))
def opportunity_fail(request, pk):
    opportunity = selectors.opportunity_get(user=request.user, pk=pk)
    form = FailForm(request.POST or None)
    return dialog(
        request,
        form=form,
        save=lambda: services.opportunity_fail(
            actor=request.user,
            opportunity=opportunity,
            reason=form.cleaned_data["reason"],
            lost_reason=form.cleaned_data["lost_reason"],
            lost_to=form.cleaned_data["lost_to"],
        ),
        success=_("Done: development stopped."),
        next_url=reverse("opportunities:detail", args=[pk]),
        title=_("Stop development: %(number)s") % {"number": opportunity.number},
        intro=_("The opportunity ends as “development failed”."),
        submit=_("Stop development"),
        leave=True,
    )


def _related_dialog(request, pk, form_class, name: str, save, title: str):
    """Pick the opportunity's competitors or tags from a list of checkboxes."""
    opportunity = selectors.opportunity_get(user=request.user, pk=pk)
    form = form_class(request.POST or None, initial={name: list(getattr(opportunity, name).all())})
    return dialog(
        request,
        form=form,
        save=lambda: save(actor=request.user, opportunity=opportunity, **{name: list(form.cleaned_data[name])}),
        success=_("Saved."),
        next_url=reverse("opportunities:detail", args=[pk]),
        title=title % {"number": opportunity.number},
        leave=True,
    )


@crm_view(f"{OPPORTUNITY}.view", methods=("GET", "POST"))
def opportunity_competitors(request, pk):
    """Which competitors the customer also considers (CMP-3)."""
    return _related_dialog(
        request, pk, CompetitorsForm, "competitors", services.opportunity_set_competitors,
        _("Competitors on %(number)s"),
    )


@crm_view(f"{OPPORTUNITY}.view", methods=("GET", "POST"))
def opportunity_tags(request, pk):
    """The opportunity's tags (OPP-9)."""
    return _related_dialog(request, pk, TagsForm, "tags", services.opportunity_set_tags, _("Tags on %(number)s"))


@crm_view(f"{OPPORTUNITY}.share", methods=("GET", "POST"))
def opportunity_share(request, pk):
    opportunity = selectors.opportunity_get(user=request.user, pk=pk)
    users = User.objects.active().exclude(pk=opportunity.owner_id).select_related("department")
    form = ShareForm(request.POST or None, users=users)
    form.fields["users"].label_from_instance = lambda u: f"{u} · {u.department.name}" if u.department_id else str(u)
    return dialog(
        request,
        form=form,
        save=lambda: services.opportunity_share(
            actor=request.user,
            opportunity=opportunity,
            users=list(form.cleaned_data["users"]),
            can_edit=form.cleaned_data["can_edit"],
        ),
        success=_("Shared."),
        next_url=reverse("opportunities:detail", args=[pk]),
        title=_("Share %(number)s") % {"number": opportunity.number},
        intro=_("Colleagues you share with see the opportunity; with “may edit” they also develop it."),
        submit=_("Share"),
        leave=True,
    )


@crm_view(f"{OPPORTUNITY}.share", methods=("POST",))
def opportunity_unshare(request, pk, user_id):
    opportunity = selectors.opportunity_get(user=request.user, pk=pk)
    user = get_object_or_404(User, pk=user_id)
    try:
        services.opportunity_unshare(actor=request.user, opportunity=opportunity, user=user)
        messages.success(request, _("%(name)s no longer shares this opportunity.") % {"name": user})
    except DomainError as exc:
        messages.error(request, exc.summary())
    return go(request, reverse("opportunities:detail", args=[pk]))
