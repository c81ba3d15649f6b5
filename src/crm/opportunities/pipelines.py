"""Setting up pipelines and their stages (OPP-9) and their stale rule (OPP-10), for
administrators. A stage in use is not deleted; one default pipeline at a time (the database holds
it); every pipeline keeps one won and one lost stage, so success and failure have a place."""

from django.db import IntegrityError, transaction
from django.db.models import F, ProtectedError
from django.utils.translation import gettext as _

from crm.access.engine import access_for
from crm.audit.services import audit_create, audit_delete, audit_update
from crm.core.errors import Conflict, ValidationFailed
from crm.core.services import full_clean, model_update
from crm.opportunities.models import REQUIRABLE_FIELDS, OpportunityTag, Pipeline, Stage, StageKind
from crm.opportunities.permissions import PIPELINE

PIPELINE_FIELDS = [
    "name", "department", "is_default", "is_active", "sort_order", "stale_inactive_days", "stale_stage_days",
    "stale_action", "stale_warn_days",
]
STAGE_FIELDS = ["name", "probability", "kind", "folded", "required_fields"]


def _require(actor) -> None:
    access_for(actor).require(f"{PIPELINE}.edit")


def _default_only(pipeline: Pipeline) -> None:
    if pipeline.is_default:
        Pipeline.objects.exclude(pk=pipeline.pk).filter(is_default=True).update(is_default=False)


@transaction.atomic
def pipeline_create(*, actor, data: dict) -> Pipeline:
    """A new pipeline starts with a first stage and its won and lost stages."""
    _require(actor)
    pipeline = Pipeline(**{k: v for k, v in data.items() if k in PIPELINE_FIELDS})
    _default_only(pipeline)  # first: the constraint allows one default
    full_clean(pipeline)
    try:
        with transaction.atomic():
            pipeline.save()
    except IntegrityError as exc:
        raise Conflict(_("A pipeline of this name exists already."), code="duplicate") from exc
    Stage.objects.bulk_create(
        [
            Stage(pipeline=pipeline, name=_("Qualification"), probability=10, sort_order=0),
            Stage(pipeline=pipeline, name=_("Won"), probability=100, kind=StageKind.WON, sort_order=90),
            Stage(pipeline=pipeline, name=_("Lost"), probability=0, kind=StageKind.LOST, folded=True, sort_order=91),
        ]
    )
    audit_create(actor=actor, instance=pipeline, fields=PIPELINE_FIELDS)
    return pipeline


@transaction.atomic
def pipeline_update(*, actor, pipeline: Pipeline, data: dict) -> Pipeline:
    _require(actor)
    values = {k: v for k, v in data.items() if k in PIPELINE_FIELDS}
    if pipeline.is_default and values.get("is_default") is False:
        raise ValidationFailed(fields={"is_default": [_("Make another pipeline the default instead.")]})
    _default_only(Pipeline(pk=pipeline.pk, is_default=values.get("is_default", pipeline.is_default)))
    changes = model_update(instance=pipeline, data=values, fields=list(values))
    audit_update(actor=actor, instance=pipeline, changes=changes)
    return pipeline


def _clean_stage(values: dict) -> dict:
    required = values.get("required_fields")
    if required is not None:
        unknown = set(required) - set(REQUIRABLE_FIELDS)
        if unknown:
            raise ValidationFailed(fields={"required_fields": [_("Not a field a stage can require.")]})
        values["required_fields"] = [name for name in REQUIRABLE_FIELDS if name in required]
    return values


