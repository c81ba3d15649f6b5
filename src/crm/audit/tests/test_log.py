"""ORG-8: logins, logouts and failed logins are logged with the address; the log is append-only."""

import pytest
from django.urls import reverse

from crm.audit.models import AppendOnlyError, AuditAction, AuditEvent
from crm.audit.services import audit_create, audit_record, audit_update
from crm.console.services import system_settings_update
from crm.core import context


def _login(client, username, password="crm-demo", ip="10.1.2.3"):
    return client.post(
        reverse("identity:login"), {"username": username, "password": password}, REMOTE_ADDR=ip, HTTP_USER_AGENT="UA/1"
    )


def test_a_ui_login_writes_a_login_event_with_user_and_ip(client, admin_user):
    response = _login(client, "admin1")
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.LOGIN)
    assert event.actor == admin_user
    assert event.actor_name.startswith("admin1")
    assert event.ip == "10.1.2.3"
    assert event.source == "ui"
    assert event.user_agent == "UA/1"


def test_a_failed_login_writes_login_failed_with_the_username(client, admin_user):
    response = _login(client, "admin1", password="wrong-password", ip="10.9.9.9")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert event.actor is None
    assert event.object_repr == "admin1"
    assert event.ip == "10.9.9.9"
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN).exists()


def test_a_failed_login_for_an_unknown_username_is_logged_too(client, db):
    _login(client, "nobody-here", password="whatever-123")
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, object_repr="nobody-here").exists()


def test_attempts_refused_by_the_lockout_are_logged_as_failed_logins(client, admin_user, settings):
    settings.CRM_LOGIN_MAX_FAILURES = 2
    for _attempt in range(2):
        _login(client, "admin1", password="wrong-password")
    response = _login(client, "admin1")  # the right password, but locked out
    assert response.status_code == 200
    failed = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, object_repr="admin1")
    assert failed.count() == 3
    assert failed.first().message == "admin1 (locked out)"
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN).exists()


def test_logout_writes_a_logout_event(client, admin_user):
    _login(client, "admin1")
    client.post(reverse("identity:logout"), REMOTE_ADDR="10.1.2.4")
    event = AuditEvent.objects.get(action=AuditAction.LOGOUT)
    assert event.actor == admin_user
    assert event.ip == "10.1.2.4"


def test_a_change_through_a_service_records_before_and_after(admin_user):
    with context.acting("ui", "10.0.0.8"):
        system_settings_update(actor=admin_user, data={"name": "新名字", "company_name": "某公司"})
    event = AuditEvent.objects.filter(action=AuditAction.UPDATE).latest("id")
    assert event.changes["name"][1] == "新名字"
    assert event.changes["company_name"] == ["", "某公司"]
    assert event.ip == "10.0.0.8" and event.actor == admin_user


def test_audit_update_without_changes_writes_nothing(admin_user):
    assert audit_update(actor=admin_user, instance=admin_user, changes={}) is None
    assert AuditEvent.objects.count() == 0


def test_create_snapshots_leave_out_the_password(admin_user):
    event = audit_create(actor=admin_user, instance=admin_user)
    assert "password" not in event.changes
    assert event.changes["username"] == [None, "admin1"]


class TestAppendOnly:
    @pytest.fixture
    def event(self, admin_user):
        return audit_record(actor=admin_user, action=AuditAction.OTHER, message="original")

    def test_an_event_cannot_be_saved_again(self, event):
        event.message = "changed"
        with pytest.raises(AppendOnlyError):
            event.save()
        assert AuditEvent.objects.get(pk=event.pk).message == "original"

    def test_an_event_cannot_be_deleted(self, event):
        with pytest.raises(AppendOnlyError):
            event.delete()
        assert AuditEvent.objects.filter(pk=event.pk).exists()

    def test_querysets_cannot_update_or_delete(self, event):
        with pytest.raises(AppendOnlyError):
            AuditEvent.objects.filter(pk=event.pk).update(message="changed")
        with pytest.raises(AppendOnlyError):
            AuditEvent.objects.all().delete()
        with pytest.raises(AppendOnlyError):
            AuditEvent.objects.for_object(event.actor).delete()
        assert AuditEvent.objects.get(pk=event.pk).message == "original"

    def test_the_pages_offer_no_way_to_change_an_event(self, client, admin_user, event):
        client.force_login(admin_user)
        for url in (reverse("console:audit_list"), reverse("console:audit_detail", args=[event.pk])):
            assert client.post(url, {"message": "changed"}).status_code == 405
        assert AuditEvent.objects.get(pk=event.pk).message == "original"
