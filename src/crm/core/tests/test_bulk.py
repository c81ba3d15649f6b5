"""crm.core.bulk: the fast insert path of imports, bulk handover and the pool job (issue 5) must
store exactly what Django's own save would, on SQLite and on PostgreSQL."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from crm.audit.models import AuditEvent
from crm.core.bulk import between_rows, insert_rows, insert_values, new_row, rows_select
from crm.identity.models import Department


def _values(actor):
    return {
        "actor": actor,
        "actor_name": "管理员",
        "action": "create",
        "ip": "10.0.0.8",
        "content_type": ContentType.objects.get_for_model(Department),
        "object_id": "7",
        "object_repr": "销售一部",
        "changes": {"name": [None, "销售一部"], "when": ["2026-12-01", None]},
    }


def test_new_row_is_the_instance_django_would_make(admin_user):
    fast, django = new_row(AuditEvent, **_values(admin_user)), AuditEvent(**_values(admin_user))
    for field in AuditEvent._meta.concrete_fields:
        if field.generated:
            continue
        assert getattr(fast, field.attname) == getattr(django, field.attname), field.name
    assert fast.actor is admin_user and fast.actor_id == admin_user.pk
    assert fast._state.adding and fast.pk is None
    other = new_row(AuditEvent, action="update")
    assert other.changes == {} and other.changes is not fast.changes  # callable defaults per row


def test_inserted_rows_read_back_as_saved_and_get_their_ids(admin_user):
    before = AuditEvent.objects.count()
    rows = [new_row(AuditEvent, **{**_values(admin_user), "object_id": str(i)}) for i in range(3)]
    rows.append(AuditEvent(**{**_values(None), "object_id": "3"}))  # plain instances go too
    insert_rows(AuditEvent, rows)
    ids = [row.pk for row in rows]
    assert None not in ids and len(set(ids)) == 4 and not rows[0]._state.adding
    assert AuditEvent.objects.count() == before + 4
    stored = AuditEvent.objects.get(pk=ids[1])
    assert stored.object_id == "1" and stored.actor_id == admin_user.pk and stored.ip == "10.0.0.8"
    assert stored.changes == {"name": [None, "销售一部"], "when": ["2026-12-01", None]}
    assert abs(stored.created_at - rows[1].created_at) < datetime.timedelta(seconds=1)
    assert AuditEvent.objects.get(pk=ids[3]).actor_id is None


def test_insert_values_fills_defaults_and_reads_back_as_saved(admin_user):
    """Rows as plain tuples (the keys, timeline and audit rows of an import): the named columns,
    every other one its default, created_at stamped once, JSON stored as JSON."""
    content_type = ContentType.objects.get_for_model(Department)
    before = AuditEvent.objects.count()
    names = ("actor_id", "action", "content_type_id", "object_id", "changes")
    rows = [
        (admin_user.pk, "create", content_type.pk, str(i), {"name": [None, f"部门{i}"], "n": [None, i]})
        for i in range(3)
    ]
    rows.append((None, "update", content_type.pk, "3", {}))
    assert insert_values(AuditEvent, names, iter(rows), batch_size=2) == 4  # a generator, in two batches
    stored = list(AuditEvent.objects.filter(object_id__in=["0", "1", "2", "3"]).order_by("object_id"))
    assert AuditEvent.objects.count() == before + 4 and len(stored) == 4
    assert stored[1].changes == {"name": [None, "部门1"], "n": [None, 1]} and stored[1].actor_id == admin_user.pk
    assert (
        stored[3].changes == {} and stored[3].actor_id is None and stored[3].actor_name == "" and stored[3].ip is None
    )
    assert len({event.created_at for event in stored}) == 1
    assert abs(stored[0].created_at - timezone.now()) < datetime.timedelta(minutes=1)
    assert not stored[0].is_login and len({event.pk for event in stored}) == 4


def test_insert_values_of_nothing_writes_nothing(admin_user):
    before = AuditEvent.objects.count()
    assert insert_values(AuditEvent, ("action",), []) == 0
    assert AuditEvent.objects.count() == before


def test_work_between_rows_runs_before_each_row_is_sent_and_only_inside(admin_user):
    """An import reads its next batch there (ADR 0015), while the database takes the rows before."""
    order = []
    rows = [new_row(AuditEvent, **{**_values(admin_user), "object_id": str(i)}) for i in range(3)]
    with between_rows(lambda: order.append("work")):
        insert_rows(AuditEvent, rows, each=lambda row: order.append(row.object_id))
    assert order == ["work", "0", "work", "1", "work", "2"]
    insert_rows(AuditEvent, [new_row(AuditEvent, **_values(admin_user))], each=lambda row: order.append("after"))
    assert order[-1] == "after" and order.count("work") == 3


def test_insert_select_writes_the_rows_the_database_selects(admin_user):
    """The churn scan's timeline and audit rows: selected and built (JSON, text) in the database,
    constants for every row, defaults for the rest; nothing passes through Python."""
    from django.db import connection

    from crm.core.bulk import insert_select, json_array_sql, json_object_sql

    content_type = ContentType.objects.get_for_model(Department)
    for name in ("批量甲部", "批量乙部"):
        Department.objects.create(name=name)
    wanted = list(Department.objects.filter(name__startswith="批量").order_by("pk").values_list("pk", "name"))
    before = AuditEvent.objects.count()
    changes = json_object_sql(connection, [("name", json_array_sql(connection, ["NULL", "d.name"])), ("n", "d.id")])
    written = insert_select(
        AuditEvent,
        ("object_id", "object_repr", "changes"),
        f"SELECT CAST(d.id AS TEXT), d.name || %s, {changes} FROM identity_department d WHERE d.name LIKE %s",
        ["!", "批量%"],
        values={"actor_id": admin_user.pk, "action": "create", "ip": "10.0.0.8", "content_type_id": content_type.pk},
    )
    assert written == len(wanted) == 2 and AuditEvent.objects.count() == before + 2
    stored = list(AuditEvent.objects.filter(content_type=content_type).order_by("object_id"))
    assert [(int(e.object_id), e.object_repr) for e in stored] == [(pk, f"{name}!") for pk, name in wanted]
    assert stored[0].changes == {"name": [None, wanted[0][1]], "n": wanted[0][0]}
    assert stored[0].actor_id == admin_user.pk and stored[0].ip == "10.0.0.8" and stored[0].actor_name == ""
    assert abs(stored[0].created_at - timezone.now()) < datetime.timedelta(minutes=1) and not stored[0].is_login
    assert insert_select(AuditEvent, ("object_id",), "SELECT 'x' WHERE 1 = 0") == 0


@pytest.mark.django_db
def test_rows_select_yields_the_rows_python_sent_whatever_their_text():
    from django.db import connection

    rows = [(1, "北京华信科技有限公司"), (2, "O'Brien \"quoted\" \\ back"), (3, "")]
    select, params = rows_select(connection, [("pk", "bigint"), ("name", "text")], rows)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT r.pk, r.name FROM ({select}) r ORDER BY r.pk", params)
        assert [tuple(row) for row in cursor.fetchall()] == rows
        select, params = rows_select(connection, [("pk", "bigint"), ("name", "text")], [])
        cursor.execute(f"SELECT COUNT(*) FROM ({select}) r", params)
        assert cursor.fetchone()[0] == 0
    with pytest.raises(ValueError):
        rows_select(connection, [("pk; DROP", "bigint")], rows)
