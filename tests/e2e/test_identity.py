"""Organisation in the browser (ORG-1, ORG-2): departments, users, login, disabling.

The UI language is zh-hans; every label is matched in Chinese.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from crm.identity.models import Department, User, UserStatus

PASSWORD = "Xq7!parrot-lamp"


def label(chinese: str, english: str) -> re.Pattern:
    """The zh-hans label (the English one is kept beside it for readers of the test)."""
    # Not anchored at the start: an icon's glyph may lead the accessible name.
    return re.compile(rf"{re.escape(chinese)}\s*$")


def log_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name=label("登录", "Log in")).click()


def log_out(page: Page) -> None:
    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name=label("退出登录", "Log out")).click()
    expect(page).to_have_url(re.compile(r"/login/"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_admin_builds_a_team_creates_a_user_who_logs_in_then_disables_them(page: Page, live_server, admin_user, org):
    base = live_server.url
    log_in(page, base, "admin1", "crm-demo")
    expect(page.get_by_test_id("user-menu")).to_contain_text("admin1")

    # A new department 销售三部 under 上海分公司.
    page.locator("#sidebar").get_by_role("link", name=label("部门管理", "Departments")).click()
    expect(page.get_by_test_id("department-tree")).to_be_visible()
    page.locator('tr[data-department="上海分公司"]').locator("a[href*='parent=']").click()
    expect(page.locator("#id_parent")).to_have_value(str(org.shanghai.pk))
    page.locator("#id_name").fill("销售三部")
    page.get_by_role("button", name=label("保存", "Save")).click()
    row = page.locator('tr[data-department="销售三部"]')
    expect(row).to_be_visible()
    expect(row).to_have_attribute("data-depth", "3")
    team = Department.objects.get(name="销售三部")
    assert team.parent_id == org.shanghai.pk

    # A user in it with the role 客户经理.
    page.locator("#sidebar").get_by_role("link", name=label("用户管理", "Users")).click()
    page.get_by_role("link", name=label("新建用户", "New user")).click()
    page.locator("#id_username").fill("zhaoliu")
    page.locator("#id_name").fill("赵六")
    page.locator("#id_phone").fill("13955556666")
    page.locator("#id_department").select_option(label="\u3000" * 3 + "销售三部")
    page.get_by_label("客户经理").check()
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name=label("保存", "Save")).click()
    expect(page.locator('tr[data-username="zhaoliu"]')).to_contain_text("销售三部")
    expect(page.locator('tr[data-username="zhaoliu"]')).to_contain_text("客户经理")
    log_out(page)

    # The new user logs in.
    log_in(page, base, "zhaoliu", PASSWORD)
    expect(page).not_to_have_url(re.compile(r"/login/"))
    expect(page.get_by_test_id("user-menu")).to_contain_text("赵六")
    log_out(page)

    # The administrator disables the account; the user can no longer log in.
    log_in(page, base, "admin1", "crm-demo")
    page.locator("#sidebar").get_by_role("link", name=label("用户管理", "Users")).click()
    page.locator('tr[data-username="zhaoliu"]').get_by_role("link", name="zhaoliu").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("disable").click()
    expect(page.get_by_test_id("enable")).to_be_visible()
    assert User.objects.get(username="zhaoliu").status == UserStatus.DISABLED
    log_out(page)

    log_in(page, base, "zhaoliu", PASSWORD)
    expect(page).to_have_url(re.compile(r"/login/"))
    expect(page.locator(".alert-danger")).to_be_visible()
