"""The competitors API (API.md; CMP-1, CMP-2, CMP-3): list with search and filter, create with the
duplicate refused (409), bad input (400) and missing functions (403) in the JSON error shape,
products and news nested under their competitor (another competitor's: 404), the news feed, and
answers that validate against the OpenAPI schema."""

import datetime

import pytest
from django.core.cache import cache
from drf_spectacular.generators import SchemaGenerator
from jsonschema import Draft7Validator

from crm.competitors.models import Competitor, CompetitorNews, CompetitorProduct
from crm.competitors.testing import make_competitor, make_news, make_product
from crm.testing import api_client, api_error

COMPETITORS = "/api/v1/competitors/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Idempotency keys live in the cache."""
    cache.clear()
    yield
    cache.clear()


client_for, error = api_client, api_error


def test_list_searches_and_filters(sales):
    yuanhang = make_competitor(sales.manager, name="远航软件", threat_level="high")
    make_competitor(sales.other, name="云启科技", threat_level="low")
    make_product(sales.manager, yuanhang)
    make_news(sales.manager, yuanhang, day=datetime.date(2025, 7, 1))
    api = client_for(sales.manager)
    body = api.get(COMPETITORS).json()
    assert body["count"] == 2 and {"next", "previous", "results"} <= set(body)
    assert [row["name"] for row in api.get(COMPETITORS, {"search": "yh"}).json()["results"]] == ["远航软件"]
    row = api.get(COMPETITORS, {"threat_level": "high"}).json()["results"][0]
    assert row["product_count"] == 1 and row["latest_news_on"] == "2025-07-01" and row["threat_level_label"]
    error(api.get(COMPETITORS, {"threat_level": "extreme"}), 400, "validation_error")


