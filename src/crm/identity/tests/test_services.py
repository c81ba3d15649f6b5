"""Organisation services: the department tree (ORG-1), users (ORG-2), departure (ORG-7)."""

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.access import registry
from crm.access.models import Role, RolePermission
from crm.access.registry import Resource
from crm.audit.models import AuditAction, AuditEvent
from crm.core.errors import Conflict, PermissionDenied, ValidationFailed
from crm.identity import services
from crm.identity.models import ApiToken, Department, User, UserStatus
from crm.identity.tokens import token_issue, token_user
from crm.notifications.models import Notification

STRONG = "Xq7!parrot-lamp"


# --- departments (ORG-1) ---------------------------------------------------------------------------------
def test_department_create_sets_path_and_depth_under_any_node(org, admin_user):
    team = services.department_create(actor=admin_user, name="销售三部", parent=org.sales1)
    assert team.path == f"{org.sales1.path}{team.pk}/"
    assert team.depth == org.sales1.depth + 1 == 4
    root = services.department_create(actor=admin_user, name="新公司")
    assert (root.path, root.depth) == (f"/{root.pk}/", 0)
    assert AuditEvent.objects.for_object(team).filter(action=AuditAction.CREATE).exists()


def test_department_create_needs_the_permission(org, make_user):
    manager = make_user("m1", role="manager", department=org.sales1)
    with pytest.raises(PermissionDenied):
        services.department_create(actor=manager, name="X", parent=org.sales1)
    assert not Department.objects.filter(name="X").exists()


def test_moving_a_department_rewrites_the_subtree_in_one_update(org, admin_user):
    team = services.department_create(actor=admin_user, name="一组", parent=org.sales1)
    with CaptureQueriesContext(connection) as queries:
        services.department_update(actor=admin_user, department=org.shanghai, data={"parent": org.sales2})
    path_updates = [q for q in queries.captured_queries if q["sql"].startswith("UPDATE") and '"path"' in q["sql"]]
    assert len(path_updates) == 1
    shanghai, sales1, team = (Department.objects.get(pk=d.pk) for d in (org.shanghai, org.sales1, team))
    assert shanghai.parent_id == org.sales2.pk
    assert shanghai.path == f"{org.sales2.path}{shanghai.pk}/"
    assert sales1.path == f"{shanghai.path}{sales1.pk}/"
    assert team.path == f"{sales1.path}{team.pk}/"
    assert (shanghai.depth, sales1.depth, team.depth) == (4, 5, 6)
    # The old branch no longer holds them; the new one does.
    assert not Department.objects.subtree_of(org.east).filter(pk=team.pk).exists()
    assert Department.objects.subtree_of(org.south).filter(pk=team.pk).exists()
    event = AuditEvent.objects.for_object(shanghai).filter(action=AuditAction.UPDATE).first()
    assert event.changes["parent"] == [org.east.pk, org.sales2.pk]


def test_moving_to_the_top_level(org, admin_user):
    services.department_update(actor=admin_user, department=org.south, data={"parent": None})
    south, sales2 = Department.objects.get(pk=org.south.pk), Department.objects.get(pk=org.sales2.pk)
    assert (south.parent_id, south.path, south.depth) == (None, f"/{south.pk}/", 0)
    assert sales2.path.startswith(south.path) and sales2.depth == 2


@pytest.mark.parametrize("target", ["east", "sales1"])
def test_moving_under_itself_or_a_descendant_is_refused(org, admin_user, target):
    before = dict(Department.objects.values_list("pk", "path"))
    with pytest.raises(ValidationFailed) as caught:
        services.department_update(actor=admin_user, department=org.east, data={"parent": getattr(org, target)})
    assert "parent" in caught.value.fields
    assert dict(Department.objects.values_list("pk", "path")) == before


def test_sibling_names_are_unique(org, admin_user):
    with pytest.raises(ValidationFailed) as caught:
        services.department_create(actor=admin_user, name="华南大区", parent=org.head)
    assert "name" in caught.value.fields


