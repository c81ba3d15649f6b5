"""The pipeline board in a real browser, in zh-hans (OPP-9): drag a card to the next stage; drag
it to a stage that requires the expected amount, which a dialog asks for; move it back with the
stage picker on the card (the keyboard's way). Screenshots at desktop and phone width."""

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from crm.opportunities import services
from crm.opportunities.models import Opportunity
from crm.opportunities.seeding import seed_all
from crm.testing import make_user, screenshots


def _column(page, name):
    return page.locator(f'[data-testid="board-column"][data-stage="{name}"]')


def _box(locator) -> dict:
    """Where an element is, once it is on the page: the board may be swapping in its columns again
    (it reloads after every move), when an element has no box for a moment."""
    for _attempt in range(20):
        expect(locator).to_be_visible()
        box = locator.bounding_box()
        if box is not None:
            return box
        locator.page.wait_for_timeout(100)
    raise AssertionError(f"{locator} has no box")


def _drag(page, card, column) -> None:
    """Press, move in steps (Sortable follows the pointer), release over the column's cards; wait
    for the server's answer. On a loaded machine a drag started while the board was still
    swapping its columns in is lost (no move is sent): the hand then drags again, once."""
    for attempt in (1, 2):
        start, end = _box(card.get_by_test_id("card-summary")), _box(column.locator("[data-stage-column]"))
        page.mouse.move(start["x"] + 20, start["y"] + 5)
        page.mouse.down()
        for step in range(1, 11):
            page.mouse.move(
                start["x"] + 20 + (end["x"] + 40 - start["x"] - 20) * step / 10,
                start["y"] + 5 + (end["y"] + 30 - start["y"] - 5) * step / 10,
            )
        for wiggle in (1, 2, 3):  # settle over the drop place, as a hand does
            page.mouse.move(end["x"] + 40 + wiggle, end["y"] + 30)
            page.wait_for_timeout(50)
        try:
            with page.expect_response(lambda response: "/move/" in response.url, timeout=10_000):
                page.mouse.up()
            break
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise
            page.wait_for_load_state("networkidle")
    page.wait_for_load_state("networkidle")  # and the board reloaded from the server


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_drag_and_drop_on_the_board(org, login, page, live_server):
    seed_all()
    supervisor = make_user("supervisor", role="supervisor", department=org.shanghai, name="张伟")
    manager = make_user("manager", role="manager", department=org.sales1, name="刘洋", superior=supervisor)
    data = {"customer_name": "宁波北仑港物流有限公司", "probability": 10, "summary": "运输调度", "description": "展会"}
    opportunity = services.opportunity_create(actor=supervisor, data=data)
    services.opportunity_assign(actor=supervisor, opportunity=opportunity, owner=manager)

    login("manager")
    page.get_by_role("link", name="商机看板").click()
    card = page.get_by_test_id("board-card").filter(has_text="宁波北仑港物流")
    expect(card).to_have_count(1)
    page.wait_for_load_state("networkidle")
    _drag(page, card, _column(page, "需求确认"))
    expect(_column(page, "需求确认").get_by_test_id("board-card")).to_have_count(1)
    assert Opportunity.objects.get().stage.name == "需求确认"

    card = _column(page, "需求确认").get_by_test_id("board-card")
    _drag(page, card, _column(page, "方案报价"))
    dialog = page.get_by_test_id("dialog-form")
    expect(dialog).to_contain_text("进入这个阶段前需要先填写以下信息")
    dialog.get_by_label("预计金额（元）").fill("120000")
    dialog.get_by_test_id("dialog-save").click()
    column = _column(page, "方案报价")
    expect(column.get_by_test_id("board-card")).to_have_count(1)
    expect(column.get_by_test_id("column-totals")).to_contain_text("¥120,000")
    opportunity = Opportunity.objects.get()
    assert (opportunity.stage.name, opportunity.probability, opportunity.expected_amount) == ("方案报价", 50, 120000)
    expect(page.locator(".modal-backdrop")).to_have_count(0)  # the dialog is gone, not just hidden
    screenshots(page, "board")

    page.wait_for_load_state("networkidle")  # the board has reloaded after the dialog
    with page.expect_response(lambda response: "/move/" in response.url):
        column.get_by_test_id("card-stage").select_option(label="需求确认")
    expect(_column(page, "需求确认").get_by_test_id("board-card")).to_have_count(1)
    assert Opportunity.objects.get().stage.name == "需求确认"
