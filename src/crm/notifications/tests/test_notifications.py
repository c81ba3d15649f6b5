"""s002 消息中心: notify, the inbox with the bell's unread count, marking read, opening links."""

import pytest
from django.core import mail
from django.urls import reverse

from crm.identity.models import UserStatus
from crm.notifications.models import Notification, is_local_link
from crm.notifications.selectors import unread_count
from crm.notifications.services import notification_mark_read, notify

INBOX = "/notifications/"


@pytest.fixture
def alice(org, make_user):
    return make_user("alice", role="manager", department=org.sales1, email="alice@example.com")


@pytest.fixture
def bob(org, make_user):
    return make_user("bob", role="manager", department=org.sales1, email="bob@example.com")


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


def test_notify_skips_inactive_users_and_nobody(alice, make_user, org):
    gone = make_user("gone", department=org.sales1, status=UserStatus.LEFT)
    rows = notify(recipients=[alice, gone, None], title="新客户分配给你", link="/customers/1/")
    assert [row.recipient for row in rows] == [alice]
    assert not Notification.objects.filter(recipient=gone).exists()


def test_email_goes_out_after_commit_when_smtp_is_configured(alice, bob, settings, django_capture_on_commit_callbacks):
    settings.CRM_EMAIL_ENABLED = True
    bob.email = ""
    bob.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[alice, bob], title="服务单待处理", body="请尽快处理", link="/service/7/")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alice@example.com"]
    assert mail.outbox[0].subject == "服务单待处理"
    assert "/service/7/" in mail.outbox[0].body


def test_no_email_without_smtp_or_when_asked_not_to(alice, settings, django_capture_on_commit_callbacks):
    settings.CRM_EMAIL_ENABLED = False
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[alice], title="一")
    settings.CRM_EMAIL_ENABLED = True
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[alice], title="二", email=False)
    assert mail.outbox == []
    assert unread_count(user=alice) == 2


def test_mark_read_touches_only_the_users_own_notifications(alice, bob):
    mine = notify(recipients=[alice], title="mine")[0]
    theirs = notify(recipients=[bob], title="theirs")[0]
    assert notification_mark_read(user=alice, notification_ids=[mine.pk, theirs.pk]) == 1
    assert unread_count(user=alice) == 0 and unread_count(user=bob) == 1


def test_the_layout_shows_the_unread_count_on_the_bell(alice_client, alice):
    notify(recipients=[alice], title="一")
    notify(recipients=[alice], title="二")
    body = alice_client.get(INBOX).content.decode()
    assert 'data-testid="unread-count">2<' in body
    notification_mark_read(user=alice)
    assert 'data-testid="unread-count"' not in alice_client.get(INBOX).content.decode()


def test_the_inbox_lists_own_notifications_with_unread_highlighted(alice_client, alice, bob):
    read = notify(recipients=[alice], title="已读的")[0]
    notification_mark_read(user=alice, notification_ids=[read.pk])
    unread = notify(recipients=[alice], title="未读的")[0]
    notify(recipients=[bob], title="别人的")
    response = alice_client.get(INBOX)
    body = response.content.decode()
    assert "别人的" not in body
    assert [n.pk for n in response.context["notifications"]] == [unread.pk, read.pk]
    row = body.split(f'id="notification-{unread.pk}"')[0].rsplit("<div", 1)[1]
    assert "app-unread" in row
    read_row = body.split(f'id="notification-{read.pk}"')[0].rsplit("<div", 1)[1]
    assert "app-unread" not in read_row
    only_unread = alice_client.get(INBOX, {"show": "unread"})
    assert [n.pk for n in only_unread.context["notifications"]] == [unread.pk]


