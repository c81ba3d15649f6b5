"""ORG-8 in a real browser (zh-hans): an administrator opens 系统日志, filters by the action
登录 and finds their own login with its address; expands a change to see before → after."""

import re
from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

SHOTS = Path("/tmp/shots")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # login lockout counters and cached settings from earlier tests
    yield
    cache.clear()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_admin_filters_the_log_by_login_and_sees_their_own_login(admin_user, login, page):
    login("admin1")
    page.locator("#sidebar").get_by_role("link", name="系统日志", exact=True).click()
    expect(page.get_by_role("heading", name="系统日志")).to_be_visible()
    page.locator("#id_action").select_option(label="登录")  # the filter form submits on change
    expect(page).to_have_url(re.compile(r"action=login"))
    rows = page.get_by_test_id("audit-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("admin1")
    expect(rows.first).to_contain_text("登录")
    expect(rows.first).to_contain_text("127.0.0.1")
    expect(rows.first).to_contain_text("网页")
    page.get_by_role("link", name="登录日志").click()
    expect(page).to_have_url(re.compile(r"category=logins"))
    expect(page.get_by_test_id("audit-row").first).to_contain_text("admin1")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_change_opens_to_show_before_and_after(admin_user, login, page, live_server):
    from crm.console.services import system_settings_update

    system_settings_update(actor=admin_user, data={"name": "旧的名字"})
    system_settings_update(actor=admin_user, data={"name": "新的名字"})
    login("admin1")
    page.goto(f"{live_server.url}/audit/?category=changes")
    row = page.get_by_test_id("audit-row").first
    expect(row).to_contain_text("修改")
    changes = page.get_by_test_id("audit-changes").first
    expect(changes).to_be_hidden()
    row.get_by_role("button", name=re.compile("1 个字段")).click()
    expect(changes).to_be_visible()
    expect(changes).to_contain_text("旧的名字")
    expect(changes).to_contain_text("新的名字")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "audit-1366-list.png"), full_page=True)
    row.get_by_role("link", name="详情").click()
    expect(page.get_by_role("heading", name=re.compile("日志详情"))).to_be_visible()
    expect(page.get_by_test_id("audit-changes")).to_contain_text("新的名字")
    page.screenshot(path=str(SHOTS / "audit-1366-detail.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_log_works_at_phone_width(admin_user, login, page, live_server):
    page.set_viewport_size({"width": 375, "height": 760})
    login("admin1")
    page.goto(f"{live_server.url}/audit/")
    expect(page.get_by_test_id("audit-row").first).to_be_visible()
    page.screenshot(path=str(SHOTS / "audit-375-list.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
