"""Organisation pages: users (ORG-2), departure (ORG-7), the department tree (ORG-1)."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.access.models import Role
from crm.audit.models import AuditAction, AuditEvent
from crm.identity.models import Department, User, UserStatus
from crm.testing import make_department

STRONG = "Xq7!parrot-lamp"


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_a_manager_may_not_create_users(client, org, make_user):
    client.force_login(make_user("m1", role="manager", department=org.sales1))
    assert client.get("/users/new/").status_code == 403
    assert client.post("/users/new/", {"username": "x", "name": "x"}).status_code == 403
    assert client.get("/users/").status_code == 200  # viewing is allowed
    assert client.get("/departments/new/").status_code == 403


def test_users_list_costs_the_same_queries_for_3_and_25_users(admin_client, org, make_user, django_assert_num_queries):
    manager = Role.objects.get(code="manager")
    for i in range(2):
        make_user(f"u{i}", department=org.sales1, superior=None).roles.add(manager)
    admin_client.get("/users/")  # warm up the session
    few = _queries(admin_client, "/users/")
    boss = User.objects.get(username="u0")
    for i in range(2, 24):
        make_user(f"u{i}", department=org.sales2 if i % 2 else org.sales1, superior=boss).roles.add(manager)
    assert User.objects.count() == 25
    with django_assert_num_queries(few):
        response = admin_client.get("/users/")
    assert len(response.context["users"]) == 20
    assert _queries(admin_client, "/users/?page=2") == few


def test_users_list_filters_by_subtree_status_role_and_search(admin_client, org, make_user):
    make_user("east1", role="manager", department=org.sales1, phone="13911112222", employee_no="E001")
    make_user("south1", role="service", department=org.sales2, status=UserStatus.DISABLED)

    def names(query):
        response = admin_client.get(f"/users/?{query}")
        return {u.username for u in response.context["users"]}

    assert names(f"department={org.east.pk}") == {"east1"}  # 销售一部 is below 华东大区
    assert names(f"department={org.south.pk}") == {"south1"}
    assert names("status=disabled") == {"south1"}
    assert names(f"role={Role.objects.get(code='manager').pk}") == {"east1"}
    assert names("q=1111") == {"east1"}
    assert names("q=E001") == {"east1"}
    assert names("q=south") == {"south1"}


def test_a_masked_phone_stays_masked_on_the_users_page(client, org, make_user):
    make_user("visible", department=org.sales1, phone="13912345678")
    client.force_login(make_user("agent", role="service", department=org.sales1))
    content = client.get("/users/").content.decode()
    assert "139****5678" in content and "13912345678" not in content


def test_create_and_edit_a_user_with_roles(admin_client, org):
    manager, service = Role.objects.get(code="manager"), Role.objects.get(code="service")
    response = admin_client.post(
        "/users/new/",
        {
            "username": "wangwu",
            "name": "王五",
            "employee_no": "HX9",
            "phone": "13800001111",
            "email": "ww@example.cn",
            "department": org.sales1.pk,
            "roles": [manager.pk],
            "password": STRONG,
            "password2": STRONG,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    user = User.objects.get(username="wangwu")
    assert user.check_password(STRONG) and list(user.roles.all()) == [manager]

    page = admin_client.get(f"/users/{user.pk}/edit/")
    assert page.status_code == 200 and "王五" in page.content.decode()
    response = admin_client.post(
        f"/users/{user.pk}/edit/",
        {"username": "wangwu", "name": "王五五", "department": org.sales2.pk, "roles": [service.pk]},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.name, user.department_id, user.employee_no) == ("王五五", org.sales2.pk, None)
    assert list(user.roles.all()) == [service]


def test_create_user_shows_service_errors_on_the_form(admin_client, org):
    response = admin_client.post(
        "/users/new/",
        {
            "username": "weak",
            "name": "弱",
            "department": org.sales1.pk,
            "password": "12345678",
            "password2": "12345678",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["password"]
    assert not User.objects.filter(username="weak").exists()


def test_reset_password_and_disable_enable(admin_client, org, make_user):
    user = make_user("lisi", department=org.sales1)
    response = admin_client.post(f"/users/{user.pk}/password/", {"password": STRONG, "password2": STRONG})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(STRONG)
    admin_client.post(f"/users/{user.pk}/disable/")
    user.refresh_from_db()
    assert user.status == UserStatus.DISABLED
    admin_client.post(f"/users/{user.pk}/enable/")
    user.refresh_from_db()
    assert user.status == UserStatus.NORMAL


def test_departure_page_hands_over_and_reports_counts(admin_client, org, make_user):
    leaving = make_user("leaving", role="manager", department=org.sales1)
    successor = make_user("heir", role="manager", department=org.sales1)
    make_user("report1", department=org.sales1, superior=leaving)
    make_user("report2", department=org.sales1, superior=leaving)
    page = admin_client.get(f"/users/{leaving.pk}/depart/")
    assert page.status_code == 200 and "data-confirm" in page.content.decode()
    left_out = [c[0] for c in page.context["form"].fields["successor"].choices if c[0]]
    assert leaving.pk not in {int(str(v)) for v in left_out}

    response = admin_client.post(f"/users/{leaving.pk}/depart/", {"successor": successor.pk})
    assert response.status_code == 302
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("heir" in t and "2" in t for t in texts), texts
    leaving.refresh_from_db()
    assert leaving.status == UserStatus.LEFT
    assert User.objects.filter(superior=successor).count() == 2
    assert AuditEvent.objects.for_object(leaving).filter(action=AuditAction.DEPART).exists()


def test_departure_page_refuses_an_inactive_successor(admin_client, org, make_user):
    leaving = make_user("leaving", department=org.sales1)
    gone = make_user("gone", department=org.sales1, status=UserStatus.DISABLED)
    response = admin_client.post(f"/users/{leaving.pk}/depart/", {"successor": gone.pk})
    assert response.status_code == 200 and response.context["form"].errors["successor"]
    leaving.refresh_from_db()
    assert leaving.status == UserStatus.NORMAL


def test_unknown_user_is_404(admin_client, org):
    assert admin_client.get("/users/999999/edit/").status_code == 404
    assert admin_client.get("/departments/999999/edit/").status_code == 404


# --- department tree -----------------------------------------------------------------------------------
def test_tree_page_shows_indented_tree_with_counts_in_constant_queries(admin_client, org, make_user):
    make_user("a", department=org.sales1)
    make_user("b", department=org.sales1)
    admin_client.get("/departments/")
    few = _queries(admin_client, "/departments/")
    parent = org.sales2
    for i in range(15):
        parent = make_department(f"深{i}", parent if i % 3 else org.sales2)
    assert _queries(admin_client, "/departments/") == few
    response = admin_client.get("/departments/")
    nodes = {n.department.name: n for n in response.context["nodes"]}
    assert nodes["销售一部"].member_count == 2
    assert nodes["华东大区"].total_count == 2 and nodes["华东大区"].member_count == 0
    assert nodes["总公司"].total_count == 3  # the administrator sits in 总公司
    order = [n.department.name for n in response.context["nodes"]]
    assert order.index("华东大区") < order.index("上海分公司") < order.index("销售一部") < order.index("华南大区")


def test_create_rename_move_and_delete_departments(admin_client, org):
    response = admin_client.post("/departments/new/", {"name": "销售三部", "parent": org.shanghai.pk})
    assert response.status_code == 302
    team = Department.objects.get(name="销售三部")
    assert team.parent_id == org.shanghai.pk and team.depth == 3

    response = admin_client.post(
        f"/departments/{org.shanghai.pk}/edit/", {"name": "上海公司", "parent": org.south.pk, "sort_order": 1}
    )
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.path.startswith(Department.objects.get(pk=org.south.pk).path)

    response = admin_client.post(f"/departments/{org.south.pk}/edit/", {"name": "华南大区", "parent": team.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["parent"]
    assert Department.objects.get(pk=org.south.pk).parent_id == org.head.pk

    admin_client.post(f"/departments/{org.south.pk}/delete/")
    assert Department.objects.filter(pk=org.south.pk).exists()
    admin_client.post(f"/departments/{team.pk}/delete/")
    assert not Department.objects.filter(pk=team.pk).exists()


def test_a_manager_sees_the_tree_without_edit_buttons(client, org, make_user):
    client.force_login(make_user("m1", role="manager", department=org.sales1))
    response = client.get("/departments/")
    assert response.status_code == 200
    assert "/departments/new/" not in response.content.decode()
    assert client.post(f"/departments/{org.sales1.pk}/delete/").status_code == 403


# --- own profile and password (ORG-2) -----------------------------------------------------------------
def test_own_profile_and_password_still_work(client, org, make_user):
    user = make_user("self", role="manager", department=org.sales1)
    client.force_login(user)
    assert client.post("/profile/", {"name": "自己", "phone": "13700000000", "email": ""}).status_code == 302
    user.refresh_from_db()
    assert (user.name, user.phone) == ("自己", "13700000000")
    response = client.post(
        "/profile/password/",
        {"old_password": "crm-demo", "new_password1": STRONG, "new_password2": STRONG},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(STRONG)
    assert client.get("/profile/").status_code == 200  # still logged in after the change


def test_login_page_logs_in_and_refuses_a_disabled_user(client, org, make_user):
    make_user("active1", department=org.sales1)
    make_user("off1", department=org.sales1, status=UserStatus.DISABLED)
    response = client.post("/login/", {"username": "active1", "password": "crm-demo"})
    assert response.status_code == 302
    client.post("/logout/")
    response = client.post("/login/", {"username": "off1", "password": "crm-demo"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
