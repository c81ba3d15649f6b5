"""Role services (ORG-3 function permissions, ORG-4 data scopes, ORG-5 field rules, ORG-6 export
as its own function): writes are checked against the registry, replace the policy, and are
audited with before/after in one event."""

import pytest

from crm.access import registry
from crm.access.engine import access_for
from crm.access.models import FieldRule, KnownFunction, Role, RolePermission, RoleScope
from crm.access.registry import Resource
from crm.access.services import (
    role_create,
    role_delete,
    role_set_policy,
    role_set_users,
    roles_sync,
)
from crm.audit.models import AuditAction, AuditEvent
from crm.core.errors import Conflict, PermissionDenied, ValidationFailed
from crm.identity.models import UserStatus

RECORD = "scopedapp.record"  # the test app's owned, shareable resource (crm.core.tests.scopedapp)


def policy_of(role):
    return (
        set(RolePermission.objects.filter(role=role).values_list("code", flat=True)),
        dict(RoleScope.objects.filter(role=role).values_list("resource", "scope")),
        {(r.resource, r.field): r.rule for r in FieldRule.objects.filter(role=role)},
    )


def role_events(role):
    return AuditEvent.objects.for_object(role)


@pytest.fixture
def role(db):
    role = Role.objects.create(code="clerk", name="文员", default_scope="self")
    RolePermission.objects.bulk_create(
        [RolePermission(role=role, code=c) for c in ("identity.user.view", f"{RECORD}.view", f"{RECORD}.edit")]
    )
    RoleScope.objects.create(role=role, resource=RECORD, scope="department")
    FieldRule.objects.create(role=role, resource=RECORD, field="phone", rule="masked")
    return role


def test_set_policy_replaces_functions_scopes_and_rules_with_one_audit_event(admin_user, role):
    role_set_policy(
        actor=admin_user,
        role=role,
        functions={f"{RECORD}.view", f"{RECORD}.export"},
        scopes={RECORD: "subtree"},
        field_rules={(RECORD, "email"): "hidden", (RECORD, "phone"): None},
    )
    assert policy_of(role) == (
        {f"{RECORD}.view", f"{RECORD}.export"},
        {RECORD: "subtree"},
        {(RECORD, "email"): "hidden"},
    )
    [event] = role_events(role)
    assert event.action == AuditAction.UPDATE and event.actor == admin_user
    assert event.changes["functions"] == [
        sorted(["identity.user.view", f"{RECORD}.view", f"{RECORD}.edit"]),
        sorted([f"{RECORD}.export", f"{RECORD}.view"]),
    ]
    assert event.changes["scopes"] == [[f"{RECORD}=department"], [f"{RECORD}=subtree"]]
    assert event.changes["field_rules"] == [[f"{RECORD}.phone=masked"], [f"{RECORD}.email=hidden"]]


def test_set_policy_with_details_changes_them_in_the_same_event(admin_user, role):
    role_set_policy(actor=admin_user, role=role, data={"name": "前台", "default_scope": "all"}, functions=set())
    role.refresh_from_db()
    assert (role.name, role.default_scope) == ("前台", "all")
    [event] = role_events(role)
    assert event.changes["name"] == ["文员", "前台"]
    assert event.changes["default_scope"] == ["self", "all"]
    assert event.changes["functions"][1] == []


def test_parts_left_out_stay_as_they_were(admin_user, role):
    before = policy_of(role)
    role_set_policy(actor=admin_user, role=role, data={"description": "新说明"})
    assert policy_of(role) == before
    role_set_policy(actor=admin_user, role=role, scopes={RECORD: ""})
    assert policy_of(role) == (before[0], {}, before[2])


def test_an_explicit_scope_equal_to_the_default_is_kept(admin_user, role):
    role_set_policy(actor=admin_user, role=role, scopes={RECORD: "self"})
    role_set_policy(actor=admin_user, role=role, data={"default_scope": "all"})
    assert access_for(_holder(role)).scope(RECORD) == "self"


