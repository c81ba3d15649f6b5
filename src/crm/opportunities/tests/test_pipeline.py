"""Pipelines, the board and the forecast (OPP-9), won and lost stages (OPP-10), priority
(OPP-12): moves take the stage's probability, a stage's required fields are asked first, the
board is a fixed number of queries and keeps to the scope, the forecast weighs by probability."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crm.core.errors import ValidationFailed
from crm.core.states import IllegalTransition
from crm.customers.testing import make_customer, picklist
from crm.identity.models import User
from crm.opportunities import board, services
from crm.opportunities.models import Pipeline, Stage, StageKind, priority_score

HTMX = {"HTTP_HX_REQUEST": "true"}
DATA = {"customer_name": "客户", "probability": 20, "summary": "概要", "description": "描述"}


def _developing(sales, owner=None, **deal):
    opportunity = services.opportunity_create(actor=sales.supervisor, data=DATA)
    opportunity = services.opportunity_assign(
        actor=sales.supervisor, opportunity=opportunity, owner=owner or sales.manager
    )
    if deal:
        opportunity = services.opportunity_update_deal(actor=sales.supervisor, opportunity=opportunity, data=deal)
    return opportunity


def _stage(name: str) -> Stage:
    return Stage.objects.get(pipeline__is_default=True, name=name)


def test_new_opportunities_start_in_the_first_stage_of_the_default_pipeline(sales):
    opportunity = services.opportunity_create(actor=sales.manager, data=DATA)
    assert opportunity.pipeline.is_default and opportunity.stage.name == "初步接洽"


def test_a_team_pipeline_is_taken_by_its_department_and_below(sales, org):
    team = Pipeline.objects.create(name="华东项目型销售", department=org.east)
    Stage.objects.create(pipeline=team, name="立项", probability=10, sort_order=0)
    assert services.opportunity_create(actor=sales.manager, data=DATA).pipeline == team
    assert services.opportunity_create(actor=sales.other, data=DATA).pipeline.is_default


def test_a_move_takes_the_stages_probability_and_time(sales):
    opportunity = _developing(sales)
    moved = services.opportunity_move(actor=sales.manager, opportunity=opportunity, stage=_stage("需求确认"))
    assert (moved.stage.name, moved.probability) == ("需求确认", 30) and moved.stage_changed_at


def test_a_stage_asks_for_its_required_fields_first(sales):
    opportunity = _developing(sales)
    with pytest.raises(ValidationFailed) as caught:
        services.opportunity_move(actor=sales.manager, opportunity=opportunity, stage=_stage("商务谈判"))
    assert caught.value.details["missing"] == ["expected_amount", "expected_close"]
    opportunity.refresh_from_db()
    assert opportunity.stage.name == "初步接洽"
    moved = services.opportunity_move(
        actor=sales.manager,
        opportunity=opportunity,
        stage=_stage("商务谈判"),
        data={"expected_amount": Decimal("300000"), "expected_close": datetime.date(2027, 1, 31)},
    )
    assert moved.stage.name == "商务谈判" and moved.expected_amount == Decimal("300000")


def test_moves_stay_within_open_stages_of_the_pipeline_and_open_opportunities(sales):
    opportunity = _developing(sales)
    elsewhere = Stage.objects.create(pipeline=Pipeline.objects.create(name="其他"), name="x", probability=5)
    for stage in (_stage("赢单"), elsewhere):
        with pytest.raises(ValidationFailed):
            services.opportunity_move(actor=sales.manager, opportunity=opportunity, stage=stage)
    unassigned = services.opportunity_create(actor=sales.supervisor, data=DATA)
    with pytest.raises(IllegalTransition):
        services.opportunity_move(actor=sales.supervisor, opportunity=unassigned, stage=_stage("需求确认"))


def test_won_and_lost_enter_their_stages_with_a_lost_reason(sales):
    won, lost = _developing(sales), _developing(sales)
    services.opportunity_succeed(
        actor=sales.manager, opportunity=won, customer_data={"region": picklist("region")}
    )
    services.opportunity_fail(actor=sales.manager, opportunity=lost, lost_reason=picklist("lost_reason", "price"))
    won.refresh_from_db()
    lost.refresh_from_db()
    assert (won.stage.kind, won.probability) == (StageKind.WON, 100)
    assert (lost.stage.kind, lost.probability, lost.lost_reason.value) == (StageKind.LOST, 0, "price")
    with pytest.raises(ValidationFailed):
        services.opportunity_fail(actor=sales.manager, opportunity=_developing(sales), lost_reason=picklist("region"))


def test_priority_is_computed_from_intent_budget_and_urgency(sales):
    assert priority_score(3, 3, 3) == 100 and priority_score(None, None, None) == 0
    assert priority_score(3, 1, 2) == 50 + 10 + 13
    opportunity = _developing(sales, intent=3, budget=2, urgency=1)
    assert opportunity.priority == 50 + 20 + 7
    services.opportunity_update_deal(actor=sales.manager, opportunity=opportunity, data={"urgency": 3})
    opportunity.refresh_from_db()
    assert opportunity.priority == 50 + 20 + 20


def test_the_creator_alone_cannot_change_the_deal_once_assigned(sales):
    opportunity = services.opportunity_create(actor=sales.colleague, data=DATA)
    services.opportunity_assign(actor=sales.supervisor, opportunity=opportunity, owner=sales.manager)
    with pytest.raises(Exception) as caught:
        services.opportunity_update_deal(actor=sales.colleague, opportunity=opportunity, data={"intent": 3})
    assert caught.value.code == "permission_denied"


def test_the_board_columns_totals_and_scope(sales):
    pipeline = Pipeline.objects.get(is_default=True)
    mine = _developing(sales, expected_amount=Decimal("100000"))
    services.opportunity_move(actor=sales.manager, opportunity=mine, stage=_stage("方案报价"))
    _developing(sales, expected_amount=Decimal("50000"))
    theirs = services.opportunity_create(actor=sales.other, data=DATA)  # unassigned: not on the board
    columns = {column.stage.name: column for column in board.board(user=sales.manager, pipeline=pipeline)}
    assert columns["方案报价"].count == 1 and columns["方案报价"].weighted == Decimal("50000")
    assert columns["初步接洽"].count == 1 and columns["初步接洽"].total == Decimal("50000")
    assert theirs.pk not in {card.pk for column in columns.values() for card in column.cards}
    assert sum(column.count for column in board.board(user=sales.other, pipeline=pipeline)) == 0


def test_the_board_is_a_fixed_number_of_queries(sales):
    pipeline = Pipeline.objects.get(is_default=True)
    for _index in range(3):
        _developing(sales)
    fresh = User.objects.select_related("department")
    viewer = fresh.get(pk=sales.supervisor.pk)
    with CaptureQueriesContext(connection) as few:
        board.board(user=viewer, pipeline=pipeline)
    for _index in range(12):
        _developing(sales, owner=sales.colleague)
    viewer = fresh.get(pk=sales.supervisor.pk)
    with CaptureQueriesContext(connection) as many:
        columns = board.board(user=viewer, pipeline=pipeline)
    # the engine's roles and shares, then the stages, the totals and one query of cards per stage
    stages = pipeline.stages.count()
    assert len(few.captured_queries) == len(many.captured_queries) <= 8 + stages
    assert sum(len(column.cards) for column in columns) == 15
    per_stage = board.board(user=viewer, pipeline=pipeline, rank_below=0)  # as when many are in sight
    assert [[card.pk for card in column.cards] for column in per_stage] == [
        [card.pk for card in column.cards] for column in columns
    ]


def test_the_forecast_weighs_by_probability_by_month_and_person(sales):
    month = timezone.localdate().replace(day=15)
    first = _developing(sales, expected_amount=Decimal("100000"), expected_close=month)
    services.opportunity_move(actor=sales.manager, opportunity=first, stage=_stage("方案报价"))  # 50 %
    _developing(sales, owner=sales.colleague, expected_amount=Decimal("40000"), expected_close=month)  # 20 %
    result = board.forecast(user=sales.supervisor)
    lines = {line["name"]: line for line in result["lines"]}
    assert lines["刘洋"]["weighted"] == Decimal("50000") and lines["周杰"]["weighted"] == Decimal("8000")
    assert result["grand"] == Decimal("58000")
    assert {line["name"] for line in board.forecast(user=sales.manager)["lines"]} == {"刘洋"}
    by_team = board.forecast(user=sales.supervisor, group="department")
    assert [line["name"] for line in by_team["lines"]] == ["销售一部"]


# --- pages -------------------------------------------------------------------------------------------------
def test_the_board_page_and_moves_by_htmx(client, sales):
    opportunity = _developing(sales)
    client.force_login(sales.manager)
    page = client.get(reverse("opportunities:board")).content.decode()
    assert f'data-number="{opportunity.number}"' in page and "商务谈判" in page
    url = reverse("opportunities:move", args=[opportunity.pk])
    moved = client.post(url, {"stage": _stage("需求确认").pk}, **HTMX)
    assert moved.status_code == 204 and "crm:saved" in moved["HX-Trigger"]
    asked = client.post(url, {"stage": _stage("商务谈判").pk}, **HTMX)
    assert asked.status_code == 200 and asked["HX-Retarget"] == "#app-modal-body"
    assert 'name="expected_amount"' in asked.content.decode() and 'name="intent"' not in asked.content.decode()
    filled = {"stage": _stage("商务谈判").pk, "asked": "1", "expected_amount": "1000", "expected_close": "2027-01-05"}
    done = client.post(url, filled, **HTMX)
    assert done.status_code == 204
    opportunity.refresh_from_db()
    assert opportunity.stage.name == "商务谈判"
    won = client.post(url, {"stage": _stage("赢单").pk}, **HTMX)
    assert 'name="region"' in won.content.decode() and won["HX-Retarget"] == "#app-modal-body"


def test_a_refused_move_says_why(client, sales):
    opportunity = _developing(sales)
    services.opportunity_fail(actor=sales.manager, opportunity=opportunity)
    client.force_login(sales.manager)
    url = reverse("opportunities:move", args=[opportunity.pk])
    refused = client.post(url, {"stage": _stage("需求确认").pk}, **HTMX)
    assert refused.status_code == 204 and "crm:refused" in refused["HX-Trigger"]


def test_forecast_page(client, sales):
    _developing(sales, expected_amount=Decimal("100000"), expected_close=timezone.localdate())
    client.force_login(sales.supervisor)
    page = client.get(reverse("opportunities:forecast")).content.decode()
    assert "刘洋" in page and "20,000" in page
    assert client.get(reverse("opportunities:forecast"), {"group": "department"}).status_code == 200


def test_the_api_moves_and_edits_the_deal(sales):
    from crm.testing import api_client, api_error

    opportunity = _developing(sales)
    api = api_client(sales.manager)
    url = f"/api/v1/opportunities/{opportunity.pk}/"
    missing = api_error(api.post(f"{url}move/", {"stage": _stage("方案报价").pk}, format="json"), 400)
    assert missing["details"]["missing"] == ["expected_amount"]
    changed = api.patch(url, {"expected_amount": "88000.00", "intent": 3}, format="json")
    assert changed.status_code == 200 and changed.json()["priority"] == 50
    moved = api.post(f"{url}move/", {"stage": _stage("方案报价").pk}, format="json")
    assert moved.status_code == 200 and moved.json()["stage_name"] == "方案报价" and moved.json()["probability"] == 50
    pipelines = api.get("/api/v1/opportunity-pipelines/").json()["results"]
    assert [stage["name"] for stage in pipelines[0]["stages"]][:2] == ["初步接洽", "需求确认"]
    lost = api.post(f"{url}fail/", {"lost_reason": picklist("lost_reason", "budget").pk}, format="json")
    assert lost.json()["status"] == "lost" and lost.json()["lost_reason"] == picklist("lost_reason", "budget").pk


def test_the_customer_section_links_to_new_opportunities(client, sales):
    customer = make_customer(manager=sales.manager, name="宁波港务集团")
    client.force_login(sales.manager)
    page = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert reverse("opportunities:create") + f"?customer={customer.pk}" in page


def test_tab_counts_are_exact_in_a_scope_and_bounded_for_those_who_see_all(sales):
    from crm.core.pagination import tab_counts
    from crm.opportunities.models import Opportunity
    from crm.opportunities.selectors import VIEWS, view_counts

    for _index in range(3):
        _developing(sales)
    assert view_counts(user=sales.manager)["developing"] == 3  # a scope: one exact GROUP BY
    assert view_counts(user=sales.executive)["developing"] == 3  # all of them: bounded per tab
    bounded = tab_counts(Opportunity.objects.all(), {"developing": VIEWS["developing"]}, cap=2)
    assert bounded == {"developing": None}
