"""The UI shell in a real browser (issue 2 "done means"): each demo role logs in, sees only the
modules it may use, switches language; the layout works at phone width."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

SHOTS = Path("/tmp/shots")

# Sidebar entries each demo role must (and must not) see, by their zh-hans labels.
SYSTEM_ENTRIES = ["用户管理", "部门管理", "角色与权限", "数据字典", "系统日志", "后台任务", "系统设置"]
EXPECTED = {
    "admin": {"see": SYSTEM_ENTRIES, "not": []},
    "executive": {"see": ["用户管理", "部门管理"], "not": ["角色与权限", "系统日志", "后台任务", "系统设置"]},
    "supervisor": {"see": ["工作台"], "not": ["角色与权限", "系统日志", "后台任务", "系统设置"]},
    "manager": {"see": ["工作台", "消息通知"], "not": ["角色与权限", "系统日志", "后台任务", "系统设置"]},
    "service": {"see": ["工作台"], "not": ["角色与权限", "系统日志", "系统设置"]},
    "marketing": {"see": ["工作台"], "not": ["角色与权限", "系统日志", "系统设置"]},
}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_each_demo_role_sees_only_its_modules(demo_company, login, page, username):
    login(username)
    sidebar = page.locator("#sidebar")
    expect(sidebar).to_be_visible()
    for label in EXPECTED[username]["see"]:
        expect(sidebar.get_by_role("link", name=label, exact=True)).to_be_visible()
    for label in EXPECTED[username]["not"]:
        expect(sidebar.get_by_role("link", name=label, exact=True)).to_have_count(0)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_blocked_page_is_403_and_an_unknown_record_404(demo_company, login, page, live_server):
    login("manager")
    response = page.goto(f"{live_server.url}/access/")
    assert response.status == 403
    expect(page.get_by_text("您没有执行此操作的权限")).to_be_visible()
    response = page.goto(f"{live_server.url}/scoped/999999/")
    assert response.status == 404


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_switching_language_changes_the_whole_page(demo_company, login, page):
    login("admin")
    expect(page.locator("#sidebar")).to_contain_text("工作台")
    page.get_by_test_id("language-menu").click()
    page.get_by_role("button", name="English").click()
    expect(page.locator("#sidebar")).to_contain_text("Workbench")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_test_id("language-menu").click()
    page.get_by_role("button", name="简体中文").click()
    expect(page.locator("#sidebar")).to_contain_text("工作台")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_wrong_password_shows_a_chinese_error_and_logout_works(demo_company, login, page, live_server):
    login("manager", "wrong-password")
    expect(page.get_by_text("用户名或密码错误")).to_be_visible()
    login("manager")
    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="退出登录").click()
    expect(page).to_have_url(re.compile(r"/login/"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_phone_width_menu_opens_off_canvas(demo_company, login, page):
    page.set_viewport_size({"width": 375, "height": 760})
    login("admin")
    sidebar = page.locator("#sidebar")
    expect(sidebar).not_to_be_visible()
    page.get_by_role("button", name="菜单").click()
    expect(sidebar.get_by_role("link", name="用户管理", exact=True)).to_be_visible()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "shell-375-menu.png"))
    # nothing sticks out sideways at phone width
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_desktop_screenshots_of_the_shell(demo_company, login, page, live_server):
    login("admin")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "shell-1366-home.png"), full_page=True)
    page.goto(f"{live_server.url}/profile/")
    expect(page.get_by_role("heading", name="我的资料")).to_be_visible()
    page.screenshot(path=str(SHOTS / "shell-1366-profile.png"), full_page=True)
