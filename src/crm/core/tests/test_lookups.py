"""`any_of` selects the same rows as `in`, on either database, with one parameter on PostgreSQL."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.identity.models import User


def test_any_of_selects_what_in_selects(make_user):
    users = [make_user(f"any{index}") for index in range(4)]
    wanted = [users[0].pk, users[2].pk, 10**9]
    with CaptureQueriesContext(connection) as captured:
        found = set(User.objects.filter(pk__any_of=wanted).values_list("pk", flat=True))
    assert found == set(User.objects.filter(pk__in=wanted).values_list("pk", flat=True)) == set(wanted[:2])
    assert not User.objects.filter(pk__any_of=[]).exists()
    if connection.vendor == "postgresql":
        assert "= ANY(" in captured.captured_queries[0]["sql"]
