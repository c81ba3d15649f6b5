"""The knowledge base beside a service (SRV-7): matching published articles are suggested on the
service's page, and an archived service becomes a draft article in one step, once."""

from django.urls import reverse

from crm.knowledge.models import Article, ArticleStatus
from crm.knowledge.services import article_create, article_publish
from crm.service import services
from crm.service.tests.conftest import data


def _archived(sales, customer):
    request = "导入客户表后名字显示乱码"
    service = services.service_create(
        actor=sales.manager, customer=customer, data=data(summary="Excel 导入后中文乱码", request=request)
    )
    service = services.service_assign(actor=sales.supervisor, service=service, assignee=sales.manager)
    service = services.service_handle(actor=sales.manager, service=service, handling="另存为 UTF-8 编码后重新导入")
    return services.service_feedback(actor=sales.manager, service=service, result="已解决", satisfaction=5)


def test_matching_published_articles_are_suggested_drafts_are_not(client, sales, customer):
    solution = "先另存为 UTF-8 编码的 CSV 再导入。"
    published = article_create(actor=sales.supervisor, data={"title": "Excel 导入后中文显示乱码", "solution": solution})
    article_publish(actor=sales.supervisor, article=published)
    article_create(actor=sales.supervisor, data={"title": "导入乱码的草稿", "solution": "还没写完"})
    article_create(actor=sales.supervisor, data={"title": "发票开具流程", "solution": "在财务模块申请。"})
    service = services.service_create(
        actor=sales.manager, customer=customer, data=data(summary="导入乱码", request="导入后中文是乱码")
    )
    client.force_login(sales.manager)
    page = client.get(reverse("service:detail", args=[service.pk])).content.decode()
    assert reverse("service:articles", args=[service.pk]) in page  # loaded after the page
    part = client.get(reverse("service:articles", args=[service.pk])).content.decode()
    assert "Excel 导入后中文显示乱码" in part and "草稿" not in part and "发票" not in part


def test_an_archived_service_becomes_a_draft_article_once(client, sales, customer):
    service = _archived(sales, customer)
    client.force_login(sales.supervisor)
    url = reverse("service:make_article", args=[service.pk])
    first = client.post(url)
    article = Article.objects.get(source_service_id=service.pk)
    assert first.status_code == 302 and first.url == reverse("knowledge:detail", args=[article.pk])
    assert (article.title, article.status) == ("Excel 导入后中文乱码", ArticleStatus.DRAFT)
    assert article.author == sales.supervisor
    assert article.solution == "另存为 UTF-8 编码后重新导入" and "名字显示乱码" in article.problem
    assert client.post(url).url == first.url and Article.objects.count() == 1  # once per service


def test_only_an_archived_service_and_only_with_the_right_to_write_articles(client, sales, customer, agent):
    service = services.service_create(actor=sales.manager, customer=customer, data=data())
    client.force_login(sales.supervisor)
    assert client.post(reverse("service:make_article", args=[service.pk])).status_code == 404  # not solved yet
    archived = _archived(sales, customer)
    client.force_login(sales.executive)  # reads services and articles, writes neither
    assert client.post(reverse("service:make_article", args=[archived.pk])).status_code == 403
    assert not Article.objects.exists()


def test_the_article_the_handler_went_by_is_linked_to_the_round(client, sales, customer):
    solution = "先另存为 UTF-8 编码的 CSV 再导入。"
    published = article_create(actor=sales.supervisor, data={"title": "Excel 导入后中文显示乱码", "solution": solution})
    article_publish(actor=sales.supervisor, article=published)
    draft = article_create(actor=sales.supervisor, data={"title": "导入乱码草稿", "solution": "未完成"})
    service = services.service_create(
        actor=sales.manager, customer=customer, data=data(summary="导入乱码", request="导入后中文是乱码")
    )
    service = services.service_assign(actor=sales.supervisor, service=service, assignee=sales.manager)
    client.force_login(sales.manager)
    url = reverse("service:handle", args=[service.pk])
    assert "Excel 导入后中文显示乱码" in client.get(url).content.decode()  # offered in the dialog
    refused = client.post(url, {"handling": "按文章处理", "article": draft.pk})  # not among the choices
    assert refused.status_code == 400
    assert client.post(url, {"handling": "按文章处理", "article": published.pk}).status_code == 302
    round_ = service.rounds.get()
    assert round_.article == published
    page = client.get(reverse("service:detail", args=[service.pk])).content.decode()
    assert reverse("knowledge:detail", args=[published.pk]) in page