def test_saving_the_same_policy_writes_no_event(admin_user, role):
    functions, scopes, rules = policy_of(role)
    role_set_policy(actor=admin_user, role=role, functions=functions, scopes=scopes, field_rules=rules)
    assert role_events(role).count() == 0


@pytest.mark.parametrize(
    ("policy", "field"),
    [
        ({"functions": {"identity.user.view", "no.such.code"}}, "functions"),
        ({"functions": {"identity.user.fly"}}, "functions"),
        ({"field_rules": {(RECORD, "name"): "hidden"}}, "field_rules"),
        ({"field_rules": {("no.such", "phone"): "hidden"}}, "field_rules"),
        ({"field_rules": {(RECORD, "phone"): "shredded"}}, "field_rules"),
        ({"scopes": {"no.such": "all"}}, "scopes"),
        ({"scopes": {"identity.user": "all"}}, "scopes"),  # users are not owned records
        ({"scopes": {RECORD: "galaxy"}}, "scopes"),
    ],
)
def test_set_policy_rejects_what_the_registry_does_not_know_and_changes_nothing(admin_user, role, policy, field):
    before = policy_of(role)
    with pytest.raises(ValidationFailed) as caught:
        role_set_policy(actor=admin_user, role=role, data={"name": "改名"}, **policy)
    assert field in caught.value.fields
    assert policy_of(role) == before
    role.refresh_from_db()
    assert role.name == "文员"
    assert role_events(role).count() == 0


def test_only_users_with_the_function_may_change_roles(org, make_user, role):
    manager = make_user("m1", role="manager", department=org.sales1)
    before = policy_of(role)
    with pytest.raises(PermissionDenied):
        role_set_policy(actor=manager, role=role, functions=set())
    with pytest.raises(PermissionDenied):
        role_set_users(actor=manager, role=Role.objects.get(code="admin"), users=[manager])
    with pytest.raises(PermissionDenied):
        role_create(actor=manager, code="mine", name="我的")
    assert policy_of(role) == before
    assert not manager.roles.filter(code="admin").exists()
    assert not Role.objects.filter(code="mine").exists()


def test_the_administrator_role_keeps_role_editing(admin_user):
    admin_role = Role.objects.get(code="admin")
    everything = registry.all_function_codes()
    with pytest.raises(ValidationFailed) as caught:
        role_set_policy(actor=admin_user, role=admin_role, functions=everything - {"access.role.edit"})
    assert "functions" in caught.value.fields
    assert RolePermission.objects.filter(role=admin_role, code="access.role.edit").exists()


def test_a_changed_role_changes_what_its_users_may_do(admin_user, org, make_user, role):
    clerk = make_user("clerk", department=org.sales1)
    clerk.roles.add(role)
    assert access_for(clerk).can("identity.user.view")
    role_set_policy(actor=admin_user, role=role, functions={f"{RECORD}.view"})
    clerk = type(clerk).objects.get(pk=clerk.pk)  # a new request
    assert not access_for(clerk).can("identity.user.view")
    assert access_for(clerk).can(f"{RECORD}.view")


# --- create, delete, users ------------------------------------------------------------------------
def test_create_copies_the_policy_of_another_role_and_audits_it(admin_user, role):
    copy = role_create(actor=admin_user, code="clerk2", name="文员二", default_scope="department", copy_from=role)
    assert policy_of(copy) == policy_of(role)
    [event] = role_events(copy)
    assert event.action == AuditAction.CREATE
    assert event.changes["code"] == [None, "clerk2"]
    assert event.changes["copied_from"] == [None, role.pk]
    assert f"{RECORD}.edit" in event.changes["functions"][1]


def test_create_refuses_a_taken_code_or_name(admin_user, role):
    with pytest.raises(ValidationFailed) as caught:
        role_create(actor=admin_user, code="clerk", name="别的")
    assert "code" in caught.value.fields
    with pytest.raises(ValidationFailed) as caught:
        role_create(actor=admin_user, code="other", name="文员")
    assert "name" in caught.value.fields


