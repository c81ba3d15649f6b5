"""Announcements: audiences with sub-departments, 404 outside them, read receipts idempotent and
counted set-based, the banner until read (and its query count), publishing within one's scope,
audit."""

import pytest
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crm.access.engine import access_for
from crm.audit.models import AuditEvent
from crm.bulletin import selectors, services
from crm.bulletin.models import Announcement, AnnouncementRead
from crm.bulletin.testing import announce
from crm.core.errors import NotFound, PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db


def test_a_department_s_announcement_reaches_its_sub_departments_only(sales, org, admin_user):
    item = announce(admin_user, org.east)  # 华东大区 > 上海分公司 > 销售一部
    assert set(selectors.audience_users(item)) >= {sales.manager, sales.colleague, sales.supervisor}
    assert sales.other not in selectors.audience_users(item)  # 深圳
    assert selectors.announcement_get(user=sales.manager, pk=item.pk) == item
    with pytest.raises(NotFound):
        selectors.announcement_get(user=sales.other, pk=item.pk)
    assert item not in selectors.announcement_list(user=sales.other)
    everyone = announce(admin_user, title="放假通知")
    assert everyone in selectors.announcement_list(user=sales.other)


def test_scheduled_and_expired_announcements_are_not_shown_to_readers(sales, admin_user):
    later = announce(admin_user, title="下周的通知", publish_at=timezone.now() + timezone.timedelta(days=7))
    gone = announce(admin_user, title="过期通知", publish_at=timezone.now() - timezone.timedelta(days=7),
                    expires_at=timezone.now() - timezone.timedelta(days=1))
    shown = set(selectors.announcement_list(user=sales.manager))
    assert later not in shown and gone not in shown
    assert {later, gone} <= set(selectors.announcement_list(user=admin_user))  # the publisher sees all


def test_read_receipts_are_idempotent_and_counted(sales, org, admin_user):
    item = announce(admin_user, org.sales1)
    for _ in range(3):
        services.announcement_read(user=sales.manager, announcement=item)
    assert AnnouncementRead.objects.filter(announcement=item).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        AnnouncementRead.objects.create(announcement=item, user=sales.manager)
    counts = selectors.receipts(item)
    assert (counts["audience"], counts["read"], counts["unread"]) == (2, 1, 1)
    assert list(counts["unread_users"]) == [sales.colleague]
    services.announcement_read(user=admin_user, announcement=item)  # the publisher, outside the audience
    assert [receipt.user for receipt in selectors.read_users(item)] == [sales.manager]


def test_the_banner_shows_until_read_at_one_query(client, django_assert_num_queries, sales, org, admin_user):
    item = announce(admin_user, org.shanghai, title="上海分公司例会")
    access_for(sales.manager).can("bulletin.announcement.view")  # as the page has already
    with django_assert_num_queries(1):
        banner = selectors.unread_banner(sales.manager)
    assert [row["title"] for row in banner["items"]] == ["上海分公司例会"]
    with django_assert_num_queries(0):
        selectors.unread_banner(sales.manager)  # cached

    client.force_login(sales.manager)
    home = client.get(reverse("console:home")).content.decode()
    assert 'data-testid="announcement-banner"' in home and "上海分公司例会" in home
    page = client.get(reverse("bulletin:announcement", args=[item.pk])).content.decode()
    assert 'data-testid="announcement-banner"' not in page
    assert 'data-testid="announcement-banner"' not in client.get(reverse("console:home")).content.decode()


def test_a_page_costs_one_banner_query_and_none_once_cached(client, sales, org, admin_user):
    announce(admin_user, org.shanghai)
    client.force_login(sales.manager)
    url = reverse("bulletin:posts")
    client.get(url)

    def banner_queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert 'data-testid="announcement-banner"' in client.get(url).content.decode()
        return sum("bulletin_announcementread" in query["sql"] for query in context.captured_queries)

    assert banner_queries() == 0  # cached
    cache.clear()
    assert banner_queries() == 1


