"""ORG-8: the audit page for administrators: filters, login log, before/after, capped counts."""

import pytest
from django.urls import reverse

from crm.access.engine import access_for
from crm.access.models import Role, RolePermission
from crm.audit.models import AuditAction, AuditEvent
from crm.audit.tests.factories import backdate, make_event, shanghai
from crm.console.selectors import COUNT_CAP
from crm.console.templatetags.audit_tags import change_rows
from crm.identity.models import User, UserStatus

URL = "/audit/"


@pytest.fixture
def auditor(org, make_user):
    """Someone whose one permission is reading the log (the admin role has it among all others)."""
    role = Role.objects.create(code="auditor", name="审计员")
    RolePermission.objects.create(role=role, code="audit.event.view")
    user = make_user("auditor", department=org.head)
    user.roles.add(role)
    return user


@pytest.fixture
def admin_client(client, auditor):
    client.force_login(auditor)
    return client


def test_administrators_and_only_they_may_read_the_log(admin_user, org, make_user):
    assert access_for(admin_user).can("audit.event.view")
    for role in ("executive", "supervisor", "manager", "service", "marketing"):
        assert not access_for(make_user(f"u-{role}", role=role, department=org.sales1)).can("audit.event.view")


@pytest.fixture
def events(org, admin_user, make_user):
    """A small log with one distinguishable event per filter value."""
    other = make_user("clerk", role="manager", department=org.sales1, name="小王")
    return {
        "other": other,
        "by_other": make_event(other, AuditAction.UPDATE, instance=org.sales1, object_repr="EV-by-other"),
        "delete": make_event(admin_user, AuditAction.DELETE, instance=org.sales2, object_repr="EV-delete"),
        "user_record": make_event(admin_user, AuditAction.CREATE, instance=other, object_repr="EV-user-record"),
        "api": make_event(admin_user, AuditAction.UPDATE, instance=org.east, source="api", object_repr="EV-api"),
        "message": make_event(admin_user, AuditAction.OTHER, message="EV-needle in the message"),
        "failed": make_event(None, AuditAction.LOGIN_FAILED, object_repr="ghost", message="ghost"),
    }


def _shown(response) -> set[int]:
    assert response.status_code == 200
    return {event.pk for event in response.context["page_obj"].object_list}


def test_the_page_needs_the_audit_permission(client, org, make_user):
    client.force_login(make_user("mgr", role="manager", department=org.sales1))
    assert client.get(URL).status_code == 403
    event = AuditEvent.objects.latest("id")
    assert client.get(reverse("console:audit_detail", args=[event.pk])).status_code == 403


def test_the_page_lists_events_newest_first(admin_client, events):
    response = admin_client.get(URL)
    shown = [event.pk for event in response.context["page_obj"].object_list]
    assert shown == sorted(shown, reverse=True)
    assert {e.pk for e in events.values() if isinstance(e, AuditEvent)} <= set(shown)
    body = response.content.decode()
    assert "EV-by-other" in body and "10.0.0.1" in body


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"action": "delete"}, {"delete"}),
        ({"record_type": "identity.user", "action": "create"}, {"user_record"}),
        ({"record_type": "identity.department", "source": "api"}, {"api"}),
        ({"q": "needle"}, {"message"}),
        ({"q": "EV-DELETE"}, {"delete"}),
        ({"action": "login_failed", "q": "ghost"}, {"failed"}),
    ],
)
def test_filters_select_the_matching_events(admin_client, events, query, expected):
    shown = _shown(admin_client.get(URL, query))
    assert shown == {events[name].pk for name in expected}


def test_the_user_filter(admin_client, events):
    shown = _shown(admin_client.get(URL, {"user": events["other"].pk}))
    assert shown == {events["by_other"].pk}


def test_a_bad_filter_value_is_reported_and_the_other_filters_still_apply(admin_client, events):
    response = admin_client.get(URL, {"record_type": "nope.nothing", "action": "delete"})
    assert _shown(response) == {events["delete"].pk}
    assert response.context["form"].errors["record_type"]


def test_dates_are_whole_days_in_shanghai_time(admin_client, events):
    late = backdate(events["delete"], shanghai(2026, 1, 5, 23, 30))  # 15:30 UTC, still the 5th here
    early = backdate(events["api"], shanghai(2026, 1, 5, 0, 5))
    next_day = backdate(events["message"], shanghai(2026, 1, 6, 0, 10))
    assert _shown(admin_client.get(URL, {"date_from": "2026-01-05", "date_to": "2026-01-05"})) == {late.pk, early.pk}
    from_6th = _shown(admin_client.get(URL, {"date_from": "2026-01-06"}))
    assert next_day.pk in from_6th and late.pk not in from_6th
    response = admin_client.get(URL, {"date_to": "2026-01-05"})
    assert [event.pk for event in response.context["page_obj"].object_list] == [late.pk, early.pk]  # newest first


