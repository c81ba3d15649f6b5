"""Forwarded addresses count only from configured proxies (issue 12 #4): a client rotating
X-Forwarded-For neither escapes the token throttle and the login lockout nor writes a forged
address into the audit log; behind a trusted proxy, the real client's address is used everywhere."""

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from crm.audit.models import AuditAction, AuditEvent

TOKEN = "/api/v1/auth/token/"


@pytest.fixture
def user(org, make_user):
    return make_user("lisi", role="manager", department=org.sales1)


def _attempts(client, count, usernames=("lisi",)):
    return [
        client.post(
            TOKEN,
            {"username": usernames[i % len(usernames)], "password": "wrong"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"10.9.{i}.1",
        )
        for i in range(count)
    ]


def test_a_rotated_forwarded_address_is_ignored_without_a_trusted_proxy(user, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")  # as with CRM_HTTPS=1
    client = APIClient()
    statuses = [r.status_code for r in _attempts(client, 12)]
    assert statuses[:5] == [400] * 5 and statuses[-1] == 429  # locked and throttled all the same
    failed = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED)
    assert set(failed.values_list("ip", flat=True)) == {"127.0.0.1"}  # the connection's, not the header's
    page = client.get("/login/", HTTP_X_FORWARDED_PROTO="https")
    assert page.wsgi_request.is_secure() is False  # a client cannot claim HTTPS


def test_behind_a_trusted_proxy_the_client_address_is_the_proxys_last_hop(user, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    with override_settings(CRM_TRUSTED_PROXIES=["127.0.0.1", "10.0.0.0/8"]):
        client = APIClient()
        client.post(
            TOKEN,
            {"username": "lisi", "password": "wrong"},
            format="json",
            HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.9, 10.1.2.3",  # forged, client, inner proxy
        )
        page = client.get("/login/", HTTP_X_FORWARDED_PROTO="https")
        assert page.wsgi_request.is_secure() is True
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert event.ip == "203.0.113.9"


def test_the_token_throttle_counts_the_real_client_behind_a_proxy(user):
    with override_settings(CRM_TRUSTED_PROXIES=["127.0.0.1"]):
        client = APIClient()
        names = [f"x{i}" for i in range(11)]  # eleven clients (10.9.*.1), eleven names: no lockout either
        assert 429 not in [r.status_code for r in _attempts(client, 11, usernames=names)]
    statuses = [r.status_code for r in _attempts(APIClient(), 11, usernames=names)]  # untrusted: one client
    assert statuses[-1] == 429
