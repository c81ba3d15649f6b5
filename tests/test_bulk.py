"""crm.core.bulk: the fast insert path of imports, bulk handover and the pool job (issue 5) must
store exactly what Django's own save would, on SQLite and on PostgreSQL."""

import datetime

from django.contrib.contenttypes.models import ContentType

from crm.audit.models import AuditEvent
from crm.core.bulk import insert_rows, new_row
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
