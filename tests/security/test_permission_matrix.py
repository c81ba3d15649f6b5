"""The permission matrix (ORG-3…ORG-6): for each default role and scope, a user sees exactly the
records it should through the page, the API and an export, gets 404 for the others, and field
rules hide and mask alike everywhere. Runs against the test-only `scopedapp.record` resource,
built the way every business module is built; business modules add their own rows."""

import csv
import io

import pytest

from crm.access.models import FieldRule, Role, RolePermission, Share
from crm.audit.models import AuditAction, AuditEvent
from crm.core.tests.scopedapp.models import Record
from crm.testing import make_user

RESOURCE = "scopedapp.record"


@pytest.fixture
def world(org, db):
    for role in Role.objects.all():
        RolePermission.objects.bulk_create(
            [RolePermission(role=role, code=f"{RESOURCE}.{action}") for action in ("view", "export")],
            ignore_conflicts=True,
        )
    dept_role = Role.objects.create(code="dept", name="部门查看", default_scope="department")
    RolePermission.objects.create(role=dept_role, code=f"{RESOURCE}.view")
    users = {
        "admin": make_user("admin", role="admin", department=org.head),
        "executive": make_user("executive", role="executive", department=org.head),
        "supervisor": make_user("supervisor", role="supervisor", department=org.shanghai),
        "manager": make_user("manager", role="manager", department=org.sales1),
        "colleague": make_user("colleague", role="manager", department=org.sales1),
        "manager2": make_user("manager2", role="manager", department=org.sales2),
        "service": make_user("service", role="service", department=org.head),
        "deptviewer": make_user("deptviewer", role="dept", department=org.sales1),
    }
    records = {
        "own": Record.objects.create(name="上海甲公司", phone="13812341234", email="a@x.cn", owner=users["manager"]),
        "colleague": Record.objects.create(name="上海乙公司", phone="13900000000", owner=users["colleague"]),
        "supervisor": Record.objects.create(name="上海丙公司", owner=users["supervisor"]),
        "south": Record.objects.create(name="深圳丁公司", owner=users["manager2"]),
        "shared": Record.objects.create(name="上海戊公司", owner=users["colleague"]),
        "pool": Record.objects.create(name="无主公司", owner=None),
    }
    Share.objects.create(resource=RESOURCE, object_id=records["shared"].pk, user=users["manager2"])
    return users, records


ALL = {"own", "colleague", "supervisor", "south", "shared", "pool"}
EXPECTED = {
    "admin": ALL,
    "executive": ALL,
    "supervisor": {"own", "colleague", "supervisor", "shared"},
    "manager": {"own"},
    "colleague": {"colleague", "shared"},
    "manager2": {"south", "shared"},
    "service": set(),
    "deptviewer": {"own", "colleague", "shared"},
}


def _names(records, keys):
    return {records[key].name for key in keys}


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_page_api_and_export_show_exactly_the_scope(client, world, who):
    users, records = world
    client.force_login(users[who])
    expected = _names(records, EXPECTED[who])

    page = client.get("/scoped/").content.decode()
    assert {r.name for r in records.values() if f'data-record="{r.name}"' in page} == expected

    api = client.get("/api/v1/scoped-records/?page_size=200").json()
    assert {row["name"] for row in api["results"]} == expected
    assert api["count"] == len(expected)

    response = client.get("/scoped/export/")
    if who == "deptviewer":  # this role has no export function
        assert response.status_code == 403
    else:
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert {row[0] for row in rows[1:]} == expected

    for key, record in records.items():
        detail = client.get(f"/scoped/{record.pk}/")
        api_detail = client.get(f"/api/v1/scoped-records/{record.pk}/")
        if key in EXPECTED[who]:
            assert detail.status_code == 200
            assert api_detail.status_code == 200
        else:
            assert detail.status_code == 404, key
            assert api_detail.status_code == 404, key
            assert api_detail.json()["error"]["code"] == "not_found"


def test_a_role_without_the_function_sees_nothing_and_gets_403(client, world):
    users, _records = world
    RolePermission.objects.filter(role__code="manager", code=f"{RESOURCE}.view").delete()
    client.force_login(users["manager"])
    assert client.get("/scoped/").status_code == 403
    response = client.get("/api/v1/scoped-records/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_field_rules_mask_and_hide_in_page_api_and_export(client, world):
    users, records = world
    manager_role = Role.objects.get(code="manager")
    FieldRule.objects.create(role=manager_role, resource=RESOURCE, field="phone", rule="masked")
    FieldRule.objects.create(role=manager_role, resource=RESOURCE, field="email", rule="hidden")
    client.force_login(users["manager"])

    page = client.get("/scoped/").content.decode()
    assert "138****1234" in page
    assert "13812341234" not in page
    assert "a@x.cn" not in page

    row = client.get(f"/api/v1/scoped-records/{records['own'].pk}/").json()
    assert row["phone"] == "138****1234"
    assert "email" not in row

    rows = list(csv.reader(io.StringIO(client.get("/scoped/export/").content.decode("utf-8-sig"))))
    assert rows[0] == ["name", "phone"]
    assert rows[1] == ["上海甲公司", "138****1234"]


def test_field_rules_of_several_roles_combine_to_the_mildest(client, world):
    users, records = world
    FieldRule.objects.create(role=Role.objects.get(code="manager"), resource=RESOURCE, field="phone", rule="hidden")
    FieldRule.objects.create(role=Role.objects.get(code="dept"), resource=RESOURCE, field="phone", rule="masked")
    users["manager"].roles.add(Role.objects.get(code="dept"))
    client.force_login(users["manager"])
    row = client.get(f"/api/v1/scoped-records/{records['own'].pk}/").json()
    assert row["phone"] == "138****1234"


def test_every_export_is_audited_with_its_row_count(client, world):
    users, _records = world
    client.force_login(users["supervisor"])
    client.get("/scoped/export/?format=xlsx")
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT).get()
    assert event.actor == users["supervisor"]
    assert event.changes["rows"] == [None, 4]
    assert "xlsx" in event.message


