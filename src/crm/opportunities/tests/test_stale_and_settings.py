"""The stale rule (OPP-10): the owner is warned before it fires, then the opportunity is flagged or
closed as lost, once (the run is idempotent); activity clears the flag. Pipeline settings (OPP-9)
for administrators only."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from crm.core.errors import Conflict, PermissionDenied
from crm.notifications.models import Notification
from crm.opportunities import pipelines, services, stale
from crm.opportunities.models import Opportunity, OpportunityStatus, Pipeline, Stage, StageKind, StaleAction

DATA = {"customer_name": "客户", "probability": 20, "summary": "概要", "description": "描述"}


def _developing(sales):
    opportunity = services.opportunity_create(actor=sales.supervisor, data=DATA)
    return services.opportunity_assign(actor=sales.supervisor, opportunity=opportunity, owner=sales.manager)


def _rule(action=StaleAction.FLAG, inactive=30, warn=3):
    Pipeline.objects.filter(is_default=True).update(
        stale_inactive_days=inactive, stale_action=action, stale_warn_days=warn
    )


def _idle(opportunity, days):
    Opportunity.objects.filter(pk=opportunity.pk).update(
        last_activity_at=timezone.now() - datetime.timedelta(days=days)
    )


def test_warn_then_flag_once_and_activity_clears_it(sales):
    _rule()
    opportunity = _developing(sales)
    _idle(opportunity, 28)
    assert stale.stale_run() == {"warned": 1, "flagged": 0, "lost": 0}
    assert stale.stale_run()["warned"] == 0
    assert Notification.objects.filter(recipient=sales.manager, kind="opportunities.stale").count() == 1
    _idle(opportunity, 31)
    assert stale.stale_run()["flagged"] == 1 and stale.stale_run()["flagged"] == 0
    opportunity.refresh_from_db()
    assert opportunity.stale_at is not None
    services.opportunity_update_deal(actor=sales.manager, opportunity=opportunity, data={"expected_amount": Decimal(1)})
    opportunity.refresh_from_db()
    assert opportunity.stale_at is None and stale.days_left(opportunity) >= 29


def test_close_as_lost_moves_it_to_the_lost_stage(sales):
    _rule(action=StaleAction.LOSE)
    opportunity = _developing(sales)
    _idle(opportunity, 40)
    assert stale.stale_run()["lost"] == 1 and stale.stale_run()["lost"] == 0
    opportunity.refresh_from_db()
    assert opportunity.status == OpportunityStatus.LOST and opportunity.stage.kind == StageKind.LOST
    assert opportunity.probability == 0 and opportunity.close_reason


def test_days_in_one_stage(sales):
    Pipeline.objects.filter(is_default=True).update(stale_stage_days=10)
    opportunity = _developing(sales)
    eleven_days_ago = timezone.now() - datetime.timedelta(days=11)
    Opportunity.objects.filter(pk=opportunity.pk).update(stage_changed_at=eleven_days_ago)
    assert stale.stale_run()["flagged"] == 1


def test_the_board_shows_the_countdown(client, sales):
    _rule(inactive=10)
    opportunity = _developing(sales)
    _idle(opportunity, 7)
    client.force_login(sales.manager)
    page = client.get(reverse("opportunities:board")).content.decode()
    assert 'data-testid="card-countdown"' in page


def test_pipeline_settings_are_for_administrators(client, sales, admin_user):
    with pytest.raises(PermissionDenied):
        pipelines.pipeline_create(actor=sales.supervisor, data={"name": "大客户流程"})
    pipeline = pipelines.pipeline_create(actor=admin_user, data={"name": "大客户流程", "stale_warn_days": 3})
    assert [s.kind for s in pipeline.stages.all()] == ["open", "won", "lost"]
    stage = pipelines.stage_create(
        actor=admin_user, pipeline=pipeline, data={"name": "招投标", "probability": 60, "required_fields": ["budget"]}
    )
    assert [s.name for s in pipeline.stages.filter(kind=StageKind.OPEN)][-1] == "招投标"
    assert list(pipeline.stages.order_by("sort_order").values_list("kind", flat=True))[-2:] == ["won", "lost"]
    pipelines.stage_move(actor=admin_user, stage=stage, up=True)
    assert pipeline.stages.filter(kind=StageKind.OPEN).first().name == "招投标"
    with pytest.raises(Conflict):
        pipelines.stage_delete(actor=admin_user, stage=pipeline.stages.get(kind=StageKind.WON))
    client.force_login(admin_user)
    page = client.get(reverse("opportunities:pipelines")).content.decode()
    assert "大客户流程" in page and "招投标" in page
    client.force_login(sales.supervisor)
    assert client.get(reverse("opportunities:pipelines")).status_code == 403


def test_a_stage_in_use_is_not_deleted_and_one_default(sales, admin_user):
    opportunity = _developing(sales)
    with pytest.raises(Conflict) as caught:
        pipelines.stage_delete(actor=admin_user, stage=opportunity.stage)
    assert caught.value.code in ("in_use", "last_stage")
    other = pipelines.pipeline_create(actor=admin_user, data={"name": "新流程", "is_default": True})
    assert list(Pipeline.objects.filter(is_default=True)) == [other]
    assert Stage.objects.filter(pipeline=other).count() == 3
