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


def test_shares_beyond_the_inline_limit_are_read_as_a_sub_query(org, make_user, viewer_role, monkeypatch):
    """Up to SHARES_INLINE shared ids are named in the statement; beyond, the shares are a sub-query:
    the same records either way, editable ones only for edit."""
    from crm.access import engine

    RolePermission.objects.create(role=viewer_role, code=f"{RESOURCE}.edit")
    owner = make_user("owner", department=org.sales1)
    friend = make_user("friend", department=org.sales2)
    friend.roles.add(viewer_role)
    records = [Record.objects.create(name=name, owner=owner) for name in "甲乙丙"]
    for record, editable in zip(records[:2], (False, True), strict=True):
        Share.objects.create(resource=RESOURCE, object_id=record.pk, user=friend, can_edit=editable)
    for limit in (engine.SHARES_INLINE, 1):
        monkeypatch.setattr(engine, "SHARES_INLINE", limit)
        forget(friend)
        access = access_for(friend)
        assert set(access.scoped(RESOURCE)) == set(records[:2]), limit
        assert set(access.scoped(RESOURCE, action="edit")) == {records[1]}, limit


def test_one_parents_records_are_scoped_by_a_look_at_the_parent(org, make_user, viewer_role):
    """`scoped(..., parent=record)` (a customer's sections on its 360 page): all the parent's records
    when the parent is in scope, else those the user has as their owner; the same records as the
    whole scope filtered by that parent, never another parent's."""
    from crm.core.tests.scopedapp.models import Note

    note_code = "scopedapp.note"
    RolePermission.objects.create(role=viewer_role, code=f"{note_code}.view")
    me = make_user("me", department=org.sales1)
    me.roles.add(viewer_role)
    other = make_user("other", department=org.sales2)
    mine, theirs, shared = (
        Record.objects.create(name=name, owner=owner) for name, owner in (("甲", me), ("乙", other), ("丙", other))
    )
    Share.objects.create(resource=RESOURCE, object_id=shared.pk, user=me)
    notes = {
        (record.name, author.username): Note.objects.create(record=record, author=author, text="记")
        for record, author in ((mine, other), (mine, me), (theirs, other), (theirs, me), (shared, other))
    }
    access = access_for(me)
    for record in (mine, theirs, shared):
        assert set(access.scoped(note_code, parent=record)) == set(access.scoped(note_code).filter(record=record))
    assert set(access.scoped(note_code, parent=mine)) == {notes["甲", "other"], notes["甲", "me"]}
    assert set(access.scoped(note_code, parent=theirs)) == {notes["乙", "me"]}
    assert set(access.scoped(note_code, parent=shared)) == {notes["丙", "other"]}
    outsider = make_user("outsider", department=org.sales1)
    records_only = Role.objects.create(code="records-only", name="只看记录", default_scope="all")
    RolePermission.objects.create(role=records_only, code=f"{RESOURCE}.view")
    outsider.roles.add(records_only)
    assert not access_for(outsider).scoped(note_code, parent=mine).exists()  # no function for notes
    RoleScope.objects.create(role=viewer_role, resource=note_code, scope="all")
    forget(me)
    assert set(access_for(me).scoped(note_code, parent=theirs)) == {notes["乙", "other"], notes["乙", "me"]}
    with pytest.raises(ValueError):
        access_for(me).scoped(RESOURCE, parent=mine)  # records have no parent


def test_subtree_scope_follows_the_department_path(org, make_user, viewer_role):
    viewer_role.default_scope = "subtree"
    viewer_role.save()
    boss = make_user("boss", department=org.east)
    boss.roles.add(viewer_role)
    inside = Record.objects.create(name="内", owner=make_user("a", department=org.sales1))
    outside = Record.objects.create(name="外", owner=make_user("b", department=org.sales2))
    visible = set(access_for(boss).scoped(RESOURCE))
    assert inside in visible and outside not in visible


@pytest.mark.parametrize("scope", ["department", "subtree"])
def test_a_department_scope_names_its_people(org, make_user, viewer_role, django_assert_num_queries, scope):
    """Records owned in the user's department (or subtree) are selected by their owners' ids,
    the user's among them, read once per request: no join of every record to its owner and the
    owner's department (a supervisor's lists at scale 1, docs/benchmarks.md "Issue 15"). A person
    moved into the department later in the request is not seen until the next one."""
    viewer_role.default_scope = scope
    viewer_role.save()
    boss = make_user("boss", department=org.sales1 if scope == "department" else org.east)
    boss.roles.add(viewer_role)
    mine = Record.objects.create(name="己", owner=boss)
    colleague = Record.objects.create(name="同", owner=make_user("a", department=org.sales1))
    outside = Record.objects.create(name="外", owner=make_user("b", department=org.sales2))
    access = access_for(boss)
    queryset = access.scoped(RESOURCE)
    assert "department" not in str(queryset.query).lower()
    assert set(queryset) == {mine, colleague} and outside not in set(queryset)
    with django_assert_num_queries(1):  # the people were read with the first listing
        assert set(access.scoped(RESOURCE)) == {mine, colleague}


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


