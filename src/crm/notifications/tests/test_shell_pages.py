"""The core pages assigned with the notification centre: the workbench with its panels (WB-1),
global search results, and the system settings page (s001 系统配置)."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from crm.core import extensions
from crm.core.extensions import SearchHit, SearchProvider
from crm.notifications.services import notification_mark_read, notify


@pytest.fixture
def alice(org, make_user):
    return make_user("alice", role="manager", department=org.sales1)


def test_the_workbench_shows_the_five_latest_unread_notifications(client, alice):
    read = notify(recipients=[alice], title="读过的")[0]
    notification_mark_read(user=alice, notification_ids=[read.pk])
    for i in range(7):
        notify(recipients=[alice], title=f"消息{i}", link=f"/customers/{i}/")
    client.force_login(alice)
    response = client.get(reverse("console:home"))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="panel-notifications"' in body
    panel = next(p for p in response.context["panels"] if p["template"] == "notifications/panel.html")
    assert [n.title for n in panel["notifications"]] == ["消息6", "消息5", "消息4", "消息3", "消息2"]
    assert "消息1" not in body and "读过的" not in body


def test_the_workbench_has_an_empty_state_without_panels(client, alice, monkeypatch):
    monkeypatch.setattr(extensions, "_panels", {})
    client.force_login(alice)
    body = client.get(reverse("console:home")).content.decode()
    assert "app-empty" in body and "workbench-panels" not in body


def test_search_without_a_query_shows_a_hint(client, alice):
    client.force_login(alice)
    body = client.get(reverse("console:search")).content.decode()
    assert 'data-testid="search-hint"' in body


def test_search_shows_groups_of_hits_and_an_empty_state(client, alice, monkeypatch):
    def find(user, query, limit):
        return [SearchHit(label=f"{query}科技有限公司", url="/customers/5/", kind="客户", detail="上海 · 张三")]

    monkeypatch.setattr(extensions, "_providers", {"demo": SearchProvider(key="demo", search=find)})
    client.force_login(alice)
    body = client.get(reverse("console:search"), {"q": "华为"}).content.decode()
    assert 'data-testid="search-results"' in body
    assert 'href="/customers/5/"' in body and "华为科技有限公司" in body and "上海 · 张三" in body
    monkeypatch.setattr(extensions, "_providers", {})
    body = client.get(reverse("console:search"), {"q": "<b>无此</b>"}).content.decode()
    assert 'data-testid="search-empty"' in body and "&lt;b&gt;无此&lt;/b&gt;" in body


def _png() -> io.BytesIO:
    data = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(data, "PNG")
    data.seek(0)
    data.name = "logo.png"
    return data


def test_the_settings_page_changes_the_name_and_the_logo(
    client, admin_user, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(admin_user)
    page = client.get(reverse("console:settings")).content.decode()
    assert 'enctype="multipart/form-data"' in page
    with django_capture_on_commit_callbacks(execute=True):  # the cached settings are dropped on commit
        response = client.post(
            reverse("console:settings"), {"name": "星河CRM", "company_name": "星河科技", "logo": _png()}
        )
    assert response.status_code == 302
    page = client.get(reverse("console:settings")).content.decode()
    assert "星河CRM" in page.split("</header>")[0]  # the top bar
    assert reverse("console:logo") in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("console:settings"), {"name": "星河CRM", "logo-clear": "on"})
    assert response.status_code == 302
    assert reverse("console:logo") not in client.get(reverse("console:settings")).content.decode()


def test_the_settings_page_reports_errors_and_is_for_administrators(client, admin_user, alice):
    client.force_login(admin_user)
    response = client.post(reverse("console:settings"), {"name": ""})
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()
    client.force_login(alice)
    assert client.get(reverse("console:settings")).status_code == 403
