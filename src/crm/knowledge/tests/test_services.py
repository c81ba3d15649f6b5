"""Writes of knowledge articles: drafts by authors, changes by authors (their drafts) and editors,
publishing by supervisors, deletes; each refused write changes nothing; every write audited;
the one-step draft from a service; the demo data."""

import pytest

from crm.audit.models import AuditEvent
from crm.core.errors import Conflict, PermissionDenied, ValidationFailed
from crm.knowledge import demo, selectors, services
from crm.knowledge.models import Article, ArticleStatus
from crm.knowledge.testing import make_article


def events(article) -> list[str]:
    return list(AuditEvent.objects.filter(object_id=str(article.pk)).order_by("id").values_list("action", flat=True))


def test_an_agent_writes_a_draft_and_a_supervisor_publishes_it(sales, agent):
    article = make_article(agent, "登录失败", "重置密码。", tags="登录， 密码、登录", product="云 CRM")
    assert article.status == ArticleStatus.DRAFT and article.author == agent and article.tags == "登录,密码"
    with pytest.raises(PermissionDenied):
        services.article_publish(actor=agent, article=article)
    published = services.article_publish(actor=sales.supervisor, article=article)
    assert published.status == ArticleStatus.PUBLISHED and published.published_at is not None
    with pytest.raises(Conflict):
        services.article_publish(actor=sales.supervisor, article=published)
    assert services.article_unpublish(actor=sales.supervisor, article=published).status == ArticleStatus.DRAFT
    assert events(article) == ["create", "update", "update"]
    change = AuditEvent.objects.filter(object_id=str(article.pk)).order_by("id")[1].changes
    assert change["status"] == ["draft", "published"]


def test_authors_change_their_own_drafts_only(sales, agent):
    draft = make_article(agent, "报表导出超时", "缩小范围。")
    services.article_update(actor=agent, article=draft, data={"solution": "改用后台导出。"})
    assert Article.objects.get(pk=draft.pk).solution == "改用后台导出。"
    others = make_article(sales.manager, "打印错位", "调整边距。")
    with pytest.raises(PermissionDenied):
        services.article_update(actor=agent, article=others, data={"title": "改掉"})
    services.article_publish(actor=sales.supervisor, article=draft)
    draft.refresh_from_db()
    with pytest.raises(PermissionDenied):  # published: an editor's work now
        services.article_update(actor=agent, article=draft, data={"title": "改掉"})
    with pytest.raises(PermissionDenied):
        services.article_delete(actor=agent, article=draft)
    services.article_update(actor=sales.supervisor, article=draft, data={"title": "报表导出超时怎么办"})
    assert Article.objects.get(pk=draft.pk).title == "报表导出超时怎么办"
    assert Article.objects.get(pk=others.pk).title == "打印错位"


def test_delete_by_author_of_a_draft_or_with_the_delete_function(sales, agent):
    mine = make_article(agent, "草稿一", "内容。")
    services.article_delete(actor=agent, article=mine)
    published = make_article(agent, "已发布", "内容。", publish_as=sales.supervisor)
    services.article_delete(actor=sales.supervisor, article=published)
    assert not Article.objects.exists()
    assert AuditEvent.objects.filter(action="delete").count() == 2


def test_refusals_change_nothing(sales, marketer, outsider):
    with pytest.raises(PermissionDenied):
        make_article(marketer, "市场部的文章", "内容。")
    with pytest.raises(PermissionDenied):
        make_article(outsider, "外人的文章", "内容。")
    with pytest.raises(ValidationFailed) as refused:
        make_article(sales.supervisor, "", "")
    assert {"title", "solution"} <= set(refused.value.fields)
    assert not Article.objects.exists() and not AuditEvent.objects.filter(action="create").exists()


def test_article_from_solution_makes_a_draft_with_its_service(sales, agent):
    article = services.article_from_solution(
        agent, "客户导入联系人后乱码", "导入的 CSV 中文乱码。", "另存为 UTF-8 后重新导入。", 4711
    )
    assert article.status == ArticleStatus.DRAFT and article.source_service_id == 4711
    assert article.problem == "导入的 CSV 中文乱码。" and events(article) == ["create"]
    assert selectors.suggest("导入联系人乱码") == []  # a draft is not suggested
    services.article_publish(actor=sales.supervisor, article=article)
    assert selectors.suggest("导入联系人乱码") == [article]


def test_readings_are_counted_except_the_authors_without_touching_the_update_time(sales):
    article = make_article(sales.supervisor, publish_as=sales.supervisor)
    before = Article.objects.get(pk=article.pk).updated_at
    assert services.article_viewed(article=article, reader=sales.manager)
    assert services.article_viewed(article=article, reader=sales.colleague)
    assert not services.article_viewed(article=article, reader=sales.supervisor)  # the author
    after = Article.objects.get(pk=article.pk)
    assert after.view_count == 2 and after.updated_at == before


def test_demo_articles_load_once_published_and_searchable(make_user, org, sales):
    make_user("admin", role="admin", department=org.head)
    demo.load(lambda _message: None)
    demo.load(lambda _message: None)
    count = len(demo.ARTICLES)
    assert 10 <= count <= 15
    assert Article.objects.published().count() == count
    found = [a.title for a in selectors.article_list(user=sales.manager, filters={"q": "导入乱码"})]
    assert found[0] == "Excel 导入后中文显示乱码"
