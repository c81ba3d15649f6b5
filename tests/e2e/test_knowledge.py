"""The knowledge base (SRV-7) in a real browser, in zh-hans: a supervisor opens 知识库 from the
menu, writes an article in the dialog, lands on its page and publishes it; a manager then searches
the list in Chinese (导入乱码), sees the matched words marked, and opens the article. Screenshots
of the dialog, the article and the search at desktop and phone width (/tmp/shots/knowledge-*)."""

import pytest
from playwright.sync_api import expect

from crm.knowledge.models import Article, ArticleStatus
from crm.knowledge.testing import make_article
from crm.testing import fits_the_phone, make_user, screenshots


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_supervisor_publishes_an_article_and_a_manager_finds_it(org, login, page, live_server):
    supervisor = make_user("supervisor", role="supervisor", department=org.shanghai, name="张伟")
    make_user("manager", role="manager", department=org.sales1, name="刘洋")
    make_article(supervisor, "登录失败提示密码错误", "检查大小写锁定，或请管理员重置密码。", publish_as=supervisor)

    login("supervisor")
    from crm.access.engine import access_for
    from crm.identity.models import User

    sidebar = page.locator("#sidebar")
    assert access_for(User.objects.get(username="supervisor")).can("knowledge.article.view")
    assert "知识库" in sidebar.inner_text(), (page.url, sidebar.inner_text())
    sidebar.get_by_role("link", name="知识库").click()
    expect(page.get_by_role("heading", name="知识库")).to_be_visible()
    page.get_by_test_id("article-create").click()
    dialog = page.get_by_test_id("dialog-form")
    expect(dialog).to_contain_text("新建知识库文章")
    dialog.get_by_label("问题（标题）").fill("Excel 导入后中文显示乱码")
    dialog.get_by_label("问题描述").fill("客户从旧系统导出联系人，导入后姓名一列全是问号。")
    dialog.get_by_label("解决方案").fill("在 Excel 中另存为“CSV UTF-8（逗号分隔）”，再重新导入即可消除乱码。")
    dialog.get_by_label("标签").fill("导入，Excel")
    dialog.get_by_label("产品").fill("云 CRM 标准版")
    screenshots(page, "knowledge-dialog")
    dialog.get_by_test_id("dialog-save").click()

    expect(page.get_by_test_id("article-title")).to_have_text("Excel 导入后中文显示乱码")
    expect(page.get_by_test_id("article-status")).to_have_text("草稿")
    page.get_by_test_id("article-publish").click()
    expect(page.get_by_test_id("article-status")).to_have_text("已发布")
    article = Article.objects.get(title="Excel 导入后中文显示乱码")
    assert article.status == ArticleStatus.PUBLISHED and article.tags == "导入,Excel" and article.author == supervisor
    screenshots(page, "knowledge-article")
    fits_the_phone(page)
    page.get_by_role("navigation", name="breadcrumb").get_by_role("link", name="知识库").click()
    expect(page.get_by_test_id("article-row")).to_have_count(2)
    expect(page.get_by_test_id("article-filters").get_by_label("状态")).to_be_visible()  # supervisors see drafts
    screenshots(page, "knowledge-list")

    page.context.clear_cookies()
    login("manager")
    page.locator("#sidebar").get_by_role("link", name="知识库").click()
    page.get_by_test_id("article-filters").get_by_role("searchbox").fill("导入乱码")
    page.get_by_test_id("article-search").click()
    rows = page.get_by_test_id("article-row")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("mark").first).to_have_text("导入")
    expect(page.get_by_test_id("article-snippet")).to_contain_text("乱码")
    screenshots(page, "knowledge-search")
    fits_the_phone(page)
    rows.first.get_by_test_id("article-link").click()
    expect(page.get_by_test_id("article-solution")).to_contain_text("CSV UTF-8")
    expect(page.get_by_test_id("article-publish")).to_have_count(0)
    expect(page.get_by_test_id("article-edit")).to_have_count(0)
    assert Article.objects.get(pk=article.pk).view_count == 1  # the author's own readings do not count
