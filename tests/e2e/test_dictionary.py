"""The data dictionary in a real browser (DICT-1, s003/5 §3.5.1): an administrator filters a
category, adds, edits and deletes an item; locked items offer no edit button."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

SHOTS = Path("/tmp/shots")


@pytest.fixture
def seeded(transactional_db):
    """Data-migration seeds do not survive the flush between transactional tests: seed again."""
    from crm.dictionary.models import DictionaryItem, Region
    from crm.dictionary.seeding import seed_items, seed_regions

    seed_items(DictionaryItem)
    seed_regions(Region)


def _row(page, entry: str):
    return page.get_by_test_id("item-row").filter(has=page.get_by_text(entry, exact=True))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_admin_adds_edits_and_deletes_an_item(seeded, admin_user, login, page, live_server):
    login(admin_user.username)
    page.locator("#sidebar").get_by_role("link", name="数据字典").click()
    expect(page.get_by_role("heading", name="数据字典")).to_be_visible()

    page.get_by_test_id("category-filter").select_option(label="客户等级")
    expect(page).to_have_url(re.compile(r"category=customer_level"))
    expect(page.get_by_test_id("item-row")).to_have_count(5)

    page.get_by_role("link", name="新建条目").click()
    expect(page.get_by_label("类别")).to_have_value("customer_level")
    page.get_by_label("条目").fill("潜在客户")
    page.get_by_label(re.compile(r"^值")).fill("6")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已添加数据字典项“潜在客户”。")).to_be_visible()
    expect(_row(page, "潜在客户")).to_have_count(1)

    _row(page, "潜在客户").get_by_role("link", name="编辑").click()
    expect(page.get_by_role("heading", name="编辑数据字典项")).to_be_visible()
    page.get_by_label("条目").fill("意向客户")
    page.get_by_role("button", name="保存").click()
    expect(_row(page, "意向客户")).to_have_count(1)
    expect(_row(page, "潜在客户")).to_have_count(0)

    page.get_by_test_id("category-filter").select_option(label="服务类型")
    expect(page).to_have_url(re.compile(r"category=service_type"))
    complaint = _row(page, "投诉")
    expect(complaint).to_have_count(1)
    expect(complaint.get_by_role("link", name="编辑")).to_have_count(0)
    expect(complaint.get_by_role("button", name="删除")).to_have_count(0)
    expect(complaint).to_contain_text("仅查看")

    page.get_by_test_id("category-filter").select_option(label="客户等级")
    expect(page).to_have_url(re.compile(r"category=customer_level"))
    dialogs = []

    def accept(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    _row(page, "意向客户").get_by_role("button", name="删除").click()
    expect(page.get_by_text("已删除数据字典项“意向客户”。")).to_be_visible()
    expect(_row(page, "意向客户")).to_have_count(0)
    assert dialogs and "意向客户" in dialogs[0]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_dismissing_the_confirmation_keeps_the_item(seeded, admin_user, login, page, live_server):
    login(admin_user.username)
    page.goto(f"{live_server.url}/dictionary/?category=followup_method")
    page.once("dialog", lambda dialog: dialog.dismiss())
    _row(page, "微信").get_by_role("button", name="删除").click()
    page.wait_for_timeout(300)
    expect(_row(page, "微信")).to_have_count(1)
    page.reload()
    expect(_row(page, "微信")).to_have_count(1)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_regions_page_and_screenshots(seeded, admin_user, login, page, live_server):
    SHOTS.mkdir(exist_ok=True)
    login(admin_user.username)
    page.goto(f"{live_server.url}/dictionary/")
    page.screenshot(path=str(SHOTS / "dictionary-1366-list.png"), full_page=True)
    page.goto(f"{live_server.url}/dictionary/new/?category=industry")
    page.screenshot(path=str(SHOTS / "dictionary-1366-form.png"), full_page=True)

    page.goto(f"{live_server.url}/dictionary/")
    page.get_by_role("link", name="省市数据").click()
    guangdong = page.get_by_role("button", name=re.compile("广东省"))
    expect(page.get_by_text("深圳市")).to_be_hidden()
    guangdong.click()
    expect(page.get_by_text("深圳市")).to_be_visible()
    page.screenshot(path=str(SHOTS / "dictionary-1366-regions.png"), full_page=True)

    page.set_viewport_size({"width": 375, "height": 760})
    page.goto(f"{live_server.url}/dictionary/?category=customer_level")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    page.screenshot(path=str(SHOTS / "dictionary-375-list.png"), full_page=True)
    page.goto(f"{live_server.url}/dictionary/regions/")
    page.screenshot(path=str(SHOTS / "dictionary-375-regions.png"), full_page=True)
    page.goto(f"{live_server.url}/dictionary/new/")
    page.screenshot(path=str(SHOTS / "dictionary-375-form.png"), full_page=True)
