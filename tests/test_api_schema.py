"""The OpenAPI schema builds without warnings and the docs page works offline (API.md)."""

from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator


def test_schema_generates_and_validates_without_warnings(tmp_path, settings):
    settings.ROOT_URLCONF = "crm.urls"  # the product's URLs, without the test-only app
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text(encoding="utf-8")
    for path in (
        "/api/v1/me/",
        "/api/v1/users/",
        "/api/v1/roles/",
        "/api/v1/audit-events/",
        "/api/v1/dictionary-items/",
        "/api/v1/notifications/",
        "/api/v1/jobs/",
    ):
        assert path in text, path


def test_every_post_of_the_viewsets_documents_the_idempotency_key(db):
    """Every viewset derives from crm.core.api.viewsets.CrmViewSet, which honours the header."""
    schema = SchemaGenerator(urlconf="crm.urls").get_schema(request=None, public=True)
    posts = {path: item["post"] for path, item in schema["paths"].items() if "post" in item}
    undocumented = [
        path
        for path, operation in posts.items()
        if "Idempotency-Key" not in {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
    ]
    assert len(posts) > 30 and undocumented == ["/api/v1/auth/token/"]  # logging in is no viewset


def test_docs_page_and_schema_are_served_without_internet(client, admin_user):
    client.force_login(admin_user)
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"http://" not in docs.content.replace(b"http://testserver", b"")
    assert b"https://" not in docs.content
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    assert schema.json()["info"]["title"] == "CRM API"


def test_the_api_docs_give_the_customer_lists_real_count_cap():
    from pathlib import Path

    from crm.core.api.pagination import ListPagination

    docs = (Path(__file__).resolve().parent.parent / "docs" / "api.md").read_text(encoding="utf-8")
    customers = next(line for line in docs.splitlines() if line.startswith("| `/api/v1/customers/` |"))
    cap = ListPagination.django_paginator_class.cap
    assert f"the count stops at {cap:,} (`count_capped`" in customers
