"""Helpers for tests: competitors, products and news written through the services."""

import datetime

from crm.competitors import services
from crm.competitors.models import Competitor, CompetitorNews, CompetitorProduct


def make_competitor(actor, name: str = "远航软件股份有限公司", **data) -> Competitor:
    return services.competitor_create(actor=actor, data={"name": name, **data})


def make_product(actor, competitor: Competitor, name: str = "远航 CRM 企业版", **data) -> CompetitorProduct:
    return services.product_create(actor=actor, competitor=competitor, data={"name": name, **data})


def make_news(actor, competitor: Competitor, title: str = "发布新版本", day=None, **data) -> CompetitorNews:
    day = day or datetime.date(2025, 6, 1)
    return services.news_create(actor=actor, competitor=competitor, data={"title": title, "date": day, **data})