@transaction.atomic
def stage_create(*, actor, pipeline: Pipeline, data: dict) -> Stage:
    """A new open stage, placed before the won and lost ones."""
    _require(actor)
    values = _clean_stage({k: v for k, v in data.items() if k in STAGE_FIELDS})
    values["kind"] = StageKind.OPEN
    open_stages = pipeline.stages.filter(kind=StageKind.OPEN).order_by("-sort_order")
    last = open_stages.values_list("sort_order", flat=True).first()
    stage = Stage(pipeline=pipeline, sort_order=(last if last is not None else -1) + 1, **values)
    full_clean(stage)
    pipeline.stages.filter(kind__in=[StageKind.WON, StageKind.LOST], sort_order__lte=stage.sort_order).update(
        sort_order=F("sort_order") + 100
    )
    try:
        with transaction.atomic():
            stage.save()
    except IntegrityError as exc:
        raise Conflict(_("The pipeline has a stage of this name already."), code="duplicate") from exc
    audit_create(actor=actor, instance=stage, fields=[*STAGE_FIELDS, "pipeline"])
    return stage


@transaction.atomic
def stage_update(*, actor, stage: Stage, data: dict) -> Stage:
    _require(actor)
    values = _clean_stage({k: v for k, v in data.items() if k in STAGE_FIELDS and k != "kind"})
    changes = model_update(instance=stage, data=values, fields=list(values))
    audit_update(actor=actor, instance=stage, changes=changes)
    return stage


@transaction.atomic
def stage_delete(*, actor, stage: Stage) -> None:
    _require(actor)
    if stage.kind != StageKind.OPEN:
        raise Conflict(_("The won and lost stages stay: success and failure end there."), code="end_stage")
    if stage.pipeline.stages.filter(kind=StageKind.OPEN).count() == 1:
        raise Conflict(_("A pipeline keeps at least one open stage."), code="last_stage")
    audit_delete(actor=actor, instance=stage, fields=[*STAGE_FIELDS, "pipeline"])
    try:
        with transaction.atomic():
            stage.delete()
    except ProtectedError as exc:
        raise Conflict(_("Opportunities stand in this stage; move them first."), code="in_use") from exc


@transaction.atomic
def stage_move(*, actor, stage: Stage, up: bool) -> None:
    """One place up or down among the open stages."""
    _require(actor)
    stages = list(stage.pipeline.stages.filter(kind=StageKind.OPEN).order_by("sort_order", "id"))
    index = next(i for i, s in enumerate(stages) if s.pk == stage.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(stages):
        stages[index], stages[other] = stages[other], stages[index]
        for order, item in enumerate(stages):
            Stage.objects.filter(pk=item.pk).update(sort_order=order)


# --- opportunity tags (OPP-9: the board's tag filter) ----------------------------------------------------------
TAG_FIELDS = ["name", "color"]


def _save_tag(tag: OpportunityTag) -> None:
    full_clean(tag)  # names the duplicate in the form; the database holds it under a race
    try:
        with transaction.atomic():
            tag.save()
    except IntegrityError as exc:  # the unique name, held by the database
        raise ValidationFailed(fields={"name": [_("A tag of this name exists already.")]}) from exc


@transaction.atomic
def tag_create(*, actor, data: dict) -> OpportunityTag:
    _require(actor)
    tag = OpportunityTag(**{k: v for k, v in data.items() if k in TAG_FIELDS})
    _save_tag(tag)
    audit_create(actor=actor, instance=tag, fields=TAG_FIELDS)
    return tag


@transaction.atomic
def tag_update(*, actor, tag: OpportunityTag, data: dict) -> OpportunityTag:
    _require(actor)
    before = {name: getattr(tag, name) for name in TAG_FIELDS}
    for name in TAG_FIELDS:
        if name in data:
            setattr(tag, name, data[name])
    _save_tag(tag)
    changes = {name: [before[name], getattr(tag, name)] for name in TAG_FIELDS if before[name] != getattr(tag, name)}
    audit_update(actor=actor, instance=tag, changes=changes)
    return tag


@transaction.atomic
def tag_delete(*, actor, tag: OpportunityTag) -> None:
    """The tag leaves every opportunity that carried it; the opportunities stay."""
    _require(actor)
    audit_delete(actor=actor, instance=tag, fields=TAG_FIELDS)
    tag.delete()
