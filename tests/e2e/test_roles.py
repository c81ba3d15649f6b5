"""Roles and permissions in a real browser (ORG-3, ORG-5): the administrator edits the built-in
客户经理 role from the sidebar, changes a function permission and a field rule, and finds them
saved after a reload."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from crm.access.models import FieldRule, Role

SHOTS = Path("/tmp/shots")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_admin_edits_the_account_manager_role(demo_company, login, page):
    manager = Role.objects.get(code="manager")
    assert manager.permissions.filter(code="identity.department.view").exists()

    login("admin")
    page.locator("#sidebar").get_by_role("link", name="角色与权限").click()
    roles = page.get_by_test_id("role-table")
    expect(roles).to_contain_text("客户经理")
    roles.get_by_role("link", name="客户经理", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("客户经理")

    department_view = page.locator("#fn-identity-department-view")
    expect(department_view).to_be_checked()
    department_view.uncheck()
    phone_rule = page.locator('select[name="rule:identity.user:phone"]')
    expect(phone_rule).to_have_value("")
    phone_rule.select_option("masked")
    page.locator(".access-savebar").get_by_role("button").first.click()

    success = page.locator(".alert-success")
    expect(success).to_be_visible()
    expect(success).to_contain_text("客户经理")
    page.reload()
    expect(page.locator("#fn-identity-department-view")).not_to_be_checked()
    expect(page.locator("#fn-identity-user-view")).to_be_checked()
    expect(page.locator('select[name="rule:identity.user:phone"]')).to_have_value("masked")

    assert not manager.permissions.filter(code="identity.department.view").exists()
    assert FieldRule.objects.filter(role=manager, resource="identity.user", field="phone", rule="masked").exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_select_a_whole_row_without_inline_script(demo_company, login, page, live_server):
    """The row checkbox (from access.js, a static file) ticks every action of a resource."""
    login("admin")
    role = Role.objects.get(code="marketing")
    page.goto(f"{live_server.url}/access/roles/{role.pk}/")
    row = page.locator('tr[data-function-row="identity.department"]')
    boxes = row.locator('input[name="functions"]')
    toggle = row.locator("[data-row-toggle]")
    expect(toggle).to_be_visible()
    toggle.check()
    for i in range(boxes.count()):
        expect(boxes.nth(i)).to_be_checked()
    boxes.first.uncheck()
    expect(toggle).not_to_be_checked()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_screenshots_of_the_role_pages(demo_company, login, page, live_server):
    SHOTS.mkdir(exist_ok=True)
    login("admin")
    manager = Role.objects.get(code="manager")
    for width, height in ((1366, 860), (375, 760)):
        page.set_viewport_size({"width": width, "height": height})
        for name, path in (
            ("roles", "/access/"),
            ("role-edit", f"/access/roles/{manager.pk}/"),
            ("role-create", "/access/roles/new/"),
        ):
            page.goto(f"{live_server.url}{path}")
            page.screenshot(path=str(SHOTS / f"access-{name}-{width}.png"), full_page=True)
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{path} is wider than the screen at {width}px"
