"""The development plan of an opportunity (s003/5 §3.1.2, OPP-5, OPP-6): add, edit (not the
date) and delete steps, record what came of each. The dialogs close and the plan reloads."""

from django.urls import reverse
from django.utils.translation import gettext as _

from crm.access.decorators import crm_view
from crm.core.views.flows import delete_flow, dialog
from crm.opportunities import selectors, services
from crm.opportunities.forms import PlanItemForm, ResultForm
from crm.opportunities.permissions import OPPORTUNITY, PLAN_ITEM


def _back(pk) -> str:
    return reverse("opportunities:detail", args=[pk])


@crm_view(f"{PLAN_ITEM}.create", methods=("GET", "POST"))
def plan_item_add(request, pk):
    opportunity = selectors.opportunity_get(user=request.user, pk=pk)
    form = PlanItemForm(request.POST or None)
    return dialog(
        request,
        form=form,
        save=lambda: services.plan_item_add(
            actor=request.user,
            opportunity=opportunity,
            date=form.cleaned_data["date"],
            content=form.cleaned_data["content"],
        ),
        success=_("Plan item added."),
        next_url=_back(pk),
        title=_("New plan item for %(number)s") % {"number": opportunity.number},
    )


def _item(request, pk, item_pk):
    opportunity = selectors.opportunity_get(user=request.user, pk=pk)
    return selectors.plan_item_get(user=request.user, opportunity=opportunity, pk=item_pk)


@crm_view(f"{PLAN_ITEM}.edit", methods=("GET", "POST"))
def plan_item_edit(request, pk, item_pk):
    item = _item(request, pk, item_pk)
    form = PlanItemForm(request.POST or None, existing=item, initial={"date": item.date, "content": item.content})
    return dialog(
        request,
        form=form,
        save=lambda: services.plan_item_update(
            actor=request.user, item=item, data={"content": form.cleaned_data["content"]}
        ),
        success=_("Plan item saved."),
        next_url=_back(pk),
        title=_("Edit plan item of %(date)s") % {"date": f"{item.date:%Y-%m-%d}"},
    )


@crm_view(f"{OPPORTUNITY}.develop", methods=("GET", "POST"))
def plan_item_result(request, pk, item_pk):
    item = _item(request, pk, item_pk)
    form = ResultForm(request.POST or None, initial={"result": item.result})
    return dialog(
        request,
        form=form,
        save=lambda: services.plan_item_record_result(
            actor=request.user, item=item, result=form.cleaned_data["result"]
        ),
        success=_("Result recorded."),
        next_url=_back(pk),
        title=_("Result of %(date)s: %(content)s") % {"date": f"{item.date:%Y-%m-%d}", "content": item.content[:40]},
    )


@crm_view(f"{PLAN_ITEM}.delete", methods=("POST",))
def plan_item_delete(request, pk, item_pk):
    item = _item(request, pk, item_pk)
    return delete_flow(
        request,
        delete=lambda: services.plan_item_delete(actor=request.user, item=item),
        success=_("Plan item deleted."),
        done=_back(pk),
        refused=_back(pk),
    )