def test_a_new_announcement_refreshes_the_cached_banner(sales, org, admin_user):
    assert selectors.unread_banner(sales.manager)["items"] == []
    announce(admin_user, org.sales1, title="新的通知")
    assert [row["title"] for row in selectors.unread_banner(sales.manager)["items"]] == ["新的通知"]


def test_supervisors_publish_to_their_subtree_only(sales, org):
    item = announce(sales.supervisor, org.sales1)
    assert item.author == sales.supervisor
    with pytest.raises(ValidationFailed) as refused:
        announce(sales.supervisor, org.sales2)
    assert "departments" in refused.value.fields
    with pytest.raises(ValidationFailed) as everyone:
        announce(sales.supervisor)
    assert "to_all" in everyone.value.fields
    with pytest.raises(PermissionDenied):
        announce(sales.manager, org.sales1)


def test_publish_edit_delete_are_audited(sales, org, admin_user):
    item = announce(admin_user, org.sales1)
    services.announcement_update(actor=admin_user, announcement=item, data={"title": "改过的通知",
                                                                            "departments": [org.shanghai]})
    assert item.title == "改过的通知" and selectors.audience_departments(item) == [org.shanghai]
    with pytest.raises(PermissionDenied):
        services.announcement_update(actor=sales.supervisor, announcement=item, data={"title": "x"})
    pk = item.pk
    services.announcement_delete(actor=admin_user, announcement=item)
    actions = list(AuditEvent.objects.filter(object_id=str(pk), content_type__model="announcement")
                   .values_list("action", flat=True).order_by("id"))
    assert actions == ["create", "update", "delete"]
    assert not Announcement.objects.exists()


def test_expiry_before_publish_is_refused(admin_user):
    with pytest.raises(ValidationFailed) as refused:
        announce(admin_user, expires_at=timezone.now() - timezone.timedelta(days=1))
    assert "expires_at" in refused.value.fields


def test_pages_404_outside_the_audience_and_publish_with_the_form(client, sales, org, admin_user):
    item = announce(admin_user, org.sales1)
    client.force_login(sales.other)
    assert client.get(reverse("bulletin:announcement", args=[item.pk])).status_code == 404
    client.force_login(sales.supervisor)
    response = client.post(reverse("bulletin:announcement_create"), {
        "title": "分公司通知", "body": "<script>alert(1)</script>", "departments": [org.shanghai.pk],
    })
    assert response.status_code == 302
    created = Announcement.objects.get(title="分公司通知")
    page = client.get(reverse("bulletin:announcement", args=[created.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    bad = client.post(reverse("bulletin:announcement_create"), {"title": "", "body": "", "departments": []},
                      HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert bad.status_code == 400 and "此字段为必填项" in bad.content.decode()
    receipts = client.get(reverse("bulletin:announcement_receipts", args=[created.pk]))
    assert receipts.status_code == 200 and "刘洋" in receipts.content.decode()
    client.force_login(sales.manager)
    assert client.get(reverse("bulletin:announcement_receipts", args=[created.pk])).status_code == 403


def test_global_search_finds_what_the_user_may_open(sales, org, admin_user):
    from crm.bulletin.testing import make_post
    from crm.core.extensions import search_providers

    announce(admin_user, org.sales1, title="销售一部培训通知")
    make_post(sales.other, "培训后的跟进技巧", "培训结束当天发感谢信。", tags="培训")
    providers = {provider.key: provider for provider in search_providers()}

    def labels(user, key):
        return [hit.label for hit in providers[key].search(user, "培训", 5)]

    assert labels(sales.manager, "bulletin.announcements") == ["销售一部培训通知"]
    assert labels(sales.other, "bulletin.announcements") == []  # 深圳: not addressed
    assert labels(sales.manager, "bulletin.posts") == ["培训后的跟进技巧"]
