"""ORG-8: /api/v1/audit-events/ is read-only, filtered like the page, and only for the log's readers."""

import pytest
from rest_framework.test import APIClient

from crm.access.models import Role, RolePermission
from crm.audit.models import AuditAction, AuditEvent
from crm.audit.tests.factories import backdate, make_event, shanghai
from crm.console.selectors import COUNT_CAP

URL = "/api/v1/audit-events/"


@pytest.fixture
def auditor(org, make_user):
    role = Role.objects.create(code="auditor", name="审计员")
    RolePermission.objects.create(role=role, code="audit.event.view")
    user = make_user("auditor", department=org.head)
    user.roles.add(role)
    return user


@pytest.fixture
def api(auditor):
    client = APIClient()
    client.force_login(auditor)  # a session: the user is loaded per request, as in real use
    return client


@pytest.fixture
def log(org, admin_user):
    return {
        "update": make_event(
            admin_user, AuditAction.UPDATE, instance=org.sales1, changes={"name": ["甲", "乙"]}, source="api"
        ),
        "delete": make_event(admin_user, AuditAction.DELETE, instance=org.sales2, object_repr="EV-delete"),
        "login": make_event(admin_user, AuditAction.LOGIN, instance=admin_user, ip="192.168.1.9"),
        "failed": make_event(None, AuditAction.LOGIN_FAILED, object_repr="ghost", message="ghost"),
    }


def _ids(response) -> set[int]:
    """The events listed, less the caller's own login (the test client's log-in writes one)."""
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"] if row["actor_name"] != "auditor (auditor)"}


def test_the_list_describes_each_event(api, log):
    response = api.get(URL)
    body = response.json()
    assert body["count"] == 5 and body["count_capped"] is False  # with the caller's own login
    row = next(r for r in body["results"] if r["id"] == log["update"].pk)
    assert row["action"] == "update"
    assert row["record_type"] == "identity.department"
    assert row["object_repr"] == "销售一部"
    assert row["changes"] == {"name": ["甲", "乙"]}
    assert row["source"] == "api" and row["ip"] == "10.0.0.1"
    assert [r["id"] for r in body["results"]] == sorted((r["id"] for r in body["results"]), reverse=True)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"action": "delete"}, {"delete"}),
        ({"category": "logins"}, {"login", "failed"}),
        ({"category": "changes"}, {"update", "delete"}),
        ({"record_type": "identity.department"}, {"update", "delete"}),
        ({"record_type": "identity.department", "source": "api"}, {"update"}),
        ({"search": "ghost"}, {"failed"}),
    ],
)
def test_filters(api, log, params, expected):
    assert _ids(api.get(URL, params)) == {log[name].pk for name in expected}


def test_user_and_date_filters(api, log, admin_user):
    assert _ids(api.get(URL, {"user": admin_user.pk})) == {log[n].pk for n in ("update", "delete", "login")}
    backdate(log["delete"], shanghai(2026, 3, 1, 23, 59))
    assert _ids(api.get(URL, {"date_from": "2026-03-01", "date_to": "2026-03-01"})) == {log["delete"].pk}


def test_incremental_reading_oldest_first_after_an_id(api, log):
    response = api.get(URL, {"ordering": "id", "after_id": log["update"].pk})
    assert [row["id"] for row in response.json()["results"]] == [log[n].pk for n in ("delete", "login", "failed")]


def test_bad_parameters_are_a_400_with_fields(api, log):
    response = api.get(URL, {"date_from": "2026-13-01", "action": "explode"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert {"date_from", "action"} <= set(error["fields"])


def test_one_event_and_404_for_a_missing_one(api, log):
    response = api.get(f"{URL}{log['login'].pk}/")
    assert response.status_code == 200 and response.json()["ip"] == "192.168.1.9"
    missing = api.get(f"{URL}999999/")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_writes_answer_405_in_json_and_change_nothing(api, log):
    event = log["update"]
    detail = f"{URL}{event.pk}/"
    for response in (
        api.post(URL, {"action": "delete"}, format="json"),
        api.put(detail, {"message": "x"}, format="json"),
        api.patch(detail, {"message": "x"}, format="json"),
        api.delete(detail),
    ):
        assert response.status_code == 405
        assert response.json()["error"]["code"] == "method_not_allowed"
    assert AuditEvent.objects.get(pk=event.pk).changes == {"name": ["甲", "乙"]}
    assert AuditEvent.objects.count() == 5


def test_a_manager_gets_403_and_an_anonymous_caller_401(org, make_user, log):
    client = APIClient()
    client.force_login(make_user("mgr", role="manager", department=org.sales1))
    for response in (client.get(URL), client.get(f"{URL}{log['update'].pk}/"), client.delete(URL)):
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "permission_denied"
    assert APIClient().get(URL).status_code in (401, 403)


def test_the_count_stops_at_ten_thousand(api, admin_user):
    AuditEvent.objects.bulk_create(
        [AuditEvent(actor=admin_user, action="other", message=str(i)) for i in range(COUNT_CAP + 1)]
    )
    body = api.get(URL, {"page_size": 200, "page": 2}).json()
    assert body["count"] == COUNT_CAP and body["count_capped"] is True
    assert len(body["results"]) == 200 and body["next"]


def test_the_list_runs_a_fixed_number_of_queries(api, admin_user, org, django_assert_num_queries):
    def add(n):
        for _ in range(n):
            make_event(admin_user, AuditAction.UPDATE, instance=org.sales1, changes={"name": ["a", "b"]})

    add(2)  # and the caller's login: 3 rows
    api.get(URL)  # the first request renews the session
    with django_assert_num_queries(QUERIES_PER_LIST):
        assert len(api.get(URL).json()["results"]) == 3
    add(22)
    with django_assert_num_queries(QUERIES_PER_LIST):
        assert len(api.get(URL, {"page_size": 50}).json()["results"]) == 25


# session, user, the caller's roles (what they allow is held per process, ADR 0028: was 4 queries),
# the bounded count, the page of events (the session was renewed by an earlier request: once a minute).
QUERIES_PER_LIST = 5
