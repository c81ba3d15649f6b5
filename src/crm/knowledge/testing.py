"""Helpers for tests: articles written through the services."""

from crm.knowledge import services
from crm.knowledge.models import Article


def make_article(
    actor, title: str = "登录失败提示密码错误", solution: str = "重置密码后重新登录。", *, publish_as=None, **data
) -> Article:
    article = services.article_create(actor=actor, data={"title": title, "solution": solution, **data})
    if publish_as is not None:
        article = services.article_publish(actor=publish_as, article=article)
    return article
