"""The permission engine's decisions (ORG-3, ORG-4, ORG-5), straight from its API."""

import pytest

from crm.access.engine import access_for, forget
from crm.access.masking import mask_email, mask_phone
from crm.access.models import FieldRule, Role, RolePermission, RoleScope, Share
from crm.core.errors import NotFound, PermissionDenied
from crm.core.tests.scopedapp.models import Record
from crm.identity.models import UserStatus

RESOURCE = "scopedapp.record"


@pytest.fixture
def viewer_role(db):
    role = Role.objects.create(code="viewer", name="查看", default_scope="self")
    RolePermission.objects.create(role=role, code=f"{RESOURCE}.view")
    return role


def test_several_roles_give_the_union_of_functions_and_the_widest_scope(org, make_user, viewer_role):
    wide = Role.objects.create(code="wide", name="全部", default_scope="self")
    RoleScope.objects.create(role=wide, resource=RESOURCE, scope="all")
    RolePermission.objects.create(role=wide, code=f"{RESOURCE}.export")
    user = make_user("u1", department=org.sales1)
    user.roles.set([viewer_role, wide])
    access = access_for(user)
    assert access.can(f"{RESOURCE}.view") and access.can(f"{RESOURCE}.export")
    assert not access.can(f"{RESOURCE}.delete")
    assert access.scope(RESOURCE) == "all"


def test_get_outside_scope_is_not_found_not_forbidden(org, make_user, viewer_role):
    owner = make_user("owner", department=org.sales1)
    other = make_user("other", department=org.sales1)
    other.roles.add(viewer_role)
    record = Record.objects.create(name="甲", owner=owner)
    with pytest.raises(NotFound):
        access_for(other).get(RESOURCE, record.pk)
    with pytest.raises(NotFound):
        access_for(other).get(RESOURCE, "not-a-number")


def test_a_share_gives_view_and_only_an_editable_share_gives_edit(org, make_user, viewer_role):
    RolePermission.objects.create(role=viewer_role, code=f"{RESOURCE}.edit")
    owner = make_user("owner", department=org.sales1)
    friend = make_user("friend", department=org.sales2)
    friend.roles.add(viewer_role)
    record = Record.objects.create(name="甲", owner=owner)
    share = Share.objects.create(resource=RESOURCE, object_id=record.pk, user=friend, can_edit=False)
    access = access_for(friend)
    assert access.get(RESOURCE, record.pk) == record
    with pytest.raises(PermissionDenied):
        access.check(RESOURCE, "edit", record)
    share.can_edit = True
    share.save()
    forget(friend)  # shares, like roles, are read once per request
    access_for(friend).check(RESOURCE, "edit", record)


def test_subtree_scope_follows_the_department_path(org, make_user, viewer_role):
    viewer_role.default_scope = "subtree"
    viewer_role.save()
    boss = make_user("boss", department=org.east)
    boss.roles.add(viewer_role)
    inside = Record.objects.create(name="内", owner=make_user("a", department=org.sales1))
    outside = Record.objects.create(name="外", owner=make_user("b", department=org.sales2))
    visible = set(access_for(boss).scoped(RESOURCE))
    assert inside in visible and outside not in visible


def test_disabled_users_and_anonymous_users_may_do_nothing(org, make_user, viewer_role):
    user = make_user("gone", department=org.sales1, status=UserStatus.DISABLED)
    user.roles.add(viewer_role)
    assert not access_for(user).can(f"{RESOURCE}.view")
    assert access_for(user).scoped(RESOURCE).count() == 0


def test_superusers_see_everything_without_field_rules(org, make_user, viewer_role):
    root = make_user("root", is_superuser=True)
    FieldRule.objects.create(role=viewer_role, resource=RESOURCE, field="phone", rule="hidden")
    root.roles.add(viewer_role)
    access = access_for(root)
    assert access.can("anything.at.all")
    assert access.present(RESOURCE, "phone", "13812345678") == "13812345678"


def test_masking_formats():
    assert mask_phone("13812341234") == "138****1234"
    assert mask_email("zhang.san@example.com") == "z***@example.com"


def test_the_engine_needs_three_queries_per_user_and_none_after(org, make_user, viewer_role, django_assert_num_queries):
    user = make_user("u", department=org.sales1)
    user.roles.add(viewer_role)
    user = type(user).objects.get(pk=user.pk)
    with django_assert_num_queries(4):
        access_for(user)
    with django_assert_num_queries(0):
        access_for(user).can(f"{RESOURCE}.view")
