"""The dictionary pages (DICT-1, DICT-2; s003/5 §3.5.1 图表 24-26)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crm.dictionary.models import DictionaryItem

LIST = reverse("dictionary:item_list")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def manager(org, make_user):
    return make_user("m1", role="manager", department=org.sales1)


def _rows(response) -> int:
    return response.content.decode().count('data-testid="item-row"')


def test_edit_and_delete_buttons_only_on_editable_items(admin_client):
    response = admin_client.get(LIST, {"category": "service_type"})
    html = response.content.decode()
    assert response.status_code == 200
    assert _rows(response) == 3 and "投诉" in html
    assert 'data-testid="item-edit"' not in html and 'data-testid="item-delete"' not in html
    response = admin_client.get(LIST, {"category": "customer_level"})
    html = response.content.decode()
    assert _rows(response) == 5
    assert html.count('data-testid="item-edit"') == 5 and html.count('data-testid="item-delete"') == 5
    assert "data-confirm=" in html


def test_list_filters_by_category_and_searches_entry_and_value(admin_client):
    response = admin_client.get(LIST, {"q": "战略"})
    assert _rows(response) == 1 and "战略合作伙伴" in response.content.decode()
    response = admin_client.get(LIST, {"category": "followup_method", "q": "wechat"})
    assert _rows(response) == 1 and "微信" in response.content.decode()
    response = admin_client.get(LIST, {"category": "nonsense"})
    assert _rows(response) == 25  # unknown category: unfiltered, first page
    html = response.content.decode()
    # unfiltered, the categories come in registration order: 客户等级, 服务类型, 地区, …
    assert html.index("战略合作伙伴") < html.index("咨询") < html.index("华北")


def test_a_manager_reads_the_list_without_buttons_and_cannot_create(client, manager):
    client.force_login(manager)
    response = client.get(LIST, {"category": "customer_level"})
    assert response.status_code == 200
    assert 'data-testid="item-edit"' not in response.content.decode()
    assert 'data-testid="item-create"' not in response.content.decode()
    assert client.get(reverse("dictionary:item_create")).status_code == 403
    response = client.post(
        reverse("dictionary:item_create"), {"category": "customer_level", "entry": "x", "value": "9"}
    )
    assert response.status_code == 403
    assert not DictionaryItem.objects.filter(value="9").exists()
    item = DictionaryItem.objects.get(category="customer_level", value="1")
    assert client.post(reverse("dictionary:item_delete", args=[item.pk])).status_code == 403
    assert DictionaryItem.objects.filter(pk=item.pk).exists()


def test_create_then_edit_then_delete(admin_client):
    response = admin_client.post(
        reverse("dictionary:item_create"),
        {
            "category": "customer_level",
            "entry": "潜在客户",
            "value": "6",
            "sort_order": "60",
            "is_active": "on",
            "editable": "on",
        },
    )
    assert response.status_code == 302 and "category=customer_level" in response["Location"]
    item = DictionaryItem.objects.get(category="customer_level", value="6")
    assert item.entry == "潜在客户" and item.editable and item.is_active

    edit = reverse("dictionary:item_edit", args=[item.pk])
    assert admin_client.get(edit).status_code == 200
    response = admin_client.post(
        edit, {"category": "customer_level", "entry": "意向客户", "value": "6", "sort_order": "60", "editable": "on"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.entry == "意向客户" and not item.is_active  # the unticked box deactivates it

    response = admin_client.post(
        reverse("dictionary:item_delete", args=[item.pk]), {"next": f"{LIST}?category=customer_level"}
    )
    assert response.status_code == 302 and response["Location"] == f"{LIST}?category=customer_level"
    assert not DictionaryItem.objects.filter(pk=item.pk).exists()


def test_a_duplicate_value_is_shown_on_the_value_field(admin_client):
    response = admin_client.post(
        reverse("dictionary:item_create"),
        {"category": "customer_level", "entry": "重复", "value": "2", "editable": "on"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["value"]
    assert DictionaryItem.objects.filter(category="customer_level", value="2").count() == 1


def test_a_locked_item_is_shown_read_only_and_cannot_be_changed(admin_client):
    item = DictionaryItem.objects.get(category="service_type", value="1")
    edit = reverse("dictionary:item_edit", args=[item.pk])
    response = admin_client.get(edit)
    html = response.content.decode()
    assert response.status_code == 200 and "咨询" in html
    assert 'data-testid="item-save"' not in html and "disabled" in html
    admin_client.post(edit, {"category": "service_type", "entry": "问询", "value": "1"})
    item.refresh_from_db()
    assert item.entry == "咨询"
    response = admin_client.post(reverse("dictionary:item_delete", args=[item.pk]), follow=True)
    assert DictionaryItem.objects.filter(pk=item.pk).exists()
    assert any("咨询" in str(message) for message in response.context["messages"])


def test_an_item_in_use_is_not_deleted_and_the_reason_is_shown(admin_client):
    parent = DictionaryItem.objects.create(category="industry", entry="汽车", value="auto")
    DictionaryItem.objects.create(category="industry", entry="新能源汽车", value="auto_ev", parent=parent)
    response = admin_client.post(reverse("dictionary:item_delete", args=[parent.pk]), follow=True)
    assert DictionaryItem.objects.filter(pk=parent.pk).exists()
    assert response.status_code == 200
    assert any("汽车" in str(m) for m in response.context["messages"])


def test_unknown_item_is_404(admin_client):
    assert admin_client.get(reverse("dictionary:item_edit", args=[999999])).status_code == 404
    assert admin_client.post(reverse("dictionary:item_delete", args=[999999])).status_code == 404


def test_list_page_query_count_does_not_grow_with_rows(admin_client, django_assert_num_queries):
    admin_client.get(LIST)  # cached settings warm up
    with CaptureQueriesContext(connection) as few:
        assert _rows(admin_client.get(LIST, {"category": "service_type"})) == 3
    DictionaryItem.objects.bulk_create(
        [DictionaryItem(category="expense_type", entry=f"费用{i}", value=f"x{i}") for i in range(17)]
    )
    with django_assert_num_queries(len(few)):
        assert _rows(admin_client.get(LIST, {"category": "expense_type"})) == 25


def test_regions_page_lists_provinces_with_their_cities(admin_client):
    response = admin_client.get(reverse("dictionary:region_list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-bs-toggle="collapse"') == 34
    assert "广东省" in html and "深圳市" in html and "440300" in html


def test_cities_endpoint_returns_options(admin_client, manager, client):
    url = reverse("dictionary:region_cities")
    html = admin_client.get(url, {"province": "440000"}).content.decode()
    assert '<option value="440300">深圳市</option>' in html
    assert html.startswith('<option value="">')
    html = admin_client.get(url, {"from": "billing_province", "billing_province": "110000"}).content.decode()
    assert "110100" in html and "440300" not in html
    assert admin_client.get(url, {"province": "x' or 1=1"}).content.decode().count("<option") == 1
    client.force_login(manager)  # every user fills in addresses
    assert client.get(url, {"province": "440000"}).status_code == 200
