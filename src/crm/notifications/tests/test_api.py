"""s002 消息中心 over the API: only the caller's own notifications; another user's are 404."""

import pytest
from rest_framework.test import APIClient

from crm.notifications.selectors import unread_count
from crm.notifications.services import notification_mark_read, notify

URL = "/api/v1/notifications/"


@pytest.fixture
def alice(org, make_user):
    return make_user("alice", role="manager", department=org.sales1)


@pytest.fixture
def bob(org, make_user):
    return make_user("bob", role="service", department=org.sales2)


@pytest.fixture
def api(alice):
    client = APIClient()
    client.force_login(alice)
    return client


def test_list_own_notifications_newest_first(api, alice, bob):
    first = notify(recipients=[alice], title="一", body="正文", link="/customers/1/", kind="customer")[0]
    second = notify(recipients=[alice], title="二")[0]
    notify(recipients=[bob], title="别人的")
    body = api.get(URL).json()
    assert body["count"] == 2
    assert [row["id"] for row in body["results"]] == [second.pk, first.pk]
    row = body["results"][1]
    assert row["title"] == "一" and row["link"] == "/customers/1/" and row["kind"] == "customer"
    assert row["is_read"] is False and row["read_at"] is None


def test_unread_filter(api, alice):
    read = notify(recipients=[alice], title="读过")[0]
    unread = notify(recipients=[alice], title="没读")[0]
    notification_mark_read(user=alice, notification_ids=[read.pk])
    assert [row["id"] for row in api.get(URL, {"unread": "true"}).json()["results"]] == [unread.pk]
    assert api.get(URL, {"unread": "false"}).json()["count"] == 2


def test_mark_one_read_answers_the_notification(api, alice):
    note = notify(recipients=[alice], title="一")[0]
    response = api.post(f"{URL}{note.pk}/read/")
    assert response.status_code == 200
    assert response.json()["id"] == note.pk and response.json()["is_read"] is True
    assert unread_count(user=alice) == 0


def test_read_all_answers_how_many(api, alice, bob):
    notify(recipients=[alice], title="一")
    notify(recipients=[alice], title="二")
    notify(recipients=[bob], title="三")
    response = api.post(f"{URL}read-all/")
    assert response.status_code == 200 and response.json() == {"updated": 2}
    assert api.post(f"{URL}read-all/").json() == {"updated": 0}
    assert unread_count(user=bob) == 1


def test_another_users_notification_is_404(api, bob):
    theirs = notify(recipients=[bob], title="别人的")[0]
    for response in (api.get(f"{URL}{theirs.pk}/"), api.post(f"{URL}{theirs.pk}/read/")):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert unread_count(user=bob) == 1


def test_anonymous_callers_are_refused_and_writes_other_than_actions_are_405(api, alice):
    note = notify(recipients=[alice], title="一")[0]
    assert APIClient().get(URL).status_code in (401, 403)
    assert api.delete(f"{URL}{note.pk}/").status_code == 405
    assert api.post(URL, {"title": "x"}).status_code == 405


def test_the_list_runs_a_fixed_number_of_queries(api, alice, django_assert_num_queries):
    for i in range(3):
        notify(recipients=[alice], title=f"n{i}")
    api.get(URL)  # the first request renews the session
    with django_assert_num_queries(QUERIES_PER_LIST):
        assert len(api.get(URL).json()["results"]) == 3
    for i in range(22):
        notify(recipients=[alice], title=f"m{i}")
    with django_assert_num_queries(QUERIES_PER_LIST):
        assert len(api.get(URL, {"page_size": 50}).json()["results"]) == 25


# session, user, the count, the page (the session is renewed once a minute, not per request).
QUERIES_PER_LIST = 4
