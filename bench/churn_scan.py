"""The churn scan's first run, statement by statement (issue 15; docs/benchmarks.md, "The scan's
first run"), inside a transaction rolled back afterwards, so that it can be repeated on the same
data set (one that never had a scan).

    python -m bench.churn_scan --today 2026-08-07 --repeat 3

Each run on PostgreSQL: VACUUM of the tables the scan writes (the previous run's dead rows) and a
CHECKPOINT (each run pays the same full-page writes); then `churn_scan` in a transaction, rolled
back. The customers' search entries stay as they are (ADR 0032: a status change writes none).
Prints the time of each statement (the same statement repeated: summed, with its count) and of
the run.
"""

import argparse
import datetime
import time

# What decides the cost of writing a backlog: the buffers, the WAL between checkpoints, its compression.
SETTINGS = ("shared_buffers", "max_wal_size", "checkpoint_timeout", "wal_compression", "synchronous_commit")
TABLES = ("customers_customer", "churn_churnwarning", "customers_customerevent", "audit_auditevent",
          "notifications_notification")


class _RolledBack(Exception):
    pass


def _prepare() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"VACUUM {table}")
        cursor.execute("CHECKPOINT")


def _server() -> str:
    from django.db import connection

    if connection.vendor != "postgresql":
        return ""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, current_setting(name) FROM pg_settings WHERE name = ANY(%s) ORDER BY name",
                       [list(SETTINGS)])
        return ", ".join(f"{name} {value}" for name, value in cursor.fetchall())


def _wal_position():
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_insert_lsn()")
        return cursor.fetchone()[0]


def _wal_since(start) -> int:
    from django.db import connection

    if start is None:
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), %s)", [start])
        return int(cursor.fetchone()[0])


def run_once(today: datetime.date) -> tuple[dict, list, float]:
    from django.db import connection, transaction

    from crm.churn.scan import churn_scan
    from crm.core import context

    timings: list[tuple[str, float]] = []

    def timed(execute, sql, params, many, ctx):
        started = time.monotonic()
        try:
            return execute(sql, params, many, ctx)
        finally:
            timings.append((" ".join(sql.split()), time.monotonic() - started))

    _prepare()
    wal_start = _wal_position()
    started = time.monotonic()
    result = {}
    try:
        with connection.execute_wrapper(timed), context.acting("command"), transaction.atomic():
            result = churn_scan(today=today)
            raise _RolledBack
    except _RolledBack:
        pass
    seconds = time.monotonic() - started
    result["wal_bytes"] = _wal_since(wal_start)
    return result, timings, seconds


def _report(result: dict, timings: list, seconds: float) -> None:
    print(
        f"warned {result.get('warned', 0):,}, moved {result.get('customers_moved', 0):,}, "
        f"managers {result.get('managers_notified', 0)}: scan {result.get('seconds')} s, {seconds:.2f} s in all, "
        f"{result.get('wal_bytes', 0) / 2**20:,.0f} MB of WAL"
    )
    summed: dict[str, list] = {}
    for sql, spent in timings:
        key = sql[:100]
        entry = summed.setdefault(key, [0, 0.0])
        entry[0] += 1
        entry[1] += spent
    for key, (count, spent) in sorted(summed.items(), key=lambda item: -item[1][1]):
        if spent >= 0.005:
            print(f"  {spent * 1000:8.0f} ms  x{count:<4} {key}")


def main() -> None:
    from bench import env

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--today", type=datetime.date.fromisoformat, default=datetime.date.today())
    parser.add_argument("--repeat", type=int, default=1)
    options = parser.parse_args()
    env.setup()
    print(env.describe_database())
    print(_server())
    for _run in range(options.repeat):
        _report(*run_once(options.today))


if __name__ == "__main__":
    main()