# --- owner-or-parent visibility (ADR 0017): a note of a record has an author of its own ---------------
NOTES_EXPECTED = {
    "admin": {"on_own", "mine_on_south", "south_on_south", "by_service_on_pool"},
    "executive": {"on_own", "mine_on_south", "south_on_south", "by_service_on_pool"},
    "supervisor": {"on_own", "mine_on_south"},  # the record is in the subtree / the author is
    "manager": {"on_own", "mine_on_south"},  # the record is theirs / they wrote it
    "colleague": {"on_own"},  # they wrote it (the record is not theirs)
    "manager2": {"mine_on_south", "south_on_south"},  # both on their record
    "service": {"by_service_on_pool"},  # they wrote it; the record stays out of reach
    "deptviewer": {"on_own", "mine_on_south"},  # the record, and an author of the department
}


@pytest.fixture
def notes(world):
    from crm.core.tests.scopedapp.models import Note

    users, records = world
    for role in Role.objects.all():
        RolePermission.objects.bulk_create(
            [RolePermission(role=role, code=f"scopedapp.note.{action}") for action in ("view", "edit")],
            ignore_conflicts=True,
        )
    return {
        "on_own": Note.objects.create(record=records["own"], author=users["colleague"], text="甲的备注"),
        "mine_on_south": Note.objects.create(record=records["south"], author=users["manager"], text="跨区协作"),
        "south_on_south": Note.objects.create(record=records["south"], author=users["manager2"], text="深圳跟进"),
        "by_service_on_pool": Note.objects.create(record=records["pool"], author=users["service"], text="客服记录"),
    }


@pytest.mark.parametrize("who", sorted(NOTES_EXPECTED))
def test_a_child_with_an_owner_is_seen_through_its_owner_or_its_parent(client, world, notes, who):
    users, _records = world
    client.force_login(users[who])
    listed = client.get("/api/v1/scoped-notes/?page_size=200").json()["results"]
    assert {row["text"] for row in listed} == {notes[key].text for key in NOTES_EXPECTED[who]}
    for key, note in notes.items():
        status = client.get(f"/api/v1/scoped-notes/{note.pk}/").status_code
        assert status == (200 if key in NOTES_EXPECTED[who] else 404), key


def test_a_child_with_an_owner_is_edited_through_its_owner_or_an_editable_parent(world, notes):
    from crm.access.engine import access_for

    users, _records = world
    manager, colleague = access_for(users["manager"]), access_for(users["colleague"])
    assert manager.allows("scopedapp.note", "edit", notes["on_own"])  # the record is the manager's
    assert manager.allows("scopedapp.note", "edit", notes["mine_on_south"])  # the manager wrote it
    assert not manager.allows("scopedapp.note", "edit", notes["south_on_south"])
    assert colleague.allows("scopedapp.note", "edit", notes["on_own"])  # wrote it on another's record
    assert not colleague.allows("scopedapp.note", "edit", notes["mine_on_south"])


# --- field rules on the workbench --------------------------------------------------------------------
@pytest.mark.parametrize("rule", [None, "readonly", "masked", "hidden"])
def test_the_birthday_panel_follows_the_field_rules_of_contacts(client, sales, rule):
    """A contact's birthday listed by date tells it: a hidden or masked birthday gives no panel."""
    from django.utils import timezone

    from crm.customers.models import Contact
    from crm.customers.testing import make_customer

    customer = make_customer(manager=sales.manager, name="上海华信网络科技有限公司")
    Contact.objects.create(customer=customer, name="王芳", birthday=timezone.localdate().replace(year=1985))
    if rule:
        manager = Role.objects.get(code="manager")
        FieldRule.objects.create(role=manager, resource="customers.contact", field="birthday", rule=rule)
    client.force_login(sales.manager)
    page = client.get("/").content.decode()
    shown = rule in (None, "readonly")
    assert ('data-testid="panel-birthdays"' in page) == shown
    assert ("王芳" in page) == shown
