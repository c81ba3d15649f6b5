"""The roles and permissions pages (ORG-3..ORG-6): list, create, the role editor saving function
permissions, data scopes and field rules in one POST, its users, and deleting."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from crm.access.engine import access_for
from crm.access.models import FieldRule, Role, RolePermission, RoleScope
from crm.audit.models import AuditEvent
from crm.identity.models import UserStatus

RECORD = "scopedapp.record"


def edit_url(role) -> str:
    return reverse("access:role_edit", args=[role.pk])


def post_data(role, *, functions=None, scopes=None, rules=None, **details) -> dict:
    """What the role editor posts when nothing is changed, with some parts replaced."""
    data = {
        "name": role.name,
        "description": role.description,
        "default_scope": role.default_scope,
        "functions": sorted(RolePermission.objects.filter(role=role).values_list("code", flat=True)),
    }
    if not role.is_system:
        data["code"] = role.code
    for scope in RoleScope.objects.filter(role=role):
        data[f"scope:{scope.resource}"] = scope.scope
    for rule in FieldRule.objects.filter(role=role):
        data[f"rule:{rule.resource}:{rule.field}"] = rule.rule
    if functions is not None:
        data["functions"] = sorted(functions)
    for resource, scope in (scopes or {}).items():
        data[f"scope:{resource}"] = scope
    for (resource, field), rule in (rules or {}).items():
        data[f"rule:{resource}:{field}"] = rule
    data.update(details)
    return data


def checkbox(html: str, code: str) -> str:
    """The <input> tag of one function's checkbox in the matrix."""
    match = re.search(r'<input[^>]*name="functions" value="' + re.escape(code) + r'"[^>]*>', html)
    assert match, code
    return " ".join(match.group(0).split())


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


# --- the list ------------------------------------------------------------------------------------
def test_the_list_shows_roles_with_their_scope_users_and_built_in_badge(admin_client, org, make_user):
    make_user("m1", role="manager", department=org.sales1)
    make_user("m2", role="manager", department=org.sales1)
    Role.objects.create(code="temp", name="临时角色", default_scope="department")
    response = admin_client.get(reverse("access:role_list"), HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert "客户经理" in html and "临时角色" in html
    assert html.count(">Built-in</span>") == Role.objects.filter(is_system=True).count() == 7
    assert "Own department" in html  # the default scope, by its label
    rows = {role.code: role for role in response.context["roles"]}
    assert rows["manager"].user_count == 2 and rows["temp"].user_count == 0
    assert edit_url(rows["temp"]) in html


def test_the_list_needs_the_view_function(client, org, make_user):
    client.force_login(make_user("m1", role="manager", department=org.sales1))
    assert client.get(reverse("access:role_list")).status_code == 403
    assert client.get(edit_url(Role.objects.get(code="manager"))).status_code == 403


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("access:role_list")).status_code == 200
    return len(captured)


def test_the_list_needs_the_same_queries_for_few_and_many_roles(
    admin_client, org, make_user, django_assert_num_queries
):
    for i in range(3):
        role = Role.objects.create(code=f"r{i}", name=f"角色{i}")
        make_user(f"u{i}", department=org.sales1).roles.add(role)
    admin_client.get(reverse("access:role_list"))  # cached settings warm up
    few = _list_queries(admin_client)
    for i in range(3, 25):
        role = Role.objects.create(code=f"r{i}", name=f"角色{i}")
        make_user(f"u{i}", department=org.sales1).roles.add(role)
    admin_client.get(reverse("access:role_list"))  # roles changed: the caller's policy is read anew once (ADR 0028)
    with django_assert_num_queries(few):
        admin_client.get(reverse("access:role_list"))


# --- create ----------------------------------------------------------------------------------------
def test_create_a_role_copied_from_another_and_land_in_its_editor(admin_client):
    manager = Role.objects.get(code="manager")
    response = admin_client.post(
        reverse("access:role_create"),
        {
            "code": "assistant",
            "name": "销售助理",
            "description": "",
            "default_scope": "department",
            "copy_from": manager.pk,
        },
    )
    role = Role.objects.get(code="assistant")
    assert response.status_code == 302 and response["Location"] == edit_url(role)
    assert set(role.permissions.values_list("code", flat=True)) == set(
        manager.permissions.values_list("code", flat=True)
    )
    assert role.default_scope == "department" and not role.is_system


