"""The PostgreSQL backend (crm.core.postgresql): times read by psycopg's C loader, as Django reads
them (aware, in UTC), through plain and server-side cursors; Django's own way when its time zone
settings ask for another."""

import datetime

import pytest
from django.db import connection, transaction

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's backend")

SQL = "SELECT TIMESTAMPTZ '2026-12-05 08:00:00+08', NULL::timestamptz"
EIGHT_IN_BEIJING = datetime.datetime(2026, 12, 5, 0, 0, tzinfo=datetime.UTC)


def test_times_are_read_aware_in_utc_by_psycopgs_loader(db):
    from psycopg.pq import Format

    from crm.core.postgresql.base import _LOADER, _TIMESTAMPTZ

    with connection.cursor() as cursor:
        cursor.execute(SQL)
        value, missing = cursor.fetchone()
    assert connection.connection.adapters.get_loader(_TIMESTAMPTZ, Format.TEXT) is _LOADER
    assert value == EIGHT_IN_BEIJING and value.tzinfo is datetime.UTC and missing is None


def test_a_server_side_cursor_reads_them_the_same(db):
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.execute(SQL)
        value, _ = cursor.fetchone()
    assert value == EIGHT_IN_BEIJING and value.tzinfo is datetime.UTC


def test_without_time_zone_support_times_are_naive_as_django_reads_them(db, settings):
    settings.USE_TZ = False
    with connection.cursor() as cursor:
        cursor.execute(SQL)
        value, _ = cursor.fetchone()
    # Django's reading without time zone support: the wall time in TIME_ZONE (Asia/Shanghai), naive.
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert value == datetime.datetime(2026, 12, 5, 8, 0) and value.tzinfo is None
