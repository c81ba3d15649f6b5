"""The running totals of the developing opportunities (ADR 0021): the trigger keeps them equal to
the rows' sums through every kind of write (the services, the stale job, a bulk UPDATE, a raw
DELETE), and the board and the forecast of someone who sees everything read them. PostgreSQL
only: SQLite installations sum the rows."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, Sum
from django.utils import timezone

from crm.customers.testing import picklist
from crm.opportunities import board, open_totals, services, stale
from crm.opportunities.models import OpenTotal, Opportunity, OpportunityStatus, Pipeline, Stage, StaleAction

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")

DATA = {"customer_name": "客户", "probability": 20, "summary": "概要", "description": "描述"}


def _developing(sales, owner, amount, close_in_days):
    opportunity = services.opportunity_create(actor=sales.supervisor, data=DATA)
    opportunity = services.opportunity_assign(actor=sales.supervisor, opportunity=opportunity, owner=owner)
    close = timezone.localdate() + datetime.timedelta(close_in_days)
    deal = {"expected_amount": Decimal(amount), "expected_close": close}
    return services.opportunity_update_deal(actor=sales.supervisor, opportunity=opportunity, data=deal)


def _from_rows():
    """What the totals must say, summed from the rows."""
    rows = (
        Opportunity.objects.filter(status=OpportunityStatus.DEVELOPING)
        .values("pipeline_id", "stage_id", "owner_id")
        .annotate(n=Count("id"), amount=Sum("expected_amount"))
    )
    return {(r["pipeline_id"], r["stage_id"], r["owner_id"]): (r["n"], r["amount"] or 0) for r in rows}


def _from_totals():
    rows = (
        OpenTotal.objects.filter(n__gt=0)
        .values("pipeline_id", "stage_id", "owner_id")
        .annotate(n=Sum("n"), amount=Sum("amount"))
    )
    assert not OpenTotal.objects.filter(n__lt=0).exists()
    return {(r["pipeline_id"], r["stage_id"], r["owner_id"]): (r["n"], r["amount"]) for r in rows}


def test_the_totals_follow_every_kind_of_write(sales):
    stages = {stage.name: stage for stage in Stage.objects.filter(pipeline__is_default=True)}
    first = _developing(sales, sales.manager, "100000", 10)
    second = _developing(sales, sales.manager, "50000", 40)
    third = _developing(sales, sales.colleague, "30000", 70)
    lost = _developing(sales, sales.colleague, "9999", 5)
    won = _developing(sales, sales.manager, "12345.67", 5)
    assert _from_totals() == _from_rows()
    services.opportunity_move(actor=sales.manager, opportunity=first, stage=stages["方案报价"])
    services.opportunity_update_deal(actor=sales.manager, opportunity=second, data={"expected_amount": Decimal(7)})
    services.opportunity_assign(actor=sales.supervisor, opportunity=third, owner=sales.manager)
    services.opportunity_fail(actor=sales.colleague, opportunity=lost)
    services.opportunity_succeed(actor=sales.manager, opportunity=won, customer_data={"region": picklist("region")})
    Opportunity.objects.filter(pk=second.pk).update(last_activity_at=timezone.now())  # a touch: no change
    Opportunity.objects.filter(owner=sales.manager).update(probability=35)  # a bulk UPDATE
    assert _from_totals() == _from_rows()
    Pipeline.objects.filter(is_default=True).update(stale_inactive_days=1, stale_action=StaleAction.LOSE)
    Opportunity.objects.filter(pk=second.pk).update(last_activity_at=timezone.now() - datetime.timedelta(days=5))
    assert stale.stale_run()["lost"] == 1
    Opportunity.objects.filter(pk=third.pk).delete()  # a raw DELETE of a developing one
    assert _from_totals() == _from_rows() and sum(n for n, _ in _from_rows().values()) == 1


def test_the_executive_reads_the_same_board_and_forecast_as_the_rows_say(sales):
    for index in range(6):
        owner = sales.manager if index % 2 else sales.colleague
        _developing(sales, owner, f"{(index + 1) * 1000}.50", 20 * index)
    pipeline = Pipeline.objects.get(is_default=True)
    executive = sales.executive
    assert open_totals.usable(executive) and not open_totals.usable(sales.manager)
    assert not open_totals.usable(executive, {"tag": 1})  # the totals know no tags: the rows answer
    columns = {column.stage.pk: column for column in board.board(user=executive, pipeline=pipeline)}
    expected = board._sums(board.board_queryset(user=executive, pipeline=pipeline, filters={}))
    for stage_id, row in expected.items():
        column = columns[stage_id]
        assert (column.count, column.total) == (row["n"], row["total"])
        assert column.weighted == row["weighted"].quantize(Decimal("0.01"))
    team = board.board(user=executive, pipeline=pipeline, filters={"department": sales.manager.department})
    assert sum(column.count for column in team) == 6
    mine = board.board(user=executive, pipeline=pipeline, filters={"owner": sales.manager.pk})
    assert sum(column.count for column in mine) == 3

    table = board.forecast(user=executive, group="owner")
    weighted = {line["name"]: line["weighted"] for line in table["lines"]}
    start = timezone.localdate().replace(day=1)
    for owner in (sales.manager, sales.colleague):
        rows = Opportunity.objects.filter(
            owner=owner, status=OpportunityStatus.DEVELOPING, expected_close__gte=start,
            expected_close__lt=table["months"][-1] + datetime.timedelta(days=31),
        )
        want = sum((o.expected_amount * o.probability / 100 for o in rows), Decimal(0))
        assert weighted[owner.name] == want.quantize(Decimal("0.01"))
    teams = board.forecast(user=executive, group="department")
    assert [line["name"] for line in teams["lines"]] == [sales.manager.department.name]
    assert teams["grand"] == table["grand"]
