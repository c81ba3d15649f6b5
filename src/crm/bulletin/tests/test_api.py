"""The API: /api/v1/announcements/ (mine with the read flag, reading marks read, receipts for the
publisher, 404 outside the audience) and /api/v1/know-how/ (posts, search, answers, likes)."""

import pytest

from crm.bulletin.models import AnnouncementRead
from crm.bulletin.testing import announce, make_post
from crm.testing import api_client, api_error

pytestmark = pytest.mark.django_db

ANNOUNCEMENTS = "/api/v1/announcements/"
KNOW_HOW = "/api/v1/know-how/"


def test_announcements_read_flag_receipts_and_scope(sales, org, admin_user):
    item = announce(admin_user, org.sales1, title="销售一部通知")
    manager = api_client(sales.manager)
    rows = manager.get(ANNOUNCEMENTS).json()["results"]
    assert [(row["title"], row["is_read"]) for row in rows] == [("销售一部通知", False)]
    detail = manager.get(f"{ANNOUNCEMENTS}{item.pk}/").json()
    assert detail["is_read"] is True and detail["departments"] == [org.sales1.pk]
    manager.get(f"{ANNOUNCEMENTS}{item.pk}/")
    assert AnnouncementRead.objects.filter(announcement=item).count() == 1
    assert manager.get(ANNOUNCEMENTS, {"unread": "true"}).json()["results"] == []
    api_error(manager.get(f"{ANNOUNCEMENTS}{item.pk}/receipts/"), 403)
    api_error(api_client(sales.other).get(f"{ANNOUNCEMENTS}{item.pk}/"), 404)

    receipts = api_client(admin_user).get(f"{ANNOUNCEMENTS}{item.pk}/receipts/", {"page_size": 1}).json()
    assert receipts["counts"] == {"audience": 2, "read": 1, "unread": 1}
    assert [row["name"] for row in receipts["results"]] == ["周杰"]


def test_publishing_through_the_api(sales, org):
    supervisor = api_client(sales.supervisor)
    created = supervisor.post(ANNOUNCEMENTS, {"title": "分公司通知", "body": "内容", "departments": [org.shanghai.pk]},
                              format="json")
    assert created.status_code == 201, created.content
    error = api_error(supervisor.post(ANNOUNCEMENTS, {"title": "x", "body": "y", "departments": [org.sales2.pk]},
                                      format="json", HTTP_ACCEPT_LANGUAGE="zh-hans"), 400, "validation_error")
    assert "departments" in error["fields"]
    api_error(supervisor.post(ANNOUNCEMENTS, {"title": "x" * 201, "body": "y", "to_all": True}, format="json"), 400)
    api_error(api_client(sales.manager).post(ANNOUNCEMENTS, {"title": "x", "body": "y", "to_all": True},
                                             format="json"), 403)
    changed = supervisor.patch(f"{ANNOUNCEMENTS}{created.json()['id']}/", {"pinned": True}, format="json")
    assert changed.status_code == 200 and changed.json()["pinned"] is True
    assert supervisor.delete(f"{ANNOUNCEMENTS}{created.json()['id']}/").status_code == 204


def test_know_how_posts_answers_likes(sales):
    post = make_post(sales.manager, "展会获客经验", "展会前一周邀约老客户到展位。", tags="展会")
    colleague = api_client(sales.colleague)
    assert [row["title"] for row in colleague.get(KNOW_HOW, {"search": "展会"}).json()["results"]] == ["展会获客经验"]
    assert colleague.get(KNOW_HOW, {"search": "招标"}).json()["count"] == 0
    api_error(colleague.get(KNOW_HOW, {"ordering": "nonsense"}), 400)
    assert colleague.post(f"{KNOW_HOW}{post.pk}/like/").json() == {"liked": True, "like_count": 1}
    assert colleague.get(f"{KNOW_HOW}{post.pk}/").json()["liked"] is True
    answer = colleague.post(f"{KNOW_HOW}{post.pk}/answers/", {"body": "很好"}, format="json")
    assert answer.status_code == 201
    answer_id = answer.json()["id"]
    assert colleague.post(f"{KNOW_HOW}{post.pk}/answers/{answer_id}/like/").json()["like_count"] == 1
    assert [row["body"] for row in colleague.get(f"{KNOW_HOW}{post.pk}/answers/").json()] == ["很好"]
    api_error(colleague.patch(f"{KNOW_HOW}{post.pk}/", {"title": "改"}, format="json"), 403)
    created = colleague.post(KNOW_HOW, {"title": "新经验", "body": "内容", "tags": ["谈判", "报价"]}, format="json")
    assert created.status_code == 201 and created.json()["tags"] == ["谈判", "报价"]
    assert colleague.delete(f"{KNOW_HOW}{post.pk}/answers/{answer_id}/").status_code == 204
    api_error(colleague.get(f"{KNOW_HOW}999999/"), 404)