def test_the_engine_needs_one_query_per_user_and_none_after(org, make_user, viewer_role, django_assert_num_queries):
    user = make_user("u", department=org.sales1)
    user.roles.add(viewer_role)
    user = type(user).objects.get(pk=user.pk)
    with django_assert_num_queries(5):  # which roles, then their policy (four), read once per process
        access_for(user)
    with django_assert_num_queries(0):
        access_for(user).can(f"{RESOURCE}.view")
    # The next request's user: only which roles it holds (ADR 0028, test_policies.py); was four.
    user = type(user).objects.get(pk=user.pk)
    with django_assert_num_queries(1):
        access_for(user)


# --- what apps ask the engine for (issue 11) ----------------------------------------------------------
@pytest.fixture
def team(org, make_user):
    """An own-scope, a department-scope, a subtree-scope and an all-scope user over the records."""
    users = {}
    for code, scope, department in [
        ("own", "self", org.sales1),
        ("dept", "department", org.sales1),
        ("tree", "subtree", org.shanghai),
        ("all", "all", org.sales2),
    ]:
        role = Role.objects.create(code=f"r-{code}", name=code, default_scope=scope)
        RolePermission.objects.bulk_create(
            [RolePermission(role=role, code=f"{RESOURCE}.{action}") for action in ("view", "edit", "delete")]
        )
        users[code] = make_user(code, department=department)
        users[code].roles.add(role)
    users["south"] = make_user("south", role="manager", department=org.sales2)
    return users


def test_users_in_scope_follow_the_scope_ladder(team):
    from crm.identity.models import User

    names = {
        code: set(access_for(user).users_in_scope(RESOURCE, User.objects.all()).values_list("username", flat=True))
        for code, user in team.items()
        if code != "south"
    }
    assert names["own"] == {"own"}
    assert names["dept"] == {"own", "dept"}  # 销售一部
    assert names["tree"] == {"own", "dept", "tree"}  # 上海分公司 and below
    assert names["all"] == set(User.objects.values_list("username", flat=True))


def test_abilities_give_every_action_and_ask_the_records_scope_once(team, django_assert_num_queries):
    record = Record.objects.create(name="乙", owner=team["south"])
    own = access_for(team["own"])
    assert own.abilities(RESOURCE) == {"view": True, "create": False, "edit": True, "delete": True, "export": False}
    with django_assert_num_queries(2):  # the user's shares, read once per request, and the record
        assert own.abilities(RESOURCE, record) == {
            "view": True,
            "create": False,
            "edit": False,
            "delete": False,
            "export": False,
        }
        own.abilities(RESOURCE, record)  # remembered for the request
    assert access_for(team["all"]).abilities(RESOURCE, record)["edit"]


def test_check_parent_needs_the_childs_function_and_edit_rights_on_the_parent(team):
    from crm.customers.permissions import CONTACT, CUSTOMER
    from crm.customers.testing import make_customer

    customer = make_customer(manager=team["south"], name="深圳某公司")
    role = Role.objects.create(code="contacts", name="联系人", default_scope="self")
    RolePermission.objects.bulk_create(
        [RolePermission(role=role, code=code) for code in (f"{CONTACT}.create", f"{CUSTOMER}.edit")]
    )
    team["own"].roles.add(role)
    forget(team["own"])
    with pytest.raises(PermissionDenied):
        access_for(team["own"]).check_parent(CONTACT, "create", customer)  # not their customer
    customer.manager = team["own"]
    customer.save()
    access_for(team["own"]).check_parent(CONTACT, "create", customer)
    with pytest.raises(PermissionDenied):
        access_for(team["own"]).check_parent(CONTACT, "delete", customer)  # no such function


def test_shares_are_granted_listed_moved_and_dropped_in_one_place(team):
    from crm.access import shares

    first = Record.objects.create(name="丙", owner=team["south"])
    second = Record.objects.create(name="丁", owner=team["south"])
    shares.share_grant(actor=team["all"], resource_code=RESOURCE, obj=first, users=[team["own"]], can_edit=True)
    shares.share_grant(actor=team["all"], resource_code=RESOURCE, obj=second, users=[team["own"], team["dept"]])
    assert {s.user for s in shares.shares_of(RESOURCE, first)} == {team["own"]}
    assert set(shares.shared_with(RESOURCE, team["own"]).values_list("object_id", flat=True)) == {first.pk, second.pk}
    shares.shares_move(RESOURCE, [second.pk], first.pk, skip_user_ids=[team["south"].pk])
    moved = {s.user.username: s.can_edit for s in shares.shares_of(RESOURCE, first)}
    assert moved == {"own": True, "dept": False}  # an existing share keeps its edit right
    assert not shares.shares_of(RESOURCE, second).exists()
    assert shares.shares_drop(user=team["dept"]) == 1
    with pytest.raises(PermissionDenied):  # only who may edit the record shares it
        shares.share_grant(actor=team["own"], resource_code=RESOURCE, obj=Record.objects.create(name="戊"), users=[])