def test_an_end_date_before_the_start_is_an_error_not_a_crash(admin_client, events):
    response = admin_client.get(URL, {"date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert response.status_code == 200
    assert "date_to" in response.context["form"].errors
    response = admin_client.get(URL, {"date_from": "2026-13-45"})
    assert response.status_code == 200 and "date_from" in response.context["form"].errors


def test_the_login_log_tab_shows_only_logins_logouts_and_failures(admin_client, events):
    response = admin_client.get(URL, {"category": "logins"})
    actions = {event.action for event in response.context["page_obj"].object_list}
    assert actions == {"login", "login_failed"}  # force_login wrote one login
    assert set(dict(response.context["form"].fields["action"].choices)) == {"", "login", "logout", "login_failed"}
    changes = admin_client.get(URL, {"category": "changes"})
    assert not {e.action for e in changes.context["page_obj"].object_list} & {"login", "logout", "login_failed"}


def test_rows_show_the_changed_fields_before_and_after_in_a_collapse(admin_client, admin_user, org):
    event = make_event(admin_user, AuditAction.UPDATE, instance=org.sales1, changes={"name": ["旧部门", "新部门"]})
    body = admin_client.get(URL).content.decode()
    assert f'data-bs-target="#changes-{event.pk}"' in body
    assert f'<tr class="collapse" id="changes-{event.pk}">' in body
    assert "旧部门" in body and "新部门" in body
    assert "<script>" not in body and "onclick" not in body


def test_changes_use_field_labels_and_choice_labels(admin_user, make_user, org):
    user = make_user("someone", department=org.sales1)
    event = make_event(
        admin_user, AuditAction.UPDATE, instance=user, changes={"status": ["normal", "left"], "roles": [[], [1, 2]]}
    )
    rows = {row["name"]: row for row in change_rows(AuditEvent.objects.select_related("content_type").get(pk=event.pk))}
    assert rows["status"]["label"] == str(User._meta.get_field("status").verbose_name)
    assert (rows["status"]["before"], rows["status"]["after"]) == (
        str(UserStatus.NORMAL.label),
        str(UserStatus.LEFT.label),
    )
    assert (rows["roles"]["before"], rows["roles"]["after"]) == ("—", "1, 2")


def test_the_detail_page_shows_one_event_and_404_for_a_missing_one(admin_client, events):
    event = events["api"]
    response = admin_client.get(reverse("console:audit_detail", args=[event.pk]))
    assert response.status_code == 200
    assert "EV-api" in response.content.decode() and "pytest" in response.content.decode()
    assert admin_client.get(reverse("console:audit_detail", args=[999999])).status_code == 404


def test_the_page_counts_at_most_ten_thousand(admin_client, admin_user):
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(actor=admin_user, actor_name="admin1", action="other", message=str(i))
            for i in range(COUNT_CAP + 5)
        ]
    )
    response = admin_client.get(URL, {"page": "3"})
    paginator = response.context["page_obj"].paginator
    assert paginator.count == COUNT_CAP and paginator.is_capped
    assert "10,000" in response.content.decode()
    assert response.context["page_obj"].number == 3


def test_the_page_runs_a_fixed_number_of_queries(admin_client, admin_user, org, django_assert_num_queries):
    def add(n):
        for i in range(n):
            make_event(admin_user, AuditAction.UPDATE, instance=org.sales1, changes={"name": [f"a{i}", f"b{i}"]})

    add(3)
    admin_client.get(URL)  # warms the cached record types and content types
    with django_assert_num_queries(QUERIES_PER_PAGE):
        assert admin_client.get(URL).status_code == 200
    add(22)
    with django_assert_num_queries(QUERIES_PER_PAGE):
        response = admin_client.get(URL, {"action": "update"})
    assert len(response.context["page_obj"].object_list) == 25


# session, user, the user's roles (what they allow is held per process, ADR 0028: was 4 queries),
# users for the filter, the bounded count, the unread-notification count, the page of events (the
# session is renewed once a minute, not per request).
QUERIES_PER_PAGE = 7


def test_an_administrator_opens_the_log_from_the_menu(client, admin_user):
    client.force_login(admin_user)
    response = client.get(URL)
    assert response.status_code == 200
    assert 'href="/audit/"' in response.content.decode()  # the sidebar entry
