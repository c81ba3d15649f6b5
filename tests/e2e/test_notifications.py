"""s002 消息中心 in a real browser (zh-hans): the bell counts unread notifications, the inbox marks
one read in place (htmx) or all at once, and the workbench shows the latest unread ones."""

import re
from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

SHOTS = Path("/tmp/shots")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def xiaowang(org, make_user):
    from crm.notifications.services import notify

    user = make_user("xiaowang", role="manager", department=org.sales1, name="小王")
    notify(recipients=[user], title="新客户“华为”分配给你", body="请在三天内完成首次跟进。", link="/profile/")
    notify(recipients=[user], title="服务单待处理", body="客户投诉：发票开错。")
    return user


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_bell_counts_two_and_mark_all_read_clears_it(xiaowang, login, page):
    login("xiaowang")
    expect(page.get_by_test_id("unread-count")).to_have_text("2")
    panel = page.get_by_test_id("panel-notifications")  # the workbench after login
    expect(panel).to_contain_text("服务单待处理")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "notifications-1366-workbench.png"), full_page=True)
    page.get_by_test_id("bell").click()
    expect(page.get_by_role("heading", name="消息通知")).to_be_visible()
    expect(page.locator(".app-unread")).to_have_count(2)
    page.screenshot(path=str(SHOTS / "notifications-1366-inbox.png"), full_page=True)
    page.get_by_role("button", name="全部标为已读").click()
    expect(page.get_by_text("已将 2 条消息标为已读。")).to_be_visible()
    expect(page.get_by_test_id("unread-count")).to_have_count(0)
    expect(page.locator(".app-unread")).to_have_count(0)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_mark_one_read_in_place_and_open_a_link(xiaowang, login, page, live_server):
    login("xiaowang")
    page.goto(f"{live_server.url}/notifications/")
    row = page.get_by_test_id("notification").filter(has_text="服务单待处理")
    row.get_by_role("button", name="标为已读").click()
    expect(row).not_to_have_class(re.compile("app-unread"))
    expect(page.get_by_test_id("unread-count")).to_have_text("1")  # the bell, swapped out of band
    expect(page).to_have_url(re.compile(r"/notifications/$"))  # no page load: htmx
    page.get_by_role("link", name="新客户“华为”分配给你").click()
    expect(page).to_have_url(re.compile(r"/profile/$"))
    expect(page.get_by_test_id("unread-count")).to_have_count(0)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_inbox_and_workbench_at_phone_width(xiaowang, login, page, live_server):
    page.set_viewport_size({"width": 375, "height": 760})
    login("xiaowang")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "notifications-375-workbench.png"), full_page=True)
    page.goto(f"{live_server.url}/notifications/")
    expect(page.get_by_test_id("notification")).to_have_count(2)
    page.screenshot(path=str(SHOTS / "notifications-375-inbox.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
