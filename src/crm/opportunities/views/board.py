"""The pipeline pages (OPP-9, OPP-12): the kanban board with drag and drop (and a stage picker on
every card for the keyboard), moving a card (asking for the fields a stage requires), the deal's
figures, and the weighted forecast."""

import contextlib
import datetime

from django.contrib import messages
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from crm.access.decorators import crm_view
from crm.core.errors import DomainError, ValidationFailed
from crm.core.htmx import htmx_refused, htmx_saved, is_htmx
from crm.core.views.flows import dialog, go
from crm.identity.models import Department
from crm.opportunities import board, selectors, services
from crm.opportunities.forms import DealForm, FailForm, SucceedForm
from crm.opportunities.models import OpportunityTag, Pipeline, Stage, StageKind
from crm.opportunities.permissions import OPPORTUNITY


def _pipelines():
    return list(Pipeline.objects.filter(is_active=True))


def _board_filters(request) -> dict:
    """owner (a user id), department (an id), close_month (YYYY-MM), tag (an id); what is not
    understood is ignored."""
    filters = {}
    owner = request.GET.get("owner", "")
    if owner.isdigit():
        filters["owner"] = int(owner)
    department = request.GET.get("department", "")
    if department.isdigit():
        filters["department"] = Department.objects.filter(pk=department).first()
    tag = request.GET.get("tag", "")
    if tag.isdigit():
        filters["tag"] = int(tag)
    with contextlib.suppress(ValueError):
        filters["close_month"] = datetime.datetime.strptime(request.GET.get("close_month", ""), "%Y-%m").date()
    return filters


def _board_context(request) -> dict:
    pipelines = _pipelines()
    chosen = request.GET.get("pipeline", "")
    pipeline = next((p for p in pipelines if str(p.pk) == chosen), None)
    pipeline = pipeline or services.pipeline_for(request.user) or (pipelines[0] if pipelines else None)
    filters = _board_filters(request)
    columns = board.board(user=request.user, pipeline=pipeline, filters=filters) if pipeline else []
    return {
        "pipelines": pipelines,
        "pipeline": pipeline,
        "columns": columns,
        "open_stages": [column.stage for column in columns if column.stage.kind == StageKind.OPEN],
        "filters": filters,
        "owners": services.assignable_users(request.user).order_by("name")[:200],
        "departments": Department.objects.order_by("path")[:200],
        "tags": list(OpportunityTag.objects.all()[:200]),
        "query_string": request.GET.urlencode(),
    }


@crm_view(f"{OPPORTUNITY}.view")
def board_page(request):
    return render(request, "opportunities/board.html", _board_context(request))


@crm_view(f"{OPPORTUNITY}.view")
def board_columns(request):
    """The columns again (htmx, after a card moved or a dialog closed)."""
    return render(request, "opportunities/partials/board_columns.html", _board_context(request))


def _in_dialog(response):
    """Show an answer meant for the dialog in the shared modal, whatever the request targeted."""
    response["HX-Retarget"] = "#app-modal-body"
    response["HX-Reswap"] = "innerHTML"
    response["HX-Trigger-After-Swap"] = "crm:show-dialog"
    return response


def _refused(request, message: str, pk: int):
    if is_htmx(request):
        return htmx_refused(message)
    messages.error(request, message)
    return go(request, reverse("opportunities:detail", args=[pk]))


@crm_view(f"{OPPORTUNITY}.develop", methods=("POST",))
def opportunity_move(request, pk):
    """A card dropped on a stage, or a stage picked on it. Into a won or lost stage the success or
    failure dialog opens; into a stage that requires fields the opportunity lacks, a dialog asks
    for them; a refused move answers with its reason and the board goes back."""
    opportunity = selectors.opportunity_get(user=request.user, pk=pk)
    stage = get_object_or_404(Stage, pk=request.POST.get("stage") or 0, pipeline_id=opportunity.pipeline_id)
    if stage.kind != StageKind.OPEN:
        return _end_dialog(request, opportunity, stage)
    asking = "asked" in request.POST
    form = DealForm(request.POST if asking else None, only=stage.required_fields, require=stage.required_fields)
    data = form.service_data() if asking and form.is_valid() else None
    if asking and data is None:
        return _in_dialog(_move_dialog(request, opportunity, stage, form))
    try:
        services.opportunity_move(actor=request.user, opportunity=opportunity, stage=stage, data=data)
    except ValidationFailed as exc:
        if exc.details.get("missing"):
            form = DealForm(only=exc.details["missing"], require=exc.details["missing"], instance=opportunity)
            return _in_dialog(_move_dialog(request, opportunity, stage, form))
        return _refused(request, exc.summary(), pk)
    except DomainError as exc:
        return _refused(request, exc.summary(), pk)
    message = _("%(number)s moved to “%(stage)s”.") % {"number": opportunity.number, "stage": stage.name}
    if is_htmx(request):
        return htmx_saved(message)
    messages.success(request, message)
    return go(request, reverse("opportunities:detail", args=[pk]))


def _move_dialog(request, opportunity, stage, form):
    context = {
        "form": form,
        "title": _("Move %(number)s to “%(stage)s”") % {"number": opportunity.number, "stage": stage.name},
        "intro": _("This stage needs these figures first."),
        "action": reverse("opportunities:move", args=[opportunity.pk]),
        "submit": _("Move"),
        "extra_fields": {"stage": stage.pk, "asked": "1"},
    }
    return render(request, "core/partials/dialog.html", context)


def _end_dialog(request, opportunity, stage):
    """Dropped on the won or lost column: the success or failure dialog, as its own button opens it."""
    if stage.kind == StageKind.WON:
        url, form, title = "opportunities:succeed", SucceedForm(), _("Developed successfully")
    else:
        url, form, title = "opportunities:fail", FailForm(), _("Stop development")
    context = {"form": form, "title": title, "action": reverse(url, args=[opportunity.pk]), "submit": title}
    return _in_dialog(render(request, "core/partials/dialog.html", context))


@crm_view(f"{OPPORTUNITY}.view", methods=("GET", "POST"))
def opportunity_deal(request, pk):
    """Expected amount and close date, purchase intent, budget, urgency."""
    opportunity = selectors.opportunity_get(user=request.user, pk=pk)
    form = DealForm(request.POST or None, instance=opportunity)
    return dialog(
        request,
        form=form,
        save=lambda: services.opportunity_update_deal(
            actor=request.user, opportunity=opportunity, data=form.service_data()
        ),
        success=_("Saved."),
        next_url=reverse("opportunities:detail", args=[pk]),
        title=_("Deal of %(number)s") % {"number": opportunity.number},
        leave=True,
    )


@crm_view(f"{OPPORTUNITY}.view")
def forecast_page(request):
    group = "department" if request.GET.get("group") == "department" else "owner"
    pipelines = _pipelines()
    chosen = request.GET.get("pipeline", "")
    pipeline = next((p for p in pipelines if str(p.pk) == chosen), None)
    context = {
        "group": group,
        "pipelines": pipelines,
        "pipeline": pipeline,
        "forecast": board.forecast(user=request.user, group=group, pipeline=pipeline),
    }
    return render(request, "opportunities/forecast.html", context)



@crm_view(f"{OPPORTUNITY}.view")
def against_competitors(request):
    """Win and loss against each competitor (CMP-3, OPP-10)."""
    rows = board.against_competitors(user=request.user)
    return render(request, "opportunities/against_competitors.html", {"rows": rows})
