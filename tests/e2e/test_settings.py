"""s001 系统配置 in a real browser (zh-hans): an administrator renames the system and sees the new
name in the top bar at once; global search shows its hint and its empty state."""

import re
from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

SHOTS = Path("/tmp/shots")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # the system settings row is cached
    yield
    cache.clear()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_admin_renames_the_system_and_sees_it_in_the_top_bar(admin_user, login, page):
    login("admin1")
    page.locator("#sidebar").get_by_role("link", name="系统设置", exact=True).click()
    expect(page.get_by_role("heading", name="系统设置")).to_be_visible()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "settings-1366.png"), full_page=True)
    page.get_by_label("系统名称").fill("星河客户管理")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("设置已保存。")).to_be_visible()
    expect(page.locator(".navbar-brand")).to_contain_text("星河客户管理")
    expect(page).to_have_title(re.compile("星河客户管理"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_settings_and_search_at_phone_width(admin_user, login, page, live_server):
    page.set_viewport_size({"width": 375, "height": 760})
    login("admin1")
    page.goto(f"{live_server.url}/settings/")
    expect(page.get_by_label("系统名称")).to_be_visible()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "settings-375.png"), full_page=True)
    page.goto(f"{live_server.url}/search/")
    expect(page.get_by_test_id("search-hint")).to_be_visible()
    page.goto(f"{live_server.url}/search/?q=不存在的客户")
    expect(page.get_by_test_id("search-empty")).to_contain_text("不存在的客户")
    page.screenshot(path=str(SHOTS / "search-375-empty.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
