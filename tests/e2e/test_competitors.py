"""Competitors (CMP-1, CMP-2, CMP-3) in a real browser, in zh-hans: a supervisor opens 竞争对手
from the menu, creates a competitor in the dialog (a duplicate name is refused in the dialog),
opens its page, adds a product and a news item through their dialogs, finds the competitor again
by pinyin in the list's search, and sees the news on the company-wide news page. Screenshots of
the list, the dialog and the competitor's page at desktop and phone width."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from crm.competitors.models import Competitor, CompetitorNews, CompetitorProduct
from crm.competitors.testing import make_competitor
from crm.testing import make_user

SHOTS = Path("/tmp/shots")


def _shots(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1366, "height": 860})
    page.screenshot(path=str(SHOTS / f"competitors-{name}-1366.png"), full_page=True)
    page.set_viewport_size({"width": 375, "height": 812})
    page.wait_for_timeout(150)
    page.screenshot(path=str(SHOTS / f"competitors-{name}-375.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name}: {overflow}px wider than the phone"
    page.set_viewport_size({"width": 1366, "height": 860})


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_supervisor_records_a_competitor_with_a_product_and_news(org, login, page, live_server):
    supervisor = make_user("supervisor", role="supervisor", department=org.shanghai, name="张伟")
    make_competitor(supervisor, name="远航软件股份有限公司", threat_level="medium", business="ERP 与 CRM 一体化套件")
    login("supervisor")
    page.locator("#sidebar").get_by_role("link", name="竞争对手").click()
    expect(page.get_by_role("heading", name="竞争对手")).to_be_visible()

    page.get_by_test_id("competitor-create").click()
    dialog = page.get_by_test_id("dialog-form")
    expect(dialog).to_contain_text("新建竞争对手")
    dialog.get_by_label("名称").fill("远航 软件股份有限公司")
    dialog.get_by_test_id("dialog-save").click()
    expect(dialog.locator(".invalid-feedback")).to_contain_text("已有同名竞争对手")  # the dialog stays open
    dialog.get_by_label("名称").fill("云启科技（杭州）有限公司")
    dialog.get_by_label("网址").fill("www.yunqi-crm.example.cn")
    dialog.get_by_label("威胁程度").select_option(label="高")
    dialog.get_by_label("规模").select_option(label="中型（100–999 人）")
    dialog.get_by_label("优势").fill("价格低，开通快")
    dialog.get_by_label("劣势").fill("只能用公有云")
    dialog.get_by_label("应对策略").fill("强调私有化部署和数据权限")
    _shots(page, "new-dialog")
    dialog.get_by_test_id("dialog-save").click()
    expect(dialog).to_be_hidden()
    rows = page.get_by_test_id("competitor-row")
    expect(rows).to_have_count(2)  # the list reloaded itself
    expect(rows.first).to_contain_text("云启科技（杭州）有限公司")
    expect(rows.first).to_contain_text("高")
    competitor = Competitor.objects.get(name="云启科技（杭州）有限公司")
    assert competitor.website == "https://www.yunqi-crm.example.cn"

    rows.first.get_by_test_id("competitor-link").click()
    expect(page.get_by_test_id("competitor-name")).to_have_text("云启科技（杭州）有限公司")
    expect(page.get_by_test_id("competitor-strategy")).to_have_text("强调私有化部署和数据权限")

    page.get_by_test_id("add-product").click()
    dialog = page.get_by_test_id("dialog-form")
    expect(dialog).to_contain_text("云启科技（杭州）有限公司 的新产品")
    dialog.get_by_label("产品名称").fill("云启销售云")
    dialog.get_by_label("价格区间与定位").fill("每用户每月 99 元起，中小企业")
    dialog.get_by_label("劣势").fill("无私有化部署")
    dialog.get_by_test_id("dialog-save").click()
    expect(dialog).to_be_hidden()
    product = page.locator("#competitor-products").get_by_test_id("product")
    expect(product).to_have_count(1)
    expect(product).to_contain_text("每用户每月 99 元起")

    page.get_by_test_id("add-news").click()
    dialog = page.get_by_test_id("dialog-form")
    expect(dialog).to_be_visible()
    dialog.get_by_label("日期").fill("2025-06-18")
    dialog.get_by_label("标题").fill("云启科技完成 C 轮融资")
    dialog.get_by_label("来源").fill("https://news.example.cn/yunqi-c")
    dialog.get_by_label("内容").fill("融资 3 亿元，用于 AI 销售助手研发。")
    dialog.get_by_test_id("dialog-save").click()
    expect(dialog).to_be_hidden()
    news = page.locator("#competitor-news").get_by_test_id("news")
    expect(news).to_have_count(1)
    expect(news).to_contain_text("2025-06-18")
    expect(news).to_contain_text("云启科技完成 C 轮融资")
    assert CompetitorProduct.objects.get().competitor == competitor
    assert CompetitorNews.objects.get().competitor == competitor
    _shots(page, "detail")

    page.get_by_role("link", name="竞争对手").first.click()
    filters = page.get_by_test_id("competitor-filters")
    filters.get_by_role("searchbox").fill("yunqi")
    filters.get_by_role("button", name="筛选").click()
    expect(page.get_by_test_id("competitor-row")).to_have_count(1)
    expect(page.get_by_test_id("competitor-row")).to_contain_text("云启科技（杭州）有限公司")
    expect(page.get_by_test_id("competitor-row")).to_contain_text("2025-06-18")  # its latest news
    page.get_by_role("link", name="清除").click()
    expect(page.get_by_test_id("competitor-row")).to_have_count(2)
    _shots(page, "list")

    page.get_by_test_id("latest-news").click()
    expect(page.get_by_test_id("news")).to_contain_text("云启科技完成 C 轮融资")
    expect(page.get_by_test_id("news-competitor")).to_have_text("云启科技（杭州）有限公司")
    _shots(page, "news")