def test_create_change_and_delete(sales):
    api = client_for(sales.manager)
    data = {"name": "云启科技", "website": "yunqi.example.cn", "size": "medium"}
    created = api.post(COMPETITORS, data, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["website"] == "https://yunqi.example.cn" and body["threat_level"] == "medium"
    assert body["created_by"] == sales.manager.pk and body["product_count"] == 0
    url = f"{COMPETITORS}{body['id']}/"
    changed = api.patch(url, {"threat_level": "high", "strategy": "私有化部署"}, format="json")
    assert changed.status_code == 200 and changed.json()["strategy"] == "私有化部署"
    error(api.delete(url), 403, "permission_denied")  # managers do not delete
    assert client_for(sales.supervisor).delete(url).status_code == 204
    assert not Competitor.objects.exists()
    error(api.get(url), 404, "not_found")


def test_duplicates_bad_input_and_missing_functions_answer_in_the_error_shape(sales, outsider):
    make_competitor(sales.manager, name="远航软件")
    api = client_for(sales.manager)
    duplicate = error(api.post(COMPETITORS, {"name": "远航 软件"}, format="json"), 409, "duplicate")
    assert "远航软件" in duplicate["fields"]["name"][0]
    assert "name" in error(api.post(COMPETITORS, {"website": "x.cn"}, format="json"), 400, "validation_error")["fields"]
    bad = api.post(COMPETITORS, {"name": "云启", "website": "ftp://x.cn"}, format="json")
    bad = error(bad, 400, "validation_error")
    assert list(bad["fields"]) == ["website"]
    error(api.post(COMPETITORS, {"name": "云启", "threat_level": "extreme"}, format="json"), 400, "validation_error")
    error(client_for(sales.executive).post(COMPETITORS, {"name": "云启"}, format="json"), 403, "permission_denied")
    error(client_for(outsider).get(COMPETITORS), 403, "permission_denied")
    assert Competitor.objects.count() == 1


def test_products_nested_under_their_competitor(sales):
    yuanhang = make_competitor(sales.manager, name="远航软件")
    yunqi = make_competitor(sales.manager, name="云启科技")
    api = client_for(sales.manager)
    products = f"{COMPETITORS}{yuanhang.pk}/products/"
    created = api.post(products, {"name": "远航云", "positioning": "中端", "weaknesses": "功能少"}, format="json")
    assert created.status_code == 201, created.content
    product = created.json()
    assert product["competitor"] == yuanhang.pk and product["created_by_name"] == str(sales.manager)
    assert [row["name"] for row in api.get(products).json()["results"]] == ["远航云"]
    one = f"{products}{product['id']}/"
    assert api.patch(one, {"positioning": "高端"}, format="json").json()["positioning"] == "高端"
    wrong = f"{COMPETITORS}{yunqi.pk}/products/{product['id']}/"
    error(api.get(wrong), 404, "not_found")
    error(api.patch(wrong, {"name": "改名"}, format="json"), 404)
    error(api.delete(wrong), 404)
    error(api.get(f"{COMPETITORS}99999/products/"), 404)
    error(api.post(products, {"positioning": "高端"}, format="json"), 400, "validation_error")
    error(client_for(sales.executive).post(products, {"name": "新品"}, format="json"), 403, "permission_denied")
    assert client_for(sales.executive).get(one).status_code == 200
    assert api.delete(one).status_code == 204 and not CompetitorProduct.objects.exists()


def test_news_nested_under_its_competitor_and_the_feed(sales):
    yuanhang = make_competitor(sales.manager, name="远航软件")
    yunqi = make_competitor(sales.manager, name="云启科技")
    make_news(sales.manager, yunqi, title="云启融资", day=datetime.date(2025, 8, 1))
    api = client_for(sales.manager)
    news = f"{COMPETITORS}{yuanhang.pk}/news/"
    data = {"date": "2025-07-01", "title": "半年报", "source_url": "https://news.example.cn/1"}
    created = api.post(news, data, format="json")
    assert created.status_code == 201, created.content
    item = created.json()
    assert item["date"] == "2025-07-01" and item["competitor_name"] == "远航软件"
    bad = error(api.post(news, {"date": "2025-02-30", "title": ""}, format="json"), 400, "validation_error")
    assert set(bad["fields"]) == {"date", "title"}
    error(api.post(news, {**data, "source_url": "javascript:alert(1)"}, format="json"), 400, "validation_error")
    error(api.get(f"{COMPETITORS}{yunqi.pk}/news/{item['id']}/"), 404)
    feed = api.get("/api/v1/competitor-news/").json()["results"]
    assert [row["title"] for row in feed] == ["云启融资", "半年报"]
    only = api.get("/api/v1/competitor-news/", {"competitor": yuanhang.pk}).json()["results"]
    assert [row["title"] for row in only] == ["半年报"]
    assert api.delete(f"{news}{item['id']}/").status_code == 204
    assert CompetitorNews.objects.count() == 1


def _jsonschema(node):
    """OpenAPI 3.0's `nullable` as JSON Schema's null type."""
    if isinstance(node, list):
        return [_jsonschema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _jsonschema(value) for key, value in node.items()}
    if node.pop("nullable", False):
        return {"anyOf": [node, {"type": "null"}]}
    return node


def test_the_answers_validate_against_the_schema(sales):
    competitor = make_competitor(sales.manager, name="远航软件", website="yuanhang.example.cn", size="large")
    product = make_product(sales.manager, competitor)
    news = make_news(sales.manager, competitor, source_url="news.example.cn")
    make_competitor(sales.manager, name="云启科技")  # no size, no news: blanks and nulls
    schema = SchemaGenerator(urlconf="crm.urls").get_schema(request=None, public=True)
    components = _jsonschema(schema["components"])
    ids = {"competitor_pk": competitor.pk}
    paths = {
        "/api/v1/competitors/": None,
        "/api/v1/competitors/{id}/": competitor.pk,
        "/api/v1/competitors/{competitor_pk}/products/": None,
        "/api/v1/competitors/{competitor_pk}/products/{id}/": product.pk,
        "/api/v1/competitors/{competitor_pk}/news/": None,
        "/api/v1/competitors/{competitor_pk}/news/{id}/": news.pk,
        "/api/v1/competitor-news/": None,
    }
    api = client_for(sales.manager)
    for path, pk in paths.items():
        url = path.replace("{competitor_pk}", str(ids["competitor_pk"])).replace("{id}", str(pk))
        response = api.get(url)
        assert response.status_code == 200, (url, response.content)
        content = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        validator = Draft7Validator({"components": components, "allOf": [_jsonschema(content["schema"])]})
        assert list(validator.iter_errors(response.json())) == [], url
