"""Pipeline settings (OPP-9, OPP-10) for administrators: pipelines, their stages in order, the
stale rule."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from crm.access.decorators import crm_view
from crm.core.errors import DomainError
from crm.core.views.flows import dialog, go
from crm.opportunities import pipelines
from crm.opportunities.forms import OpportunityTagForm, PipelineForm, StageForm
from crm.opportunities.models import OpportunityTag, Pipeline, Stage
from crm.opportunities.permissions import PIPELINE

BACK = "opportunities:pipelines"


@crm_view(f"{PIPELINE}.edit")
def pipeline_list(request):
    rows = Pipeline.objects.select_related("department").prefetch_related("stages").order_by("sort_order", "id")
    context = {"pipelines": rows, "tags": OpportunityTag.objects.all()}
    return render(request, "opportunities/pipelines.html", context)


@crm_view(f"{PIPELINE}.edit", methods=("GET", "POST"))
def pipeline_create(request):
    form = PipelineForm(request.POST or None)
    return dialog(
        request,
        form=form,
        save=lambda: pipelines.pipeline_create(actor=request.user, data=form.service_data()),
        success=_("Pipeline created."),
        next_url=reverse(BACK),
        title=_("New pipeline"),
        intro=_("It starts with a first stage and its won and lost stages; add the stages between."),
        leave=True,
    )


@crm_view(f"{PIPELINE}.edit", methods=("GET", "POST"))
def pipeline_edit(request, pk):
    pipeline = get_object_or_404(Pipeline, pk=pk)
    form = PipelineForm(request.POST or None, instance=pipeline)
    return dialog(
        request,
        form=form,
        save=lambda: pipelines.pipeline_update(actor=request.user, pipeline=pipeline, data=form.service_data()),
        success=_("Saved."),
        next_url=reverse(BACK),
        title=_("Edit pipeline %(name)s") % {"name": pipeline.name},
        leave=True,
    )


@crm_view(f"{PIPELINE}.edit", methods=("GET", "POST"))
def stage_create(request, pk):
    pipeline = get_object_or_404(Pipeline, pk=pk)
    form = StageForm(request.POST or None, initial={"probability": 50})
    return dialog(
        request,
        form=form,
        save=lambda: pipelines.stage_create(actor=request.user, pipeline=pipeline, data=form.service_data()),
        success=_("Stage added."),
        next_url=reverse(BACK),
        title=_("New stage in %(name)s") % {"name": pipeline.name},
        leave=True,
    )


@crm_view(f"{PIPELINE}.edit", methods=("GET", "POST"))
def stage_edit(request, pk):
    stage = get_object_or_404(Stage, pk=pk)
    form = StageForm(request.POST or None, instance=stage)
    return dialog(
        request,
        form=form,
        save=lambda: pipelines.stage_update(actor=request.user, stage=stage, data=form.service_data()),
        success=_("Saved."),
        next_url=reverse(BACK),
        title=_("Edit stage %(name)s") % {"name": stage.name},
        leave=True,
    )


@crm_view(f"{PIPELINE}.edit", methods=("POST",))
def stage_action(request, pk, action):
    """Delete a stage, or move it up or down."""
    stage = get_object_or_404(Stage, pk=pk)
    if action not in ("up", "down", "delete"):
        raise Http404
    try:
        if action == "delete":
            pipelines.stage_delete(actor=request.user, stage=stage)
            messages.success(request, _("Stage %(name)s deleted.") % {"name": stage.name})
        else:
            pipelines.stage_move(actor=request.user, stage=stage, up=action == "up")
    except DomainError as exc:
        messages.error(request, exc.summary())
    return go(request, reverse(BACK))


# --- opportunity tags ---------------------------------------------------------------------------------------
@crm_view(f"{PIPELINE}.edit", methods=("GET", "POST"))
def tag_create(request):
    form = OpportunityTagForm(request.POST or None)
    return dialog(
        request,
        form=form,
        save=lambda: pipelines.tag_create(actor=request.user, data=form.service_data()),
        success=_("Tag added."),
        next_url=reverse(BACK),
        title=_("New opportunity tag"),
        leave=True,
    )


@crm_view(f"{PIPELINE}.edit", methods=("GET", "POST"))
def tag_edit(request, pk):
    tag = get_object_or_404(OpportunityTag, pk=pk)
    form = OpportunityTagForm(request.POST or None, instance=tag)
    return dialog(
        request,
        form=form,
        save=lambda: pipelines.tag_update(actor=request.user, tag=tag, data=form.service_data()),
        success=_("Saved."),
        next_url=reverse(BACK),
        title=_("Edit tag %(name)s") % {"name": tag.name},
        leave=True,
    )


@crm_view(f"{PIPELINE}.edit", methods=("POST",))
def tag_delete(request, pk):
    tag = get_object_or_404(OpportunityTag, pk=pk)
    pipelines.tag_delete(actor=request.user, tag=tag)
    messages.success(request, _("Tag %(name)s deleted.") % {"name": tag.name})
    return go(request, reverse(BACK))