def test_only_empty_departments_are_deleted(org, admin_user, make_user):
    with pytest.raises(Conflict):
        services.department_delete(actor=admin_user, department=org.shanghai)  # has a sub-department
    make_user("member", department=org.sales2)
    with pytest.raises(Conflict):
        services.department_delete(actor=admin_user, department=org.sales2)  # has a member
    assert Department.objects.filter(pk__in=[org.shanghai.pk, org.sales2.pk]).count() == 2
    empty = services.department_create(actor=admin_user, name="空部门", parent=org.head)
    services.department_delete(actor=admin_user, department=empty)
    assert not Department.objects.filter(pk=empty.pk).exists()
    assert AuditEvent.objects.filter(action=AuditAction.DELETE, object_repr="空部门").exists()


# --- users (ORG-2) ------------------------------------------------------------------------------------------
def test_user_create_with_roles_is_audited(org, admin_user):
    manager_role = Role.objects.get(code="manager")
    user = services.user_create(
        actor=admin_user,
        username="lisi",
        password=STRONG,
        name="李四",
        department=org.sales1,
        employee_no="",
        phone="13912345678",
        roles=[manager_role],
    )
    assert user.check_password(STRONG) and user.employee_no is None
    assert list(user.roles.all()) == [manager_role]
    event = AuditEvent.objects.for_object(user).get(action=AuditAction.CREATE)
    assert event.changes["roles"] == [None, [manager_role.pk]]
    assert "password" not in event.changes


def test_user_create_refuses_a_weak_password_and_a_taken_username(org, admin_user):
    with pytest.raises(ValidationFailed) as caught:
        services.user_create(actor=admin_user, username="weak", password="12345678", department=org.sales1)
    assert "password" in caught.value.fields
    with pytest.raises(ValidationFailed) as caught:
        services.user_create(actor=admin_user, username="admin1", password=STRONG, department=org.sales1)
    assert "username" in caught.value.fields
    assert not User.objects.filter(username="weak").exists()


def test_nobody_gives_a_role_with_more_permissions_than_their_own(org, make_user):
    hr = Role.objects.create(code="hr", name="人事")
    RolePermission.objects.bulk_create(
        [RolePermission(role=hr, code=c) for c in ("identity.user.view", "identity.user.create", "identity.user.edit")]
    )
    clerk = make_user("clerk", department=org.head)
    clerk.roles.add(hr)
    with pytest.raises(PermissionDenied):
        services.user_create(
            actor=clerk, username="boss", password=STRONG, roles=[Role.objects.get(code="admin")], department=org.head
        )
    target = make_user("target", department=org.head)
    with pytest.raises(PermissionDenied):
        services.user_update(actor=clerk, user=target, data={}, roles=[Role.objects.get(code="admin")])
    assert not target.roles.exists()
    services.user_update(actor=clerk, user=target, data={"name": "目标"}, roles=[hr])
    assert list(target.roles.all()) == [hr]


