"""Pipeline settings, tags, sharing and failure in a real browser, in zh-hans (OPP-9, OPP-10,
OPP-11): an administrator sets up a team's pipeline with a stage that requires the expected amount
and adds a tag; the supervisor shares a subordinate's opportunity with a colleague; the account
manager tags it, finds it on the board by the tag, and ends it as failed, lost to a competitor.
The lead settings and a region rule (OPP-13). Screenshots at desktop and phone width."""

import pytest
from playwright.sync_api import expect

from crm.access.shares import shares_of
from crm.competitors.services import competitor_create
from crm.leads.models import LeadRegionRule, LeadSettings
from crm.opportunities import pipelines, services
from crm.opportunities.models import Opportunity, OpportunityStatus, OpportunityTag, Pipeline
from crm.opportunities.permissions import OPPORTUNITY
from crm.opportunities.seeding import seed_all
from crm.testing import make_user, screenshots


def _dialog(page):
    dialog = page.get_by_test_id("dialog-form")
    expect(dialog).to_be_visible()
    return dialog


def _save(page):
    page.get_by_test_id("dialog-save").click()
    page.wait_for_load_state("networkidle")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_administrator_sets_up_a_pipeline_and_a_tag(org, admin_user, login, page, live_server):
    seed_all()
    login("admin1")
    page.get_by_role("link", name="销售流程").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("销售流程")

    page.get_by_test_id("pipeline-create").click()
    dialog = _dialog(page)
    dialog.get_by_label("名称").fill("华东大客户流程")
    dialog.get_by_label("团队").select_option(label=org.shanghai.name)
    _save(page)
    pipeline = page.get_by_test_id("pipeline").filter(has_text="华东大客户流程")
    expect(pipeline).to_contain_text(org.shanghai.name)

    pipeline.get_by_test_id("stage-create").click()
    dialog = _dialog(page)
    dialog.get_by_label("名称").fill("招投标")
    dialog.get_by_label("默认成功机率").fill("40")
    dialog.get_by_label("预计金额（元）").check()
    _save(page)
    expect(pipeline.get_by_test_id("stage-row").filter(has_text="招投标")).to_contain_text("40%")
    stage = Pipeline.objects.get(name="华东大客户流程").stages.get(name="招投标")
    assert (stage.probability, stage.required_fields, stage.kind) == (40, ["expected_amount"], "open")

    page.get_by_test_id("tag-create").click()
    dialog = _dialog(page)
    dialog.get_by_label("名称").fill("重点客户")
    dialog.get_by_label("颜色").select_option(label="红色")
    _save(page)
    expect(page.get_by_test_id("tag-row")).to_contain_text("重点客户")
    assert OpportunityTag.objects.get().color == "danger"

    page.get_by_test_id("tag-create").click()  # the same name again: said in the dialog, nothing saved
    dialog = _dialog(page)
    dialog.get_by_label("名称").fill("重点客户")
    page.get_by_test_id("dialog-save").click()
    expect(dialog).to_contain_text("已存在")
    assert OpportunityTag.objects.count() == 1
    screenshots(page, "pipeline-settings")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_share_tag_find_on_the_board_and_lose_to_a_competitor(org, admin_user, login, page, live_server):
    seed_all()
    supervisor = make_user("supervisor", role="supervisor", department=org.shanghai, name="张伟")
    manager = make_user("manager", role="manager", department=org.sales1, name="刘洋", superior=supervisor)
    make_user("colleague", role="manager", department=org.sales1, name="周杰", superior=supervisor)
    rival = competitor_create(actor=supervisor, data={"name": "金蝶云", "threat_level": "high"})
    pipelines.tag_create(actor=admin_user, data={"name": "招投标", "color": "warning"})
    data = {"customer_name": "杭州西湖茶业有限公司", "probability": 30, "summary": "门店管理", "description": "展会"}
    opportunity = services.opportunity_create(actor=supervisor, data=data)
    services.opportunity_assign(actor=supervisor, opportunity=opportunity, owner=manager)
    other = services.opportunity_create(actor=supervisor, data={**data, "customer_name": "苏州园林设计院"})
    services.opportunity_assign(actor=supervisor, opportunity=other, owner=manager)

    login("supervisor")
    page.goto(f"{live_server.url}/opportunities/{opportunity.pk}/")
    page.get_by_test_id("opportunity-share").click()
    dialog = _dialog(page)
    dialog.get_by_label("共享给").select_option(label=f"周杰 · {org.sales1.name}")
    _save(page)
    expect(page.get_by_test_id("opportunity-shares")).to_contain_text("周杰")
    assert [share.user.username for share in shares_of(OPPORTUNITY, opportunity)] == ["colleague"]

    page.context.clear_cookies()
    login("manager")
    page.goto(f"{live_server.url}/opportunities/{opportunity.pk}/")
    page.get_by_test_id("opportunity-tags-edit").click()
    _dialog(page).get_by_label("招投标").check()
    _save(page)
    expect(page.get_by_test_id("opportunity-tags")).to_contain_text("招投标")

    page.get_by_role("link", name="商机看板").click()
    page.get_by_test_id("board-tag").select_option(label="招投标")
    page.wait_for_load_state("networkidle")
    cards = page.get_by_test_id("board-card")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("杭州西湖茶业")
    expect(cards.first.get_by_test_id("card-tags")).to_contain_text("招投标")
    screenshots(page, "board-by-tag")

    cards.first.get_by_role("link", name="杭州西湖茶业有限公司").click()
    page.get_by_test_id("opportunity-fail").click()
    dialog = _dialog(page)
    dialog.get_by_label("丢单原因").select_option(index=1)
    dialog.get_by_label("输给的竞争对手").select_option(label="金蝶云")
    dialog.get_by_label("详情").fill("对方报价低 20%")
    _save(page)
    expect(page.get_by_test_id("opportunity-facts")).to_contain_text("对方报价低 20%")
    opportunity.refresh_from_db()
    assert (opportunity.status, opportunity.lost_to, opportunity.stage.kind) == (OpportunityStatus.LOST, rival, "lost")
    assert opportunity.lost_reason is not None
    assert Opportunity.objects.get(pk=other.pk).status == OpportunityStatus.DEVELOPING


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_administrator_sets_the_lead_pool_rules_and_a_region_rule(org, admin_user, login, page, live_server):
    seed_all()
    make_user("east", role="manager", department=org.sales1, name="王东")
    login("admin1")
    page.get_by_role("link", name="线索设置").first.click()
    page.get_by_label("每人每天最多领取数").fill("5")
    page.get_by_role("button", name="保存").first.click()
    expect(page.get_by_text("已保存。")).to_be_visible()
    assert LeadSettings.current().claims_per_day == 5

    rules = page.get_by_test_id("region-rules")
    rules.get_by_label("省份").select_option(index=1)
    rules.get_by_label("负责人").select_option(label="王东")
    rules.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("region-rule")).to_contain_text("王东")
    assert LeadRegionRule.objects.get().owner.username == "east"
    screenshots(page, "lead-settings")