def test_built_in_roles_and_roles_with_users_cannot_be_deleted(admin_user, org, make_user, role):
    with pytest.raises(Conflict):
        role_delete(actor=admin_user, role=Role.objects.get(code="manager"))
    clerk = make_user("clerk", department=org.sales1)
    clerk.roles.add(role)
    with pytest.raises(Conflict):
        role_delete(actor=admin_user, role=role)
    assert Role.objects.filter(pk=role.pk).exists()
    clerk.roles.clear()
    role_pk = role.pk
    role_delete(actor=admin_user, role=role)
    assert not Role.objects.filter(pk=role_pk).exists()
    assert not RolePermission.objects.filter(role_id=role_pk).exists()
    event = AuditEvent.objects.filter(action=AuditAction.DELETE, object_id=str(role_pk)).get()
    assert event.changes["code"] == ["clerk", None]


def test_set_users_gives_and_takes_the_role_with_one_audit_event(admin_user, org, make_user, role):
    a = make_user("a", department=org.sales1)
    b = make_user("b", department=org.sales1)
    role_set_users(actor=admin_user, role=role, users=[a, b])
    assert set(role.users.all()) == {a, b}
    role_set_users(actor=admin_user, role=role, users=[b])
    assert set(role.users.all()) == {b}
    first, second = reversed(role_events(role))
    assert first.changes == {"users": [[], sorted([a.pk, b.pk])]}
    assert second.changes == {"users": [sorted([a.pk, b.pk]), [b.pk]]}


def test_set_users_refuses_to_give_a_role_to_an_inactive_user(admin_user, org, make_user, role):
    gone = make_user("gone", department=org.sales1, status=UserStatus.LEFT)
    with pytest.raises(ValidationFailed) as caught:
        role_set_users(actor=admin_user, role=role, users=[gone])
    assert "users" in caught.value.fields
    assert not role.users.exists()


def test_the_administrator_role_keeps_an_active_user(admin_user):
    admin_role = Role.objects.get(code="admin")
    with pytest.raises(Conflict):
        role_set_users(actor=admin_user, role=admin_role, users=[])
    assert admin_role.users.filter(pk=admin_user.pk).exists()


# --- built-in roles follow new modules once ----------------------------------------------------------
@pytest.fixture
def gadget_resource(db):
    """A throwaway module registered for one test and taken out of the registry afterwards."""
    resource = registry.register(
        Resource(code="zztest.gadget", label="Gadget", model="access.Role", actions=("view", "create", "export"))
    )
    yield resource
    registry._resources.pop(resource.code, None)


def test_roles_sync_offers_a_new_function_once_and_a_removal_survives(admin_user, gadget_resource):
    executive = Role.objects.get(code="executive")
    manager = Role.objects.get(code="manager")
    admin_role = Role.objects.get(code="admin")
    assert not KnownFunction.objects.filter(code="zztest.gadget.export").exists()

    roles_sync()

    def granted(role):
        return set(RolePermission.objects.filter(role=role, code__startswith="zztest.").values_list("code", flat=True))

    assert granted(admin_role) == {"zztest.gadget.view", "zztest.gadget.create", "zztest.gadget.export"}
    assert granted(executive) == {"zztest.gadget.view", "zztest.gadget.export"}  # *.view, *.export
    assert granted(manager) == set()  # not one of the sales modules
    assert KnownFunction.objects.filter(code="zztest.gadget.export").exists()

    functions = set(RolePermission.objects.filter(role=executive).values_list("code", flat=True))
    role_set_policy(actor=admin_user, role=executive, functions=functions - {"zztest.gadget.export"})
    roles_sync()
    assert granted(executive) == {"zztest.gadget.view"}
    assert granted(admin_role) == {"zztest.gadget.view", "zztest.gadget.create", "zztest.gadget.export"}


def _holder(role):
    from crm.testing import make_user

    user = make_user(f"holder-{role.pk}")
    user.roles.add(role)
    return user