def test_create_shows_a_taken_code_on_the_form(admin_client):
    response = admin_client.post(
        reverse("access:role_create"), {"code": "manager", "name": "别名", "default_scope": "self"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert not Role.objects.filter(name="别名").exists()


# --- the editor --------------------------------------------------------------------------------------
def test_the_editor_shows_the_matrix_scopes_and_field_rules(admin_client):
    manager = Role.objects.get(code="manager")
    FieldRule.objects.create(role=manager, resource=RECORD, field="phone", rule="masked")
    response = admin_client.get(edit_url(manager))
    html = response.content.decode()
    assert response.status_code == 200
    # one checkbox per function code, ticked as the role has it
    assert checkbox(html, "identity.user.view").endswith(" checked>")
    assert not checkbox(html, "identity.user.delete").endswith(" checked>")
    english = admin_client.get(edit_url(manager), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'aria-label="Users · View"' in checkbox(english, "identity.user.view")
    ticked = {
        c["code"] for g in response.context["matrix"] for r in g["rows"] for c in r["standard"] if c and c["checked"]
    }
    assert "identity.user.view" in ticked and "identity.user.delete" not in ticked
    # extra actions carry their labels; scoped resources have a scope choice, others none
    rows = {r["resource"].code: r for g in response.context["matrix"] for r in g["rows"]}
    assert [c["code"] for c in rows["identity.user"]["extra"]] == ["identity.user.depart"]
    assert [c["code"] for c in rows[RECORD]["extra"]] == [f"{RECORD}.export"]
    assert rows[RECORD]["scope"] is not None and rows["identity.user"]["scope"] is None
    assert f'name="scope:{RECORD}"' in html
    assert '<option value="masked" selected>' in html.split(f'name="rule:{RECORD}:phone"')[1].split("</select>")[0]
    # grouped by app, with the app's name, in the order of the codes (whichever apps are installed)
    apps = [g["app"] for g in response.context["matrix"]]
    assert apps == sorted(apps) and apps[0] == "access" and {"approvals", "audit", "core"} <= set(apps)


def test_saving_the_editor_replaces_the_policy_in_one_audit_event(admin_client):
    manager = Role.objects.get(code="manager")
    functions = set(manager.permissions.values_list("code", flat=True)) | {f"{RECORD}.export"}
    response = admin_client.post(
        edit_url(manager),
        post_data(
            manager,
            functions=functions - {"identity.department.view"},
            scopes={RECORD: "department"},
            rules={(RECORD, "phone"): "masked", ("identity.user", "email"): "hidden"},
            description="只看自己的客户",
        ),
    )
    assert response.status_code == 302 and response["Location"] == edit_url(manager)
    codes = set(manager.permissions.values_list("code", flat=True))
    assert f"{RECORD}.export" in codes and "identity.department.view" not in codes
    assert dict(manager.scopes.values_list("resource", "scope")) == {RECORD: "department"}
    assert {(r.resource, r.field, r.rule) for r in manager.field_rules.all()} == {
        (RECORD, "phone", "masked"),
        ("identity.user", "email", "hidden"),
    }
    manager.refresh_from_db()
    assert manager.description == "只看自己的客户"
    [event] = AuditEvent.objects.for_object(manager)
    assert set(event.changes) == {"description", "functions", "scopes", "field_rules"}
    page = admin_client.get(edit_url(manager))
    assert [m.level_tag for m in page.context["messages"]] == ["success"]


def test_unticking_view_users_takes_the_users_page_away(admin_client, org, make_user):
    """A user whose only role loses identity.user.view no longer gets the users page (ORG-3)."""
    role = Role.objects.create(code="hr", name="人事")
    RolePermission.objects.create(role=role, code="identity.user.view")
    clerk = make_user("hr1", department=org.sales1)
    clerk.roles.add(role)
    try:
        users_url = reverse("identity:user_list")
    except NoReverseMatch:
        users_url = None
    assert access_for(type(clerk).objects.get(pk=clerk.pk)).can("identity.user.view")
    if users_url:
        other = admin_client.__class__()
        other.force_login(clerk)
        assert other.get(users_url).status_code == 200

    response = admin_client.post(edit_url(role), post_data(role, functions=set()))
    assert response.status_code == 302

    assert not access_for(type(clerk).objects.get(pk=clerk.pk)).can("identity.user.view")
    if users_url:
        assert other.get(users_url).status_code == 403


def test_an_invalid_post_changes_nothing_and_shows_the_errors(admin_client):
    manager = Role.objects.get(code="manager")
    before = set(manager.permissions.values_list("code", flat=True))
    response = admin_client.post(
        edit_url(manager), post_data(manager, functions=before | {"no.such.view"}, scopes={RECORD: "galaxy"}, name="")
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["functions"] and form.errors["name"] and form.errors[f"scope:{RECORD}"]
    assert set(manager.permissions.values_list("code", flat=True)) == before
    manager.refresh_from_db()
    assert manager.name == "客户经理"


def test_a_service_refusal_comes_back_on_the_form(admin_client):
    admin_role = Role.objects.get(code="admin")
    before = set(admin_role.permissions.values_list("code", flat=True))
    response = admin_client.post(edit_url(admin_role), post_data(admin_role, functions=before - {"access.role.edit"}))
    assert response.status_code == 200
    assert response.context["form"].errors["functions"]
    assert set(admin_role.permissions.values_list("code", flat=True)) == before


def test_view_only_users_see_the_editor_disabled_and_cannot_post(client, org, make_user):
    auditor = Role.objects.create(code="auditor", name="审计")
    RolePermission.objects.create(role=auditor, code="access.role.view")
    user = make_user("aud", department=org.head)
    user.roles.add(auditor)
    client.force_login(user)
    manager = Role.objects.get(code="manager")
    page = client.get(edit_url(manager))
    assert page.status_code == 200
    assert "<fieldset disabled>" in page.content.decode()
    before = set(manager.permissions.values_list("code", flat=True))
    assert client.post(edit_url(manager), post_data(manager, functions=set())).status_code == 403
    assert set(manager.permissions.values_list("code", flat=True)) == before


def test_an_unknown_role_is_404(admin_client):
    assert admin_client.get(reverse("access:role_edit", args=[999999])).status_code == 404


def test_the_editor_needs_the_same_queries_whatever_the_number_of_users(admin_client, org, make_user):
    role = Role.objects.create(code="team", name="团队")
    for i in range(2):
        make_user(f"t{i}", department=org.sales1).roles.add(role)
    admin_client.get(edit_url(role))  # cached settings warm up
    with CaptureQueriesContext(connection) as few:
        admin_client.get(edit_url(role))
    for i in range(2, 20):
        make_user(f"t{i}", department=org.sales2).roles.add(role)
    with CaptureQueriesContext(connection) as many:
        admin_client.get(edit_url(role))
    assert len(many) == len(few)


# --- users of a role ----------------------------------------------------------------------------------
def test_add_and_remove_a_user(admin_client, org, make_user):
    role = Role.objects.create(code="team", name="团队")
    member = make_user("zhang", department=org.sales1, name="张三")
    page = admin_client.get(edit_url(role))
    assert f'<option value="{member.pk}">张三 (zhang) · 销售一部</option>' in page.content.decode()
    response = admin_client.post(reverse("access:role_user_add", args=[role.pk]), {"user": member.pk})
    assert response.status_code == 302
    assert role.users.filter(pk=member.pk).exists()
    page = admin_client.get(edit_url(role))
    assert list(page.context["users"]) == [member]
    response = admin_client.post(reverse("access:role_user_remove", args=[role.pk, member.pk]))
    assert response.status_code == 302
    assert not role.users.exists()


def test_an_inactive_user_cannot_be_added(admin_client, org, make_user):
    role = Role.objects.create(code="team", name="团队")
    gone = make_user("gone", department=org.sales1, status=UserStatus.DISABLED)
    assert f'value="{gone.pk}"' not in admin_client.get(edit_url(role)).content.decode()
    admin_client.post(reverse("access:role_user_add", args=[role.pk]), {"user": gone.pk})
    assert not role.users.exists()


def test_managers_cannot_give_themselves_a_role(client, org, make_user):
    manager = make_user("m1", role="manager", department=org.sales1)
    client.force_login(manager)
    admin_role = Role.objects.get(code="admin")
    response = client.post(reverse("access:role_user_add", args=[admin_role.pk]), {"user": manager.pk})
    assert response.status_code == 403
    assert not manager.roles.filter(code="admin").exists()


# --- delete ---------------------------------------------------------------------------------------------
def test_delete_a_role_without_users(admin_client):
    role = Role.objects.create(code="temp", name="临时")
    page = admin_client.get(edit_url(role)).content.decode()
    assert reverse("access:role_delete", args=[role.pk]) in page and "data-confirm=" in page
    response = admin_client.post(reverse("access:role_delete", args=[role.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("access:role_list")
    assert not Role.objects.filter(pk=role.pk).exists()


def test_built_in_roles_and_roles_with_users_stay(admin_client, org, make_user):
    manager = Role.objects.get(code="manager")
    assert reverse("access:role_delete", args=[manager.pk]) not in admin_client.get(edit_url(manager)).content.decode()
    response = admin_client.post(reverse("access:role_delete", args=[manager.pk]), follow=True)
    assert Role.objects.filter(pk=manager.pk).exists()
    assert any(m.level_tag == "error" for m in response.context["messages"])
    role = Role.objects.create(code="temp", name="临时")
    make_user("t1", department=org.sales1).roles.add(role)
    admin_client.post(reverse("access:role_delete", args=[role.pk]))
    assert Role.objects.filter(pk=role.pk).exists()


def test_delete_needs_the_delete_function(client, org, make_user):
    editor = Role.objects.create(code="editor", name="编辑者")
    RolePermission.objects.bulk_create(
        [RolePermission(role=editor, code=c) for c in ("access.role.view", "access.role.edit")]
    )
    user = make_user("ed", department=org.head)
    user.roles.add(editor)
    client.force_login(user)
    role = Role.objects.create(code="temp", name="临时")
    assert client.post(reverse("access:role_delete", args=[role.pk])).status_code == 403
    assert Role.objects.filter(pk=role.pk).exists()
