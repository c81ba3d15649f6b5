"""REST API of the dictionary (DICT-1, DICT-2; API.md)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from crm.audit.models import AuditEvent
from crm.dictionary.models import DictionaryItem

ITEMS = "/api/v1/dictionary-items/"


@pytest.fixture
def api(admin_user):
    client = APIClient()
    client.force_login(admin_user)
    return client


@pytest.fixture
def manager_api(org, make_user):
    client = APIClient()
    client.force_login(make_user("m1", role="manager", department=org.sales1))
    return client


def test_list_filters_by_category_searches_and_orders(api):
    body = api.get(ITEMS, {"category": "customer_level", "ordering": "-sort_order"}).json()
    assert body["count"] == 5
    row = body["results"][0]
    assert row["entry"] == "战略合作伙伴"
    assert set(row) >= {"id", "number", "category", "category_label", "entry", "value", "editable", "is_active"}
    categories_in_order = [row["category"] for row in api.get(ITEMS, {"page_size": 20}).json()["results"]]
    assert categories_in_order[:9] == ["customer_level"] * 5 + ["service_type"] * 3 + ["region"]
    body = api.get(ITEMS, {"search": "投诉"}).json()
    assert body["count"] == 1 and body["results"][0]["editable"] is False


def test_create_update_delete(api):
    response = api.post(ITEMS, {"category": "customer_level", "entry": "潜在客户", "value": "6"}, format="json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    response = api.patch(f"{ITEMS}{pk}/", {"entry": "意向客户", "editable": False}, format="json")
    assert response.status_code == 200
    assert response.json()["entry"] == "意向客户" and response.json()["editable"] is False
    assert AuditEvent.objects.filter(object_id=str(pk), action="update").exists()
    # now locked: 409 on change and on deletion
    response = api.patch(f"{ITEMS}{pk}/", {"entry": "再改"}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "locked"
    assert api.delete(f"{ITEMS}{pk}/").status_code == 409
    unlocked = api.post(ITEMS, {"category": "customer_level", "entry": "临时", "value": "7"}, format="json").json()
    assert api.delete(f"{ITEMS}{unlocked['id']}/").status_code == 204
    assert not DictionaryItem.objects.filter(pk=unlocked["id"]).exists()


def test_a_retried_post_with_an_idempotency_key_acts_once(api):
    """Every app's viewsets honour Idempotency-Key (crm.core.api.viewsets.CrmViewSet), not only the customers'."""
    cache.clear()
    body = {"category": "customer_level", "entry": "潜在客户", "value": "6"}
    first = api.post(ITEMS, body, format="json", HTTP_IDEMPOTENCY_KEY="erp-0001")
    again = api.post(ITEMS, body, format="json", HTTP_IDEMPOTENCY_KEY="erp-0001")
    assert first.status_code == again.status_code == 201 and again["Idempotency-Replayed"] == "true"
    assert again.json() == first.json()
    assert DictionaryItem.objects.filter(category="customer_level", entry="潜在客户").count() == 1


def test_locked_item_update_is_409_json(api):
    consult = DictionaryItem.objects.get(category="service_type", value="1")
    response = api.put(
        f"{ITEMS}{consult.pk}/", {"category": "service_type", "entry": "问询", "value": "1"}, format="json"
    )
    assert response.status_code == 409
    assert response["Content-Type"].startswith("application/json")
    assert "咨询" in response.json()["error"]["message"]
    consult.refresh_from_db()
    assert consult.entry == "咨询"


def test_duplicate_value_is_400_on_the_value_field(api):
    response = api.post(ITEMS, {"category": "customer_level", "entry": "重复", "value": "2"}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error" and "value" in error["fields"]
    response = api.post(ITEMS, {"category": "nope", "entry": "x", "value": "x"}, format="json")
    assert response.status_code == 400 and "category" in response.json()["error"]["fields"]


def test_item_in_use_deletion_is_409(api):
    parent = DictionaryItem.objects.create(category="industry", entry="汽车", value="auto")
    DictionaryItem.objects.create(category="industry", entry="新能源汽车", value="auto_ev", parent=parent)
    response = api.delete(f"{ITEMS}{parent.pk}/")
    assert response.status_code == 409 and response.json()["error"]["code"] == "conflict"
    assert DictionaryItem.objects.filter(pk=parent.pk).exists()


def test_manager_reads_but_cannot_write(manager_api):
    assert manager_api.get(ITEMS).status_code == 200
    response = manager_api.post(ITEMS, {"category": "customer_level", "entry": "x", "value": "9"}, format="json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "permission_denied"
    item = DictionaryItem.objects.get(category="customer_level", value="1")
    assert manager_api.delete(f"{ITEMS}{item.pk}/").status_code == 403
    assert manager_api.patch(f"{ITEMS}{item.pk}/", {"entry": "x"}, format="json").status_code == 403
    assert DictionaryItem.objects.get(pk=item.pk).entry == "普通客户"


def test_anonymous_is_401():
    assert APIClient().get(ITEMS).status_code in (401, 403)


def test_categories_with_counts(api):
    body = api.get("/api/v1/dictionary-categories/").json()
    rows = {row["code"]: row for row in body["results"]}
    assert body["count"] == len(rows) >= 10
    assert rows["service_type"]["item_count"] == 3
    assert rows["customer_level"]["item_count"] == 5
    assert rows["customer_level"]["label"]


def test_regions_filter_by_level_and_parent(manager_api):
    body = manager_api.get("/api/v1/regions/", {"level": "province", "page_size": 50}).json()
    assert body["count"] == 34
    body = manager_api.get("/api/v1/regions/", {"parent": "440000", "page_size": 50}).json()
    assert {"code": "440300", "name": "深圳市", "short_name": "", "level": "city", "parent": "440000"} in body[
        "results"
    ]
    assert manager_api.get("/api/v1/regions/440300/").json()["parent"] == "440000"
    assert manager_api.get("/api/v1/regions/999999/").status_code == 404
    assert manager_api.post("/api/v1/regions/", {"code": "999999"}, format="json").status_code == 405


def test_list_query_count_does_not_grow_with_rows(api, django_assert_num_queries):
    api.get(ITEMS)  # the first request renews the session
    with CaptureQueriesContext(connection) as few:
        assert len(api.get(ITEMS, {"category": "service_type"}).json()["results"]) == 3
    DictionaryItem.objects.bulk_create(
        [DictionaryItem(category="expense_type", entry=f"费用{i}", value=f"x{i}") for i in range(17)]
    )
    with django_assert_num_queries(len(few)):
        assert len(api.get(ITEMS, {"category": "expense_type", "page_size": 25}).json()["results"]) == 25
