"""/api/v1/roles/ and /api/v1/functions/ (ORG-3..ORG-6): the same services and permissions as the
pages, the API's JSON error shape, and a fixed number of queries per list."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.access.models import FieldRule, Role, RolePermission, RoleScope
from crm.audit.models import AuditEvent

RECORD = "scopedapp.record"
ROLES = "/api/v1/roles/"


@pytest.fixture
def admin_api(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def manager_api(client, org, make_user):
    client.force_login(make_user("m1", role="manager", department=org.sales1))
    return client


def patch(client, url, data):
    return client.patch(url, data, content_type="application/json")


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


# --- reading ------------------------------------------------------------------------------------
def test_list_and_retrieve_show_the_whole_policy(admin_api, admin_user):
    service = Role.objects.get(code="service")
    response = admin_api.get(ROLES)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == Role.objects.count() and body["next"] is None
    item = next(r for r in body["results"] if r["code"] == "service")
    assert item["name"] == "客服" and item["is_system"] is True and item["default_scope"] == "self"
    assert item["scopes"] == dict(service.scopes.values_list("resource", "scope"))
    assert {"resource": "identity.user", "field": "phone", "rule": "masked"} in item["field_rules"]
    assert item["functions"] == sorted(service.permissions.values_list("code", flat=True))
    admin_item = next(r for r in body["results"] if r["code"] == "admin")
    assert admin_item["users"] == [admin_user.pk] and admin_item["user_count"] == 1
    assert admin_api.get(f"{ROLES}{service.pk}/").json() == item


def test_the_list_needs_the_same_queries_for_few_and_many_roles(admin_api, org, make_user, django_assert_num_queries):
    def add_roles(start, stop):
        for i in range(start, stop):
            role = Role.objects.create(code=f"r{i}", name=f"角色{i}", default_scope="department")
            RolePermission.objects.create(role=role, code="identity.user.view")
            RoleScope.objects.create(role=role, resource=RECORD, scope="all")
            FieldRule.objects.create(role=role, resource=RECORD, field="phone", rule="hidden")
            make_user(f"u{i}", department=org.sales1).roles.add(role)

    add_roles(0, 3)
    admin_api.get(ROLES)  # the first request renews the session
    with CaptureQueriesContext(connection) as few:
        assert admin_api.get(ROLES, {"page_size": 50}).status_code == 200
    expected = len(few)  # before the next request resets the connection's query log
    add_roles(3, 25)
    admin_api.get(ROLES)  # roles changed: the caller's policy is read anew once (ADR 0028)
    with django_assert_num_queries(expected):
        response = admin_api.get(ROLES, {"page_size": 50})
    assert len(response.json()["results"]) == Role.objects.count()


def test_unknown_role_is_404_json(admin_api):
    response = admin_api.get(f"{ROLES}999999/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert patch(admin_api, f"{ROLES}999999/", {"name": "x"}).status_code == 404


def test_the_function_catalogue_lists_the_registry(admin_api):
    response = admin_api.get("/api/v1/functions/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    entries = {entry["resource"]: entry for entry in response.json()}
    record = entries[RECORD]
    assert record["scoped"] is True and record["shareable"] is True
    assert record["protected_fields"] == ["phone", "email", "note"]
    assert record["actions"][-1] == {"action": "export", "code": f"{RECORD}.export", "label": "Export"}
    user = entries["identity.user"]
    assert user["scoped"] is False
    assert [a["code"] for a in user["actions"]] == [
        "identity.user.view",
        "identity.user.create",
        "identity.user.edit",
        "identity.user.delete",
        "identity.user.depart",
    ]
    assert user["actions"][-1]["label"] == "Employee departure"  # the resource's own label


def test_the_catalogue_follows_accept_language(admin_api):
    english = admin_api.get("/api/v1/functions/", HTTP_ACCEPT_LANGUAGE="en").json()
    view = next(e for e in english if e["resource"] == "identity.user")["actions"][0]
    assert view["label"] == "View"


# --- permissions ----------------------------------------------------------------------------------
def test_a_manager_may_neither_read_nor_write_roles(manager_api):
    manager = Role.objects.get(code="manager")
    before = set(manager.permissions.values_list("code", flat=True))
    for response in (
        manager_api.get(ROLES),
        manager_api.get("/api/v1/functions/"),
        post(manager_api, ROLES, {"code": "mine", "name": "我的"}),
        patch(manager_api, f"{ROLES}{manager.pk}/", {"functions": sorted(before | {"access.role.edit"})}),
        manager_api.delete(f"{ROLES}{manager.pk}/"),
    ):
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "permission_denied"
    assert set(manager.permissions.values_list("code", flat=True)) == before
    assert not Role.objects.filter(code="mine").exists()


def test_put_is_not_offered(admin_api):
    manager = Role.objects.get(code="manager")
    response = admin_api.put(f"{ROLES}{manager.pk}/", {"name": "x"}, content_type="application/json")
    assert response.status_code == 405


# --- writing --------------------------------------------------------------------------------------
def test_create_with_a_policy_and_users(admin_api, org, make_user):
    member = make_user("zhang", department=org.sales1)
    response = post(
        admin_api,
        ROLES,
        {
            "code": "assistant",
            "name": "销售助理",
            "default_scope": "department",
            "functions": [f"{RECORD}.view", f"{RECORD}.export"],
            "scopes": {RECORD: "subtree"},
            "field_rules": [{"resource": RECORD, "field": "phone", "rule": "masked"}],
            "users": [member.pk],
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["functions"] == [f"{RECORD}.export", f"{RECORD}.view"]
    assert body["scopes"] == {RECORD: "subtree"}
    assert body["field_rules"] == [{"resource": RECORD, "field": "phone", "rule": "masked"}]
    assert body["users"] == [member.pk] and body["is_system"] is False
    role = Role.objects.get(code="assistant")
    assert list(role.users.all()) == [member]


def test_partial_update_replaces_only_the_parts_sent(admin_api):
    manager = Role.objects.get(code="manager")
    scopes_before = dict(manager.scopes.values_list("resource", "scope"))
    response = patch(
        admin_api,
        f"{ROLES}{manager.pk}/",
        {
            "functions": [f"{RECORD}.view"],
            "field_rules": [{"resource": "identity.user", "field": "email", "rule": "hidden"}],
        },
    )
    assert response.status_code == 200, response.json()
    assert response.json()["functions"] == [f"{RECORD}.view"]
    assert set(manager.permissions.values_list("code", flat=True)) == {f"{RECORD}.view"}
    assert dict(manager.scopes.values_list("resource", "scope")) == scopes_before
    assert [(r.resource, r.field, r.rule) for r in manager.field_rules.all()] == [("identity.user", "email", "hidden")]
    [event] = AuditEvent.objects.for_object(manager)
    assert event.source == "api" and set(event.changes) == {"functions", "field_rules"}


def test_a_built_in_roles_code_stays(admin_api):
    manager = Role.objects.get(code="manager")
    response = patch(admin_api, f"{ROLES}{manager.pk}/", {"code": "renamed", "name": "客户经理甲"})
    assert response.status_code == 200
    manager.refresh_from_db()
    assert (manager.code, manager.name) == ("manager", "客户经理甲")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"functions": ["no.such.view"]}, "functions"),
        ({"scopes": {RECORD: "galaxy"}}, "scopes"),
        ({"scopes": {"identity.user": "all"}}, "scopes"),
        ({"field_rules": [{"resource": RECORD, "field": "name", "rule": "hidden"}]}, "field_rules"),
        ({"field_rules": [{"resource": RECORD, "field": "phone", "rule": "burnt"}]}, "field_rules"),
        ({"default_scope": "everything"}, "default_scope"),
        ({"name": ""}, "name"),
        ({"users": [999999]}, "users"),
    ],
)
def test_bad_values_are_400_with_the_field_named_and_change_nothing(admin_api, data, field):
    manager = Role.objects.get(code="manager")
    before = set(manager.permissions.values_list("code", flat=True))
    response = patch(admin_api, f"{ROLES}{manager.pk}/", data)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error" and field in error["fields"]
    assert set(manager.permissions.values_list("code", flat=True)) == before
    assert not AuditEvent.objects.for_object(manager).exists()


def test_create_needs_code_and_name(admin_api):
    response = post(admin_api, ROLES, {"description": "无名"})
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) >= {"code", "name"}
    response = post(admin_api, ROLES, {"code": "manager", "name": "重复"})
    assert response.status_code == 400 and "code" in response.json()["error"]["fields"]


def test_delete(admin_api, org, make_user):
    manager = Role.objects.get(code="manager")
    response = admin_api.delete(f"{ROLES}{manager.pk}/")
    assert response.status_code == 409 and response.json()["error"]["code"] == "conflict"
    role = Role.objects.create(code="temp", name="临时")
    make_user("t1", department=org.sales1).roles.add(role)
    assert admin_api.delete(f"{ROLES}{role.pk}/").status_code == 409
    role.users.clear()
    assert admin_api.delete(f"{ROLES}{role.pk}/").status_code == 204
    assert not Role.objects.filter(pk=role.pk).exists()


@pytest.mark.parametrize("send", [patch, post])
def test_a_nested_item_missing_a_field_is_a_400_naming_it_in_the_users_language(admin_api, send):
    """Issue 12 #7: PATCH made the nested item's fields optional (a 500); POST answered a Python dict."""
    role = Role.objects.create(code="auditor", name="审计员")
    body = {"code": "auditor2", "name": "审计员二", "field_rules": [{"resource": RECORD, "field": "phone"}]}
    url = f"{ROLES}{role.pk}/" if send is patch else ROLES
    response = send(admin_api, url, body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["fields"] == {"field_rules": ["0.rule: 此字段为必填项。"]}
    assert not FieldRule.objects.filter(role__code__startswith="auditor").exists()
