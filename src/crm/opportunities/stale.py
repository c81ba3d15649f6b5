"""Stale opportunities (OPP-10): a pipeline's rule flags, or closes as lost, the developing
opportunities without activity for N days or longer than M days in one stage; their owners are
warned some days before. Activity is any work on the opportunity (assignment, plan, results,
moves, the deal's figures); it clears a flag. The run is set-based and idempotent."""

import datetime

from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.audit.models import AuditAction
from crm.audit.services import audit_records_bulk
from crm.notifications.services import notify
from crm.opportunities.models import Opportunity, OpportunityStatus, Pipeline, StageKind, StaleAction

BATCH = 5000  # opportunities closed or warned per pipeline and run; the next run takes the rest


def touch(opportunity: Opportunity) -> None:
    """Something was done on the opportunity: its stale clock restarts."""
    now = timezone.now()
    Opportunity.objects.filter(pk=opportunity.pk).update(last_activity_at=now, stale_warned_at=None, stale_at=None)
    opportunity.last_activity_at, opportunity.stale_warned_at, opportunity.stale_at = now, None, None


def deadline(opportunity: Opportunity, pipeline: Pipeline | None = None):
    """When the rule fires for this opportunity (None: never, or it is not developing)."""
    pipeline = pipeline or opportunity.pipeline
    if pipeline is None or opportunity.status != OpportunityStatus.DEVELOPING:
        return None
    moments = []
    if pipeline.stale_inactive_days:
        last = opportunity.last_activity_at or opportunity.assigned_at or opportunity.created_at
        moments.append(last + datetime.timedelta(days=pipeline.stale_inactive_days))
    if pipeline.stale_stage_days and opportunity.stage_changed_at:
        moments.append(opportunity.stage_changed_at + datetime.timedelta(days=pipeline.stale_stage_days))
    return min(moments) if moments else None


def days_left(opportunity: Opportunity, pipeline: Pipeline | None = None) -> int | None:
    """Whole days until the rule fires (0 or less: due), for the countdown on cards."""
    moment = deadline(opportunity, pipeline)
    return None if moment is None else (moment - timezone.now()).days


def _due(pipeline: Pipeline, moment) -> Q:
    condition = Q(pk__in=[])
    if pipeline.stale_inactive_days:
        condition |= Q(last_seen__lt=moment - datetime.timedelta(days=pipeline.stale_inactive_days))
    if pipeline.stale_stage_days:
        condition |= Q(stage_changed_at__lt=moment - datetime.timedelta(days=pipeline.stale_stage_days))
    return condition


def stale_run(now=None) -> dict[str, int]:
    now = now or timezone.now()
    done = {"warned": 0, "flagged": 0, "lost": 0}
    rules = Pipeline.objects.filter(is_active=True).filter(
        Q(stale_inactive_days__isnull=False) | Q(stale_stage_days__isnull=False)
    )
    for pipeline in rules:
        developing = Opportunity.objects.filter(pipeline=pipeline, status=OpportunityStatus.DEVELOPING).annotate(
            last_seen=Coalesce("last_activity_at", "assigned_at", "created_at")
        )
        due = _due(pipeline, now)
        soon = _due(pipeline, now + datetime.timedelta(days=pipeline.stale_warn_days))
        done["warned"] += _warn(developing.filter(soon, stale_warned_at__isnull=True).exclude(due), now)
        if pipeline.stale_action == StaleAction.LOSE:
            done["lost"] += _lose(pipeline, developing.filter(due), now)
        else:
            done["flagged"] += developing.filter(due, stale_at__isnull=True).update(stale_at=now)
    return done


def _warn(queryset, now) -> int:
    warned = 0
    for opportunity in queryset.select_related("owner", "pipeline")[:BATCH]:
        if not Opportunity.objects.filter(pk=opportunity.pk, stale_warned_at__isnull=True).update(stale_warned_at=now):
            continue  # another run warned first
        left = max(days_left(opportunity, opportunity.pipeline) or 0, 0)
        notify(
            recipients=[opportunity.owner],
            title=_("Opportunity %(number)s goes stale in %(days)d days: %(name)s")
            % {"number": opportunity.number, "days": left, "name": opportunity.customer_name},
            body=_("Record a result, plan the next step or move it on to keep it open."),
            link=reverse("opportunities:detail", args=[opportunity.pk]),
            kind="opportunities.stale",
        )
        warned += 1
    return warned


def _lose(pipeline: Pipeline, queryset, now) -> int:
    lost_stage = pipeline.stages.filter(kind=StageKind.LOST).first()
    ids = list(queryset.values_list("pk", flat=True)[:BATCH])
    reason = _("Closed automatically: no progress within the pipeline's limits.")
    closed = Opportunity.objects.filter(pk__in=ids, status=OpportunityStatus.DEVELOPING).update(
        status=OpportunityStatus.LOST,
        closed_at=now,
        close_reason=reason,
        probability=0,
        stage=lost_stage or F("stage"),
        stage_changed_at=now,
        stale_at=now,
        updated_at=now,
    )
    changes = {"status": [OpportunityStatus.DEVELOPING, OpportunityStatus.LOST]}
    rows = [
        (pk, f"{number} {summary}", changes)
        for pk, number, summary in Opportunity.objects.filter(pk__in=ids, stale_at=now).values_list(
            "pk", "number", "summary"
        )
    ]
    audit_records_bulk(actor=None, action=AuditAction.UPDATE, model=Opportunity, rows=rows, message=reason)
    return closed
