"""Customer settings in a real browser, in zh-hans: an administrator sets up a public pool (CUS-13),
a tag (CUS-15) and a custom field (CUS-14), sees the field on the new-customer form, and switches
the same-name duplicate rule to block (CUS-8); screenshots of every tab at desktop and phone."""

import re
from pathlib import Path

import pytest
from django.utils import translation
from playwright.sync_api import expect

from crm.customers.models import CustomerKey, CustomField, DuplicateRule, Pool, Tag
from crm.customers.testing import make_customer
from crm.testing import make_user

SHOTS = Path("/tmp/shots")


def zh(text: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(text)


def _shots(page, name: str) -> None:
    """Desktop and phone screenshots; on the phone nothing may stick out sideways."""
    SHOTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1366, "height": 860})
    page.screenshot(path=str(SHOTS / f"customer-settings-{name}-1366.png"), full_page=True)
    page.set_viewport_size({"width": 375, "height": 812})
    page.wait_for_timeout(100)
    page.screenshot(path=str(SHOTS / f"customer-settings-{name}-375.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    offenders = page.evaluate(
        "Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > "
        "window.innerWidth + 0.5).slice(0, 5).map(e => e.tagName + '.' + e.className)"
    )
    assert overflow <= 0, f"{name}: {overflow}px wider than the phone: {offenders}"
    page.set_viewport_size({"width": 1366, "height": 860})


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_administrator_sets_up_pool_tag_field_and_blocks_same_names(org, admin_user, login, page, live_server):
    manager = make_user("manager", role="manager", department=org.sales1, name="刘洋")
    first = make_customer(manager=manager, name="北京华信科技有限公司")
    login(admin_user.username)

    page.locator("#sidebar").get_by_role("link", name="客户设置").click()
    expect(page.get_by_role("heading", name="客户设置")).to_be_visible()
    tabs = page.get_by_test_id("settings-tabs")
    expect(tabs.get_by_role("link")).to_have_text(["公海", "标签", "自定义字段", "查重规则", "合同状态"])
    expect(page.get_by_test_id("pool-row")).to_have_count(1)  # the seeded 公共客户池

    # A pool for 华东大区: customers return after 30 days without follow-up; 150 per manager at most.
    page.get_by_role("link", name="新建公海").click()
    form = page.get_by_test_id("pool-form")
    form.get_by_label(re.compile(r"^名称")).fill("华东公海")
    form.get_by_label("服务的部门").select_option([str(org.east.pk)])
    form.get_by_label("未跟进多少天后退回公海").fill("30")
    form.get_by_label("每位客户经理最多拥有的客户数").fill("150")
    _shots(page, "pool-form")
    form.get_by_role("button", name="保存").click()
    expect(page.get_by_text(zh("Pool “%(name)s” created.") % {"name": "华东公海"})).to_be_visible()
    row = page.locator('[data-testid="pool-row"][data-pool="华东公海"]')
    expect(row).to_contain_text("华东大区")
    expect(row.get_by_test_id("pool-count")).to_have_text("0")
    pool = Pool.objects.get(name="华东公海")
    assert (pool.no_followup_days, pool.claim_cap) == (30, 150)
    assert list(pool.departments.values_list("name", flat=True)) == ["华东大区"]
    _shots(page, "pools")

    # A green tag in the group 合作状态.
    tabs.get_by_role("link", name="标签").click()
    page.get_by_role("link", name="新建标签").click()
    form = page.get_by_test_id("tag-form")
    form.get_by_label(re.compile(r"^名称")).fill("长期合作")
    form.get_by_label("分组").fill("合作状态")
    form.get_by_test_id("colour-choice").get_by_label("绿色").check()
    _shots(page, "tag-form")
    form.get_by_role("button", name="保存").click()
    group = page.locator('[data-testid="tag-group"][data-group="合作状态"]')
    expect(group.locator(".badge.text-bg-success")).to_have_text("长期合作")
    assert Tag.objects.get(name="长期合作").color == "success"
    _shots(page, "tags")

    # A number field on customers, then seen on the new-customer form.
    page.get_by_test_id("settings-tabs").get_by_role("link", name="自定义字段").click()
    page.get_by_role("link", name="新建字段").click()
    form = page.get_by_test_id("field-form")
    form.get_by_label(re.compile(r"^名称")).fill("员工人数")
    form.get_by_label(re.compile(r"^键")).fill("employees")
    form.get_by_label(re.compile(r"^类型")).select_option("number")
    form.get_by_label(zh("Help text")).fill("全职员工，含分支机构")
    _shots(page, "field-form")
    form.get_by_role("button", name="保存").click()
    expect(page.locator('[data-testid="field-row"][data-key="employees"]')).to_contain_text("员工人数")
    assert CustomField.objects.get(key="employees").field_type == "number"
    _shots(page, "fields")
    page.get_by_test_id("field-edit").click()
    expect(page.get_by_label(re.compile(r"^键"))).to_be_disabled()
    expect(page.get_by_label(re.compile(r"^类型"))).to_be_disabled()
    page.goto(f"{live_server.url}/customers/new/")
    expect(page.get_by_label("员工人数")).to_be_visible()
    expect(page.get_by_text("全职员工，含分支机构")).to_be_visible()

    # The same name now blocks: the database refuses a second 华信科技.
    page.goto(f"{live_server.url}/customers/settings/")
    page.get_by_test_id("settings-tabs").get_by_role("link", name="查重规则").click()
    help_box = page.get_by_test_id("duplicate-help")
    expect(help_box).to_contain_text(zh("Similar names can only warn: the database cannot enforce a likeness."))
    similar = page.locator('[data-testid="rule"][data-kind="similar_name"]')
    expect(similar.get_by_text("阻止")).to_have_count(0)
    name_rule = page.locator('[data-testid="rule"][data-kind="name"]')
    name_rule.get_by_text("阻止").click()
    _shots(page, "duplicates")
    page.get_by_test_id("rules-save").click()
    expect(page.get_by_text("查重规则已保存。")).to_be_visible()
    expect(name_rule.locator('input[value="block"]')).to_be_checked()
    assert DuplicateRule.objects.get(kind="name").mode == "block"
    assert CustomerKey.objects.get(kind="name", customer=first).enforced
