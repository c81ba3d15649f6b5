"""Security basics (NFR-3): CSP, hashing, session expiry, deploy checks, uploads not public."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher


def test_pages_carry_a_content_security_policy_without_unsafe_script(client, db):
    response = client.get("/login/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-eval" not in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_no_template_has_inline_script_or_event_handler():
    root = settings.PACKAGE_DIR
    offenders = []
    for path in root.rglob("templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        for marker in (
            "<script>",
            '<script type="text/javascript">',
            " onclick=",
            " onchange=",
            " onsubmit=",
            " hx-on",
        ):
            if marker in text:
                offenders.append(f"{path.relative_to(root)}: {marker.strip()}")
    assert offenders == []


def test_production_passwords_use_argon2_and_sessions_expire_when_idle():
    from crm.settings import PASSWORD_HASHERS as production_hashers

    assert production_hashers[0].endswith("Argon2PasswordHasher")
    hasher = Argon2PasswordHasher()
    assert hasher.verify("s3cret-密码", hasher.encode("s3cret-密码", hasher.salt()))
    assert 0 < settings.SESSION_COOKIE_AGE <= 8 * 3600
    assert 0 < settings.CRM_SESSION_RENEW_SECONDS <= 300


def test_a_request_renews_the_idle_session_at_most_once_a_minute(client, admin_user):
    from django.contrib.sessions.models import Session

    client.force_login(admin_user)
    client.get("/api/v1/me/")
    key = client.session.session_key
    renewed = client.session["_renewed"]
    expiry = Session.objects.get(pk=key).expire_date
    client.get("/api/v1/me/")
    assert Session.objects.get(pk=key).expire_date == expiry  # no write within the minute

    session = client.session
    session["_renewed"] = renewed - settings.CRM_SESSION_RENEW_SECONDS
    session.save()
    saved = Session.objects.get(pk=key).expire_date
    response = client.get("/api/v1/me/")
    assert response.status_code == 200
    assert Session.objects.get(pk=key).expire_date > saved
    assert client.session["_renewed"] >= renewed
    assert settings.SESSION_COOKIE_NAME in response.cookies  # the browser's cookie is renewed too


def test_pages_need_a_login_and_the_api_answers_401_in_json(client):
    assert client.get("/").status_code == 302
    response = client.get("/api/v1/me/")
    assert response.status_code in (401, 403)
    assert "error" in response.json()


def test_unknown_api_path_is_a_json_404(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_uploaded_files_have_no_public_url(client, admin_user):
    client.force_login(admin_user)
    assert client.get(f"{settings.MEDIA_URL}branding/logo.png").status_code == 404


@pytest.mark.parametrize("proxies", ["127.0.0.1", ""])
def test_deploy_check_passes_with_production_settings(tmp_path, proxies):
    """Behind TLS the proxy must be named, or its forwarded headers are dropped (a warning)."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "crm.settings",
        "CRM_DATA_DIR": str(tmp_path),
        "CRM_SECRET_KEY": "a-long-random-production-key-" + "x" * 40,
        "CRM_HTTPS": "1",
        "CRM_TRUSTED_PROXIES": proxies,
        "CRM_ALLOWED_HOSTS": "crm.example.cn",
        "CRM_DEBUG": "0",
    }
    result = subprocess.run(
        [sys.executable, "-m", "crm", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if proxies:
        assert result.returncode == 0, result.stdout + result.stderr
    else:
        assert result.returncode != 0 and "crm.W001" in result.stdout + result.stderr


def test_the_500_page_renders_without_touching_the_database(rf, db, django_assert_num_queries):
    from crm.core.views.errors import server_error

    with django_assert_num_queries(0):
        page = server_error(rf.get("/customers/"))
        api = server_error(rf.get("/api/v1/users/"))
    assert page.status_code == 500 and b"500" in page.content
    assert api.status_code == 500
    assert json.loads(api.content)["error"]["code"] == "server_error"
