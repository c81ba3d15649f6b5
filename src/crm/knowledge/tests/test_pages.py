"""Knowledge-base pages: the list searches and marks what matched, filters by tag; the article's
page counts views and shows the buttons the user may use; create, edit, publish, delete; 403
without the function, 404 for someone else's draft; a fixed number of queries per list."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crm.knowledge.models import Article, ArticleStatus
from crm.knowledge.testing import make_article

LIST = reverse("knowledge:list")


@pytest.fixture
def garbled(sales):
    return make_article(
        sales.supervisor,
        "Excel 导入后中文显示乱码",
        "将文件另存为 UTF-8 编码后重新导入，乱码即消失。",
        tags="导入,Excel",
        publish_as=sales.supervisor,
    )


def test_the_list_searches_and_marks_the_matched_words(client, sales, garbled):
    make_article(sales.supervisor, "发票开具", "在合同页申请开票。", tags="发票", publish_as=sales.supervisor)
    client.force_login(sales.manager)
    page = client.get(LIST, {"q": "导入乱码"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "<mark class=\"px-0\">乱码</mark>" in html and "发票开具" not in html
    assert 'data-testid="article-create"' in html  # managers write drafts
    assert "发票开具" in client.get(LIST, {"tag": "发票"}).content.decode()
    assert "Excel 导入后" not in client.get(LIST, {"tag": "发票"}).content.decode()


def test_list_queries_do_not_grow_with_the_page(client, sales):
    client.force_login(sales.manager)

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(LIST, {"q": "导入"}).status_code == 200
        return len(context.captured_queries)

    make_article(sales.supervisor, "导入问题", "检查编码。", tags="导入", publish_as=sales.supervisor)
    queries()  # the first request of a session reads more (the user's access)
    one = queries()
    for number in range(25):
        make_article(sales.supervisor, f"导入问题 {number}", "检查编码。", tags="导入", publish_as=sales.supervisor)
    assert queries() == one <= 12


def test_article_page_counts_views_and_shows_allowed_buttons(client, sales, garbled):
    client.force_login(sales.manager)
    html = client.get(reverse("knowledge:detail", args=[garbled.pk])).content.decode()
    assert "另存为 UTF-8" in html and 'data-testid="article-publish"' not in html
    assert 'data-testid="article-unpublish"' not in html and 'data-testid="article-delete"' not in html
    assert Article.objects.get(pk=garbled.pk).view_count == 1
    client.force_login(sales.supervisor)
    html = client.get(reverse("knowledge:detail", args=[garbled.pk])).content.decode()
    assert 'data-testid="article-unpublish"' in html and 'data-testid="article-edit"' in html


def test_write_publish_and_delete_through_the_pages(client, sales):
    client.force_login(sales.manager)
    data = {"title": "手机收不到提醒", "solution": "开启通知权限。", "tags": "通知，移动端"}
    response = client.post(reverse("knowledge:create"), data)
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("knowledge:detail", args=[article.pk])
    assert article.status == ArticleStatus.DRAFT and article.tags == "通知,移动端" and article.author == sales.manager
    assert client.post(reverse("knowledge:publish", args=[article.pk])).status_code == 403
    edited = client.post(reverse("knowledge:edit", args=[article.pk]), {**data, "solution": "检查通知设置。"})
    assert edited.status_code == 302 and Article.objects.get().solution == "检查通知设置。"
    client.force_login(sales.supervisor)
    client.post(reverse("knowledge:publish", args=[article.pk]))
    assert Article.objects.get().status == ArticleStatus.PUBLISHED
    client.force_login(sales.manager)
    assert client.get(reverse("knowledge:edit", args=[article.pk])).status_code == 403  # published now
    client.force_login(sales.supervisor)
    assert client.post(reverse("knowledge:delete", args=[article.pk])).status_code == 302
    assert not Article.objects.exists()


def test_bad_form_answers_400_and_saves_nothing(client, sales):
    client.force_login(sales.manager)
    assert client.post(reverse("knowledge:create"), {"title": "", "solution": ""}).status_code == 400
    assert not Article.objects.exists()


def test_without_the_function_403_and_others_drafts_404(client, sales, agent, outsider, garbled):
    draft = make_article(agent, "草稿", "内容。")
    client.force_login(outsider)
    assert client.get(LIST).status_code == 403
    assert client.get(reverse("knowledge:detail", args=[garbled.pk])).status_code == 403
    client.force_login(sales.manager)
    assert client.get(reverse("knowledge:detail", args=[draft.pk])).status_code == 404
    assert client.post(reverse("knowledge:delete", args=[draft.pk])).status_code == 404
    assert Article.objects.filter(pk=draft.pk).exists()
    client.force_login(sales.executive)
    assert client.get(reverse("knowledge:create")).status_code == 403
    assert client.get(reverse("knowledge:detail", args=[garbled.pk])).status_code == 200


def test_the_menu_and_the_top_search_show_the_knowledge_base(client, sales, garbled):
    client.force_login(sales.manager)
    html = client.get(reverse("console:home")).content.decode()
    assert LIST in html
    found = client.get(reverse("console:search"), {"q": "乱码"}).content.decode()
    assert reverse("knowledge:detail", args=[garbled.pk]) in found
