"""Two flows in the browser, in zh-hans: a user keeps their own profile and password (ORG-2), and an
administrator records an employee's departure, handing their records to a colleague (ORG-7)."""

import re

import pytest
from playwright.sync_api import expect

from crm.audit.models import AuditAction, AuditEvent
from crm.core.tests.scopedapp.models import Record
from crm.identity.models import User, UserStatus


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_user_edits_the_profile_and_changes_the_password(demo_company, login, page):
    login("manager")
    page.get_by_test_id("user-menu").click()
    page.get_by_role("link", name=re.compile("我的资料")).click()
    page.get_by_label("手机号").fill("13912345678")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("您的资料已保存。")).to_be_visible()
    assert User.objects.get(username="manager").phone == "13912345678"

    page.get_by_role("link", name=re.compile("修改密码")).first.click()
    page.locator("#id_old_password").fill("crm-demo")
    page.locator("#id_new_password1").fill("Pine-river-1982")
    page.locator("#id_new_password2").fill("Pine-river-1982")
    page.get_by_role("button", name="修改密码").click()
    expect(page.get_by_text("您的密码已修改。")).to_be_visible()

    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name=re.compile("退出登录")).click()
    login("manager", "crm-demo")
    expect(page.get_by_text("用户名或密码错误")).to_be_visible()
    login("manager", "Pine-river-1982")
    expect(page.locator("#sidebar")).to_contain_text("工作台")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_administrator_records_a_departure_and_the_records_move(demo_company, login, page, live_server):
    leaver = User.objects.get(username="manager")
    successor = User.objects.get(username="zhoujie")
    record = Record.objects.create(name="上海甲公司", owner=leaver)

    login("admin")
    page.goto(f"{live_server.url}/users/{leaver.pk}/depart/")
    expect(page.get_by_role("heading", name=re.compile("员工离职"))).to_be_visible()
    page.get_by_label("交接人").select_option(str(successor.pk))
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=re.compile("确认离职并交接")).click()
    expect(page.get_by_text(re.compile("已离职，已移交给"))).to_be_visible()

    leaver.refresh_from_db()
    record.refresh_from_db()
    assert leaver.status == UserStatus.LEFT
    assert record.owner == successor
    assert AuditEvent.objects.filter(action=AuditAction.DEPART, object_id=str(leaver.pk)).exists()

    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name=re.compile("退出登录")).click()
    login("manager")
    expect(page.get_by_text("用户名或密码错误")).to_be_visible()
