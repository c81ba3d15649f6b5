"""The knowledge-base API (API.md; SRV-7): search, create, change, publish, delete; missing
functions (403), others' drafts (404), bad input (400) and state conflicts (409) in the JSON
error shape; answers that validate against the OpenAPI schema."""

import pytest
from django.core.cache import cache
from drf_spectacular.generators import SchemaGenerator
from jsonschema import Draft7Validator

from crm.knowledge.models import Article
from crm.knowledge.testing import make_article
from crm.testing import api_client, api_error

ARTICLES = "/api/v1/knowledge-articles/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_create_search_publish_and_delete(sales, agent):
    api = api_client(agent)
    data = {"title": "Excel 导入后中文显示乱码", "solution": "另存为 UTF-8。", "tags": ["导入", "Excel"]}
    created = api.post(ARTICLES, data, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft" and body["tags"] == ["导入", "Excel"] and body["author"] == agent.pk
    assert body["may"] == {"edit": True, "delete": True, "publish": False}
    url = f"{ARTICLES}{body['id']}/"
    api_error(api.post(f"{url}publish/"), 403, "permission_denied")
    supervisor = api_client(sales.supervisor)
    published = supervisor.post(f"{url}publish/")
    assert published.status_code == 200 and published.json()["status"] == "published"
    api_error(supervisor.post(f"{url}publish/"), 409)
    make_article(sales.supervisor, "登录失败", "重置密码。", publish_as=sales.supervisor)
    manager = api_client(sales.manager)
    found = manager.get(ARTICLES, {"search": "导入乱码"}).json()
    assert found["count"] == 1 and found["results"][0]["id"] == body["id"]
    assert manager.get(ARTICLES, {"search": "EXCEL"}).json()["count"] == 1
    assert manager.get(ARTICLES, {"tag": "导入"}).json()["count"] == 1
    assert manager.get(ARTICLES).json()["count"] == 2
    api_error(manager.delete(url), 403, "permission_denied")
    changed = supervisor.patch(url, {"tags": "导入，编码"}, format="json")
    assert changed.status_code == 200 and changed.json()["tags"] == ["导入", "编码"]
    assert supervisor.delete(url).status_code == 204
    api_error(manager.get(url), 404, "not_found")


def test_others_drafts_do_not_exist_and_missing_functions_are_refused(sales, agent, marketer, outsider):
    draft = make_article(agent, "报表导出超时", "缩小范围。")
    url = f"{ARTICLES}{draft.pk}/"
    api_error(api_client(sales.manager).get(url), 404, "not_found")
    api_error(api_client(sales.manager).patch(url, {"title": "x"}, format="json"), 404, "not_found")
    api_error(api_client(marketer).post(ARTICLES, {"title": "t", "solution": "s"}, format="json"), 403)
    api_error(api_client(outsider).get(ARTICLES), 403, "permission_denied")
    api_error(api_client(outsider).get(url), 403, "permission_denied")
    published = make_article(sales.supervisor, "已发布", "内容。", publish_as=sales.supervisor)
    refused = api_client(agent).patch(f"{ARTICLES}{published.pk}/", {"title": "改掉"}, format="json")
    api_error(refused, 403, "permission_denied")
    assert Article.objects.get(pk=published.pk).title == "已发布"


def test_bad_input_answers_400_with_fields(sales):
    api = api_client(sales.supervisor)
    bad = api_error(api.post(ARTICLES, {"title": "", "tags": ["x" * 31]}, format="json"), 400, "validation_error")
    assert {"title", "solution", "tags"} <= set(bad["fields"])
    api_error(api.get(ARTICLES, {"search": "乱码" * 60}), 400, "validation_error")
    api_error(api.get(ARTICLES, {"status": "archived"}), 400, "validation_error")
    api_error(api.get(f"{ARTICLES}99999999999999999999999/"), 404, "not_found")
    assert not Article.objects.exists()


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


def test_answers_follow_the_schema(sales):
    article = make_article(sales.supervisor, "登录失败", "重置密码。", tags="登录", publish_as=sales.supervisor)
    schema = SchemaGenerator(urlconf="crm.urls").get_schema(request=None, public=True)
    components = _jsonschema(schema["components"])
    assert "ArticleStatusEnum" in components["schemas"]
    assert "post" in schema["paths"]["/api/v1/knowledge-articles/{id}/publish/"]
    api = api_client(sales.manager)
    for path, pk in {"/api/v1/knowledge-articles/": None, "/api/v1/knowledge-articles/{id}/": article.pk}.items():
        response = api.get(path.replace("{id}", str(pk)), {"search": "登录"} if pk is None else {})
        assert response.status_code == 200, response.content
        content = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        validator = Draft7Validator({"components": components, "allOf": [_jsonschema(content["schema"])]})
        assert list(validator.iter_errors(response.json())) == [], path
    assert api.get("/api/v1/knowledge-articles/", {"search": "登录"}).json()["count"] == 1