def test_mark_one_read_with_htmx_swaps_the_row(alice_client, alice):
    note = notify(recipients=[alice], title="甲")[0]
    notify(recipients=[alice], title="乙")
    response = alice_client.post(reverse("notifications:mark_read", args=[note.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="notification-{note.pk}"' in body and "app-unread" not in body
    assert 'hx-swap-oob="innerHTML:#notifications-unread-count">1<' in body
    assert "<html" not in body
    note.refresh_from_db()
    assert note.read_at is not None


def test_mark_one_read_without_htmx_redirects_back(alice_client, alice):
    note = notify(recipients=[alice], title="甲")[0]
    response = alice_client.post(
        reverse("notifications:mark_read", args=[note.pk]), {"next": "/notifications/?show=unread"}
    )
    assert response.status_code == 302 and response["Location"] == "/notifications/?show=unread"
    assert unread_count(user=alice) == 0
    evil = notify(recipients=[alice], title="乙")[0]
    response = alice_client.post(reverse("notifications:mark_read", args=[evil.pk]), {"next": "https://evil.example/"})
    assert response["Location"] == INBOX


def test_mark_all_read(alice_client, alice, bob):
    notify(recipients=[alice], title="一")
    notify(recipients=[alice], title="二")
    notify(recipients=[bob], title="三")
    response = alice_client.post(reverse("notifications:mark_all_read"))
    assert response.status_code == 302
    assert unread_count(user=alice) == 0 and unread_count(user=bob) == 1


def test_marking_read_needs_a_post(alice_client, alice):
    note = notify(recipients=[alice], title="甲")[0]
    assert alice_client.get(reverse("notifications:mark_read", args=[note.pk])).status_code == 405
    assert alice_client.get(reverse("notifications:mark_all_read")).status_code == 405
    assert unread_count(user=alice) == 1


def test_another_users_notification_is_a_404(alice_client, bob):
    theirs = notify(recipients=[bob], title="别人的", link="/customers/")[0]
    assert alice_client.post(reverse("notifications:mark_read", args=[theirs.pk])).status_code == 404
    assert alice_client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    assert unread_count(user=bob) == 1


def test_opening_a_notification_marks_it_read_and_follows_a_local_link(alice_client, alice):
    note = notify(recipients=[alice], title="甲", link="/customers/12/?tab=contacts")[0]
    response = alice_client.get(reverse("notifications:open", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == "/customers/12/?tab=contacts"
    note.refresh_from_db()
    assert note.read_at is not None


@pytest.mark.parametrize(
    "link",
    [
        "https://evil.example/",
        "//evil.example/path",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "/ok/\nLocation: https://evil.example",
        "http:/evil.example",
        "",
    ],
)
def test_opening_refuses_links_that_leave_the_site(alice_client, alice, link):
    note = notify(recipients=[alice], title="可疑", link=link)[0]
    response = alice_client.get(reverse("notifications:open", args=[note.pk]))
    assert response.status_code == 302
    assert response["Location"] == INBOX
    note.refresh_from_db()
    assert note.read_at is not None


def test_local_link_check():
    assert is_local_link("/customers/1/")
    assert is_local_link("/search/?q=张三")
    for link in ("customers/1/", "//x", "/\\x", "https://x/", " /x", "/x y", ""):
        assert not is_local_link(link), link


def test_the_inbox_runs_a_fixed_number_of_queries(alice_client, alice, django_assert_num_queries):
    for i in range(3):
        notify(recipients=[alice], title=f"n{i}")
    alice_client.get(INBOX)  # the system settings row is cached after the first page
    with django_assert_num_queries(QUERIES_PER_INBOX):
        assert len(alice_client.get(INBOX).context["notifications"]) == 3
    for i in range(17):
        notify(recipients=[alice], title=f"m{i}")
    with django_assert_num_queries(QUERIES_PER_INBOX):
        assert len(alice_client.get(INBOX).context["notifications"]) == 20


# session, user, the user's roles for the menu (what they allow is held per process, ADR 0028: was 4
# queries), the page count, the page, the bell's unread count (the session is renewed once a minute).
QUERIES_PER_INBOX = 6
