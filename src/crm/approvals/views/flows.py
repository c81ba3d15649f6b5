"""审批流设置: the flows of every document type, and the form-based designer (a flow with its
conditions, rules and post-actions, and its steps as rows)."""

from django.contrib import messages
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from crm.access.decorators import crm_view
from crm.approvals import conditions, flows, registry
from crm.approvals.forms import FlowForm, step_formset
from crm.approvals.models import Flow
from crm.approvals.permissions import FLOW
from crm.core.errors import DomainError, NotFound
from crm.core.forms import errors_onto_form
from crm.core.views.flows import delete_flow, go

EMPTY_STEPS = 2


@crm_view(f"{FLOW}.view")
def flow_list(request):
    kinds = registry.all_types()
    rows = list(Flow.objects.prefetch_related("steps").order_by("document_type", "priority", "id"))
    for flow in rows:
        kind = registry.get(flow.document_type) if flow.document_type in dict(registry.choices()) else None
        flow.kind_label = kind.label if kind else flow.document_type
        flow.conditions_text = conditions.describe(flow.conditions, kind.condition_fields()) if kind else ""
    return render(request, "approvals/flows.html", {"flows": rows, "kinds": kinds})


def _flow(pk) -> Flow:
    flow = Flow.objects.filter(pk=pk).first()
    if flow is None:
        raise NotFound()
    return flow


@crm_view(f"{FLOW}.create", methods=("GET", "POST"))
def flow_create(request):
    kind = registry.get(request.GET.get("type") or request.POST.get("type") or "")
    return _designer(request, kind, None)


@crm_view(f"{FLOW}.edit", methods=("GET", "POST"))
def flow_edit(request, pk):
    flow = _flow(pk)
    return _designer(request, registry.get(flow.document_type), flow)


def _designer(request, kind, flow):
    steps = list(flow.steps.order_by("position")) if flow else []
    data = request.POST if request.method == "POST" else None
    form = FlowForm(data, kind=kind, flow=flow)
    formset = step_formset(EMPTY_STEPS, flows.MAX_STEPS)(data, prefix="steps", kind=kind, steps=steps)
    status = 200
    if request.method == "POST":
        if form.is_valid() and formset.is_valid():
            step_data = [f.service_data() for f in formset.forms if f.cleaned_data and not f.is_blank()]
            try:
                saved = flows.flow_save(
                    actor=request.user, document_type=kind.code, data=form.service_data(), steps=step_data, flow=flow
                )
            except DomainError as exc:
                errors_onto_form(form, exc, field_map={"steps": None})
            else:
                messages.success(request, _("Approval flow “%(name)s” saved.") % {"name": saved.name})
                return go(request, reverse("approvals:flows"))
        status = 400
    context = {"form": form, "formset": formset, "kind": kind, "flow": flow}
    return render(request, "approvals/flow_form.html", context, status=status)


@crm_view(f"{FLOW}.delete", methods=("POST",))
def flow_delete(request, pk):
    flow = _flow(pk)
    return delete_flow(
        request,
        delete=lambda: flows.flow_delete(actor=request.user, flow=flow),
        success=_("Approval flow “%(name)s” deleted.") % {"name": flow.name},
        done=reverse("approvals:flows"),
    )