def test_disabling_a_user_ends_sessions_and_tokens_at_once(client, org, admin_user, make_user):
    user = make_user("zhangsan", role="manager", department=org.sales1)
    client.force_login(user)
    assert client.get("/profile/").status_code == 200
    key = token_issue(user=user)
    assert token_user(key) == user

    services.user_update(actor=admin_user, user=user, data={"status": UserStatus.DISABLED})

    user.refresh_from_db()
    assert user.status == UserStatus.DISABLED and not user.is_active
    assert not ApiToken.objects.filter(user=user).exists()
    assert token_user(key) is None
    owners = [s.get_decoded().get("_auth_user_id") for s in Session.objects.all()]
    assert str(user.pk) not in owners
    response = client.get("/profile/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_nobody_disables_themselves(org, admin_user):
    with pytest.raises(ValidationFailed):
        services.user_update(actor=admin_user, user=admin_user, data={"status": UserStatus.DISABLED})
    admin_user.refresh_from_db()
    assert admin_user.status == UserStatus.NORMAL


def test_left_is_reached_only_through_departure(org, admin_user, make_user):
    user = make_user("someone", department=org.sales1)
    with pytest.raises(ValidationFailed) as caught:
        services.user_update(actor=admin_user, user=user, data={"status": UserStatus.LEFT})
    assert "status" in caught.value.fields
    user.refresh_from_db()
    assert user.status == UserStatus.NORMAL


def test_an_administrator_resets_a_password(client, org, admin_user, make_user):
    user = make_user("forgetful", department=org.sales1)
    client.force_login(user)
    services.user_set_password(actor=admin_user, user=user, password=STRONG)
    user.refresh_from_db()
    assert user.check_password(STRONG)
    assert client.get("/profile/").status_code == 302  # the old session ended
    assert AuditEvent.objects.for_object(user).filter(changes__password=["***", "***"]).exists()


# --- employee departure (ORG-7) ---------------------------------------------------------------------------
@pytest.fixture
def notice_resource(monkeypatch):
    """A role-less owned resource: handover must move it though no role mentions it."""
    resource = Resource(
        code="identitytest.notice", label="Notices", model="notifications.Notification", owner_fields=("recipient",)
    )
    monkeypatch.setitem(registry._resources, resource.code, resource)
    return resource


def test_departure_hands_everything_over_in_one_audited_action(client, org, admin_user, make_user, notice_resource):
    leaving = make_user("leaving", role="manager", department=org.sales1)
    successor = make_user("successor", role="manager", department=org.sales1)
    bystander = make_user("bystander", role="manager", department=org.sales1)
    report = make_user("report", department=org.sales1, superior=leaving)
    Department.objects.filter(pk=org.sales1.pk).update(leader=leaving)
    Notification.objects.bulk_create(
        [Notification(recipient=leaving, title=f"n{i}") for i in range(3)]
        + [Notification(recipient=bystander, title="x")]
    )
    client.force_login(leaving)
    token_issue(user=leaving)

    moved = services.user_depart(actor=admin_user, user=leaving, successor=successor)

    assert moved == {
        "identitytest.notice.recipient": 3,
        "identity.user.superior": 1,
        "identity.department.leader": 1,
    }
    assert Notification.objects.filter(recipient=successor).count() == 3
    assert Notification.objects.filter(recipient=bystander).count() == 1
    assert not Notification.objects.filter(recipient=leaving).exists()
    report.refresh_from_db()
    assert report.superior_id == successor.pk
    assert Department.objects.get(pk=org.sales1.pk).leader_id == successor.pk
    leaving.refresh_from_db()
    assert leaving.status == UserStatus.LEFT and not leaving.is_active
    assert not ApiToken.objects.filter(user=leaving).exists()
    assert client.get("/profile/").status_code == 302
    event = AuditEvent.objects.for_object(leaving).get(action=AuditAction.DEPART)
    assert event.actor_id == admin_user.pk
    assert event.changes["status"] == [UserStatus.NORMAL, UserStatus.LEFT]
    assert event.changes["successor"] == [None, successor.pk]
    assert event.changes["identitytest.notice.recipient"] == [3, 0]
    handover = AuditEvent.objects.get(action=AuditAction.HANDOVER)
    assert handover.changes["recipient"] == [leaving.pk, successor.pk]
    assert handover.changes["count"] == [None, 3]


def test_departure_refuses_self_inactive_successor_and_the_unpermitted(org, admin_user, make_user, notice_resource):
    leaving = make_user("leaving", role="manager", department=org.sales1)
    gone = make_user("gone", department=org.sales1, status=UserStatus.DISABLED)
    supervisor = make_user("sup", role="supervisor", department=org.sales1)
    Notification.objects.create(recipient=leaving, title="n")
    with pytest.raises(ValidationFailed) as caught:
        services.user_depart(actor=admin_user, user=leaving, successor=leaving)
    assert "successor" in caught.value.fields
    with pytest.raises(ValidationFailed):
        services.user_depart(actor=admin_user, user=leaving, successor=gone)
    with pytest.raises(PermissionDenied):
        services.user_depart(actor=supervisor, user=leaving, successor=supervisor)
    with pytest.raises(ValidationFailed):
        services.user_depart(actor=admin_user, user=admin_user, successor=supervisor)
    leaving.refresh_from_db()
    assert leaving.status == UserStatus.NORMAL
    assert Notification.objects.filter(recipient=leaving).count() == 1
    assert not AuditEvent.objects.filter(action=AuditAction.DEPART).exists()
