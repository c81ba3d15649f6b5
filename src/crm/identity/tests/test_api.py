"""Organisation API (API.md): tokens, /me/, users, departments."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from crm.access.models import Role
from crm.identity.models import ApiToken, Department, User, UserStatus
from crm.identity.tokens import token_issue
from crm.testing import DEMO_PASSWORD

STRONG = "Xq7!parrot-lamp"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def admin_api(api, admin_user):
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=admin_user)}")
    return api


def _error(response, status, code=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"} and body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
    return body["error"]


# --- tokens -----------------------------------------------------------------------------------------------
def test_no_credentials_is_a_401_in_json(api, org):
    _error(api.get("/api/v1/me/"), 401, "not_authenticated")
    _error(api.get("/api/v1/users/"), 401, "not_authenticated")
    _error(api.get("/api/v1/me/", HTTP_AUTHORIZATION="Token nonsense"), 401)


def test_issue_a_token_use_it_and_revoke_it(api, org, make_user):
    user = make_user("lisi", role="manager", department=org.sales1)
    response = api.post("/api/v1/auth/token/", {"username": "lisi", "password": DEMO_PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert ApiToken.objects.filter(user=user).count() == 1
    assert token not in set(ApiToken.objects.values_list("digest", flat=True))  # only a digest is stored

    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/me/").json()["username"] == "lisi"
    assert api.delete("/api/v1/auth/token/").status_code == 204
    assert not ApiToken.objects.filter(user=user).exists()
    _error(api.get("/api/v1/me/"), 401)


def test_wrong_password_is_a_400_and_the_sixth_failure_is_locked(api, org, make_user):
    make_user("lisi", department=org.sales1)
    for _ in range(5):
        _error(api.post("/api/v1/auth/token/", {"username": "lisi", "password": "wrong"}, format="json"), 400)
    sixth = api.post("/api/v1/auth/token/", {"username": "lisi", "password": DEMO_PASSWORD}, format="json")
    _error(sixth, 429, "throttled")
    assert not ApiToken.objects.exists()


def test_missing_fields_are_a_400_with_fields(api, org):
    error = _error(api.post("/api/v1/auth/token/", {"username": "x"}, format="json"), 400, "validation_error")
    assert "password" in error["fields"]


def test_token_requests_are_throttled(api, org, make_user, settings):
    make_user("lisi", department=org.sales1)
    statuses = []
    for i in range(12):
        # different usernames: the per-account lockout does not kick in, the throttle does
        statuses.append(api.post("/api/v1/auth/token/", {"username": f"x{i}", "password": "p"}, format="json"))
    assert statuses[0].status_code == 400
    _error(statuses[-1], 429, "throttled")


def test_a_disabled_user_gets_no_token(api, org, make_user):
    make_user("gone", department=org.sales1, status=UserStatus.DISABLED)
    _error(api.post("/api/v1/auth/token/", {"username": "gone", "password": DEMO_PASSWORD}, format="json"), 400)
    assert not ApiToken.objects.exists()


# --- me ------------------------------------------------------------------------------------------------------
def test_me_describes_a_manager(api, org, make_user):
    user = make_user("lisi", role="manager", department=org.sales1, name="李四", phone="13900001111")
    api.force_authenticate(user)
    me = api.get("/api/v1/me/").json()
    assert me["id"] == user.pk and me["username"] == "lisi" and me["name"] == "李四"
    assert me["phone"] == "13900001111"
    assert me["department"] == {"id": org.sales1.pk, "name": "销售一部"}
    assert me["roles"] == [{"code": "manager", "name": "客户经理"}]
    assert me["data_scopes"]["default"] == "self"
    assert "identity.user.view" in me["functions"] and "identity.user.create" not in me["functions"]
    assert me["functions"] == sorted(me["functions"])


# --- users -----------------------------------------------------------------------------------------------
def test_users_list_masks_phone_for_a_masked_role(api, org, make_user):
    make_user("visible", department=org.sales1, phone="13912345678", email="v@example.cn")
    api.force_authenticate(make_user("agent", role="service", department=org.sales1))
    rows = {row["username"]: row for row in api.get("/api/v1/users/").json()["results"]}
    assert rows["visible"]["phone"] == "139****5678"
    assert rows["visible"]["email"] == "v@example.cn"  # the service role masks only the phone


def test_users_list_search_filter_ordering_and_constant_queries(admin_api, org, make_user):
    make_user("east1", role="manager", department=org.sales1, phone="13911112222")
    make_user("south1", role="service", department=org.sales2, status=UserStatus.DISABLED)

    def names(query):
        return [row["username"] for row in admin_api.get(f"/api/v1/users/?{query}").json()["results"]]

    assert names(f"department={org.east.pk}") == ["east1"]
    assert names("status=disabled") == ["south1"]
    assert names("search=1111") == ["east1"]
    assert names("role=service") == ["south1"]
    assert names("ordering=-username") == ["south1", "east1", "admin1"]

    with CaptureQueriesContext(connection) as few:
        admin_api.get("/api/v1/users/")
    for i in range(22):
        make_user(f"u{i}", role="manager", department=org.sales1)
    with CaptureQueriesContext(connection) as many:
        response = admin_api.get("/api/v1/users/")
    assert response.json()["count"] == 25 and len(response.json()["results"]) == 20
    assert len(many.captured_queries) == len(few.captured_queries)


def test_create_and_patch_a_user(admin_api, org):
    response = admin_api.post(
        "/api/v1/users/",
        {
            "username": "wangwu",
            "name": "王五",
            "password": STRONG,
            "department": org.sales1.pk,
            "roles": ["manager"],
            "phone": "13800001111",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["roles"] == ["manager"] and body["department_name"] == "销售一部" and "password" not in body
    user = User.objects.get(username="wangwu")
    assert user.check_password(STRONG)

    response = admin_api.patch(f"/api/v1/users/{user.pk}/", {"status": "disabled", "name": "王五五"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "disabled"
    user.refresh_from_db()
    assert (user.name, user.is_active) == ("王五五", False)

    error = _error(admin_api.post("/api/v1/users/", {"username": "x", "name": "x"}, format="json"), 400)
    assert "password" in error["fields"]
    error = _error(admin_api.post("/api/v1/users/", {"username": "wangwu", "password": STRONG}, format="json"), 400)
    assert "username" in error["fields"]


def test_a_manager_may_read_users_but_not_write(api, org, make_user):
    api.force_authenticate(make_user("m1", role="manager", department=org.sales1))
    assert api.get("/api/v1/users/").status_code == 200
    _error(api.post("/api/v1/users/", {"username": "x", "password": STRONG}, format="json"), 403, "permission_denied")
    _error(api.post("/api/v1/departments/", {"name": "X"}, format="json"), 403)


def test_depart_through_the_api(admin_api, org, make_user):
    leaving = make_user("leaving", role="manager", department=org.sales1)
    heir = make_user("heir", role="manager", department=org.sales1)
    make_user("report", department=org.sales1, superior=leaving)
    response = admin_api.post(f"/api/v1/users/{leaving.pk}/depart/", {"successor": heir.pk}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "left"
    assert response.json()["handed_over"] == {"identity.user.superior": 1}
    _error(admin_api.post(f"/api/v1/users/{heir.pk}/depart/", {"successor": leaving.pk}, format="json"), 400)
    _error(admin_api.post(f"/api/v1/users/{leaving.pk}/depart/", {"successor": heir.pk}, format="json"), 409)


def test_unknown_ids_are_404_json(admin_api, org):
    _error(admin_api.get("/api/v1/users/999999/"), 404, "not_found")
    _error(admin_api.get("/api/v1/departments/999999/"), 404, "not_found")
    _error(admin_api.patch("/api/v1/departments/999999/", {"name": "x"}, format="json"), 404)


# --- departments ---------------------------------------------------------------------------------------------
def test_departments_list_in_path_order_with_depth(admin_api, org):
    rows = admin_api.get("/api/v1/departments/?page_size=200").json()["results"]
    assert [row["path"] for row in rows] == sorted(row["path"] for row in rows)
    by_name = {row["name"]: row for row in rows}
    assert by_name["销售一部"]["depth"] == 3 and by_name["销售一部"]["parent"] == org.shanghai.pk
    assert by_name["总公司"]["member_count"] == 1


def test_patching_parent_moves_the_subtree(admin_api, org):
    response = admin_api.patch(f"/api/v1/departments/{org.shanghai.pk}/", {"parent": org.south.pk}, format="json")
    assert response.status_code == 200, response.content
    south = Department.objects.get(pk=org.south.pk)
    assert response.json()["path"] == f"{south.path}{org.shanghai.pk}/" and response.json()["depth"] == 2
    sales1 = Department.objects.get(pk=org.sales1.pk)
    assert sales1.path == f"{south.path}{org.shanghai.pk}/{sales1.pk}/" and sales1.depth == 3

    error = _error(
        admin_api.patch(f"/api/v1/departments/{org.south.pk}/", {"parent": org.sales1.pk}, format="json"), 400
    )
    assert "parent" in error["fields"]


def test_create_and_delete_departments(admin_api, org):
    response = admin_api.post("/api/v1/departments/", {"name": "销售三部", "parent": org.shanghai.pk}, format="json")
    assert response.status_code == 201
    new_id = response.json()["id"]
    assert response.json()["depth"] == 3
    _error(admin_api.delete(f"/api/v1/departments/{org.shanghai.pk}/"), 409, "conflict")
    assert admin_api.delete(f"/api/v1/departments/{new_id}/").status_code == 204
    assert not Department.objects.filter(pk=new_id).exists()


def test_roles_are_given_by_code(admin_api, org, make_user):
    user = make_user("lisi", department=org.sales1)
    response = admin_api.patch(f"/api/v1/users/{user.pk}/", {"roles": ["service", "marketing"]}, format="json")
    assert response.status_code == 200
    assert set(user.roles.values_list("code", flat=True)) == {"service", "marketing"}
    assert Role.objects.get(code="service").users.filter(pk=user.pk).exists()
