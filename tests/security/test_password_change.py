"""A password change ends every session and API token but the one making it (issue 12 #3), by
the user on their profile or by an administrator, for someone else or for themself."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from crm.identity.demo import DEMO_PASSWORD

STRONG = "Xq7!mV2#pL9z"
TOKEN = "/api/v1/auth/token/"


def _token(username, password=DEMO_PASSWORD):
    return APIClient().post(TOKEN, {"username": username, "password": password}, format="json").json()["token"]


def _logged_in(username, password=DEMO_PASSWORD) -> Client:
    client = Client()
    assert client.post("/login/", {"username": username, "password": password}).status_code == 302
    return client


def _works(client=None, token=None) -> bool:
    if token:
        return APIClient(HTTP_AUTHORIZATION=f"Token {token}").get("/api/v1/me/").status_code == 200
    return client.get("/profile/").status_code == 200


@pytest.fixture
def lisi(org, make_user):
    return make_user("lisi", role="manager", department=org.sales1)


def test_changing_ones_own_password_ends_the_other_sessions_and_every_token(lisi):
    token, other, here = _token("lisi"), _logged_in("lisi"), _logged_in("lisi")
    changed = here.post(
        "/profile/password/", {"old_password": DEMO_PASSWORD, "new_password1": STRONG, "new_password2": STRONG}
    )
    assert changed.status_code == 302
    assert _works(here) and not _works(other) and not _works(token=token)


@pytest.mark.parametrize("own", [False, True])
def test_an_administrators_reset_ends_everything_but_the_session_making_it(lisi, admin_user, own):
    target = admin_user if own else lisi
    username = target.username
    token, other = _token(username), _logged_in(username)
    admin = _logged_in(admin_user.username) if own else Client()
    if not own:
        admin.force_login(admin_user)
    response = admin.post(f"/users/{target.pk}/password/", {"password": STRONG, "password2": STRONG})
    assert response.status_code == 302
    assert not _works(other) and not _works(token=token)
    assert _works(admin)  # the administrator's own session goes on


def test_a_password_change_keeps_the_token_that_made_it(lisi):
    from crm.identity.services import password_change

    keep, drop = _token("lisi"), _token("lisi")
    password_change(user=lisi, new_password=STRONG, keep_token=keep)
    assert _works(token=keep) and not _works(token=drop)
