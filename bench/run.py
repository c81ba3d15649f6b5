"""`python -m bench.run`: every registered benchmark (bench.registry) against the benchmark
database of CRM_DATABASE_URL / CRM_DATA_DIR, as a salesperson and as an executive; prints a
Markdown table and writes it with the raw numbers (JSON) next to the data (docs/benchmarks.md)."""

import argparse
import datetime
import fnmatch
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench import env, registry


@dataclass
class Timing:
    key: str
    label: str
    group: str
    persona: str
    target_ms: float | None
    samples_ms: list[float] = field(default_factory=list)
    queries: int | None = None
    notes: dict = field(default_factory=dict)
    error: str = ""
    slowest_sql: str = ""
    slowest_ms: float | None = None
    statements: list[str] = field(default_factory=list)  # of the first call, for --explain every

    @property
    def p50(self) -> float:
        return statistics.median(self.samples_ms) if self.samples_ms else math.nan

    @property
    def p95(self) -> float:
        return percentile(self.samples_ms, 95)

    @property
    def met(self) -> bool | None:
        if self.target_ms is None or not self.samples_ms:
            return None
        return self.p95 < self.target_ms


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def time_operation(ctx, op, persona: str, *, warmup: int, repeat: int) -> Timing:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timing = Timing(op.key, op.label, op.group, persona, op.target_ms)
    ctx.current = op.key
    try:
        calls = op.setup(ctx, persona)
        if not calls:
            timing.error = "nothing to measure with this data"
            return timing
        with CaptureQueriesContext(connection) as captured:
            calls[0]()
        timing.queries = len(captured)
        timing.statements = [q["sql"] for q in captured.captured_queries]
        slowest = max(captured.captured_queries, key=lambda q: float(q["time"]), default=None)
        if slowest:
            timing.slowest_sql, timing.slowest_ms = slowest["sql"], float(slowest["time"]) * 1000
        for i in range(warmup * len(calls) if len(calls) < 5 else warmup + len(calls)):
            calls[i % len(calls)]()
        for i in range(repeat):
            call = calls[i % len(calls)]
            started = time.perf_counter()
            call()
            timing.samples_ms.append((time.perf_counter() - started) * 1000)
    except Exception as exc:
        timing.error = f"{type(exc).__name__}: {exc}"[:300]
    finally:
        ctx.clean_up()
    timing.notes = ctx.notes.get((op.key, persona), {})
    return timing


def explain(sql: str) -> str:
    """The plan of one captured statement (EXPLAIN ANALYZE on PostgreSQL). A write is explained in a
    transaction rolled back afterwards: EXPLAIN ANALYZE runs the statement."""
    from django.db import connection, transaction

    if not sql:
        return ""
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(prefix + sql)
            plan = "\n".join(" | ".join(str(c) for c in row) for row in cursor.fetchall())
            transaction.set_rollback(True)
        return plan
    except Exception as exc:  # a query that cannot be explained as captured
        return f"(not explained: {exc})"


def _explainable(sql: str) -> bool:
    return sql.split(None, 1)[0].upper() in ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")


def explain_every(timing: Timing) -> str:
    """The plan of every statement of the operation's first call."""
    parts = [f"## {timing.key} [{timing.persona}]: {timing.queries} statements\n"]
    for number, sql in enumerate(timing.statements, 1):
        if _explainable(sql):
            parts.append(f"{number}. `{sql[:2000]}`\n\n```\n{explain(sql)}\n```\n")
        else:
            parts.append(f"{number}. `{sql[:200]}`\n")
    return "\n".join(parts)


def connections_per_worker(args) -> int:
    """Each worker's share of the clients' kept-alive connections, unless given: gunicorn's default
    (1,000) let one worker take 12–15 of wrk's 20 connections and serve them two at a time on one
    core while another had none, a run at half its rate in about one of five (docs/benchmarks.md)."""
    return args.worker_connections or math.ceil(args.concurrency / args.workers)


def run_load_tests(
    ctx,
    tests,
    *,
    personas,
    seconds: int,
    concurrency: int,
    client: str,
    workers: int,
    threads: int,
    worker_connections: int,
    log,
) -> list[dict]:
    from bench import http

    results = []
    with http.Server(workers=workers, threads=threads, worker_connections=worker_connections) as server:
        log(
            f"server: crm serve on {server.base} ({workers} workers x {threads} threads, "
            f"at most {worker_connections} connections each)"
        )
        for test in tests:
            for persona in test.personas:
                if persona not in personas:
                    continue
                cookie = http.session_cookie(ctx.user_id(persona))
                path, note = test.path, ""
                status = http.status_of(server.base, path, cookie)
                if status == 404 and test.fallback_path:
                    note = f"{test.path} answered 404: measured {test.fallback_path} instead"
                    path = test.fallback_path
                    status = http.status_of(server.base, path, cookie)
                row = {
                    "key": test.key,
                    "label": test.label,
                    "persona": persona,
                    "path": path,
                    "note": note,
                    "target_rps": test.target_rps,
                    "target_p95_ms": test.target_p95_ms,
                }
                if status != 200:
                    row["error"] = f"GET {path} answered {status}"
                else:
                    result = http.measure(
                        server.base, path, cookie, concurrency=concurrency, seconds=seconds, client=client
                    )
                    row.update(asdict(result))
                    row["rps"] = result.rps
                    measured_only = test.target_rps is None and test.target_p95_ms is None
                    row["met"] = (
                        None
                        if measured_only
                        else (
                            (test.target_rps is None or result.rps >= test.target_rps)
                            and (test.target_p95_ms is None or result.p95_ms < test.target_p95_ms)
                        )
                    )
                log(f"  {test.key} [{persona}] {_load_line(row)}")
                results.append(row)
    return results


def _load_line(row: dict) -> str:
    if "error" in row:
        return row["error"]
    return f"{row['rps']:.0f} req/s, p50 {row['p50_ms']:.0f} ms, p95 {row['p95_ms']:.0f} ms, errors {row['errors']}"


# --- what was measured on --------------------------------------------------------------------------------
def machine() -> dict:
    info = {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "system": platform.platform(),
        "load_average": [round(x, 2) for x in os.getloadavg()],  # other work on the machine skews every number
    }
    try:
        meminfo = Path("/proc/meminfo").read_text()
        kb = int(next(line.split()[1] for line in meminfo.splitlines() if line.startswith("MemTotal")))
        info["ram_gb"] = round(kb / 1024 / 1024, 1)
        cpu = Path("/proc/cpuinfo").read_text()
        info["cpu"] = next((line.split(":", 1)[1].strip() for line in cpu.splitlines() if "model name" in line), "")
    except (OSError, StopIteration):
        pass
    return info


def database() -> dict:
    from django.db import connection

    from crm.customers.models import Contact, Customer, CustomerEvent, CustomerKey, FollowUp
    from crm.identity.models import User

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0]}"
            cursor.execute(
                "SELECT name, setting, unit FROM pg_settings WHERE name IN "
                "('shared_buffers', 'work_mem', 'effective_cache_size', 'random_page_cost', 'jit')"
            )
            settings = {name: f"{value} {unit or ''}".strip() for name, value, unit in cursor.fetchall()}
        else:
            cursor.execute("SELECT sqlite_version()")
            version, settings = f"SQLite {cursor.fetchone()[0]}", {}
    counts = {
        "customers": Customer.objects.count(),
        "in_pool": Customer.objects.filter(pool__isnull=False).count(),
        "contacts": Contact.objects.count(),
        "followups": FollowUp.objects.count(),
        "events": CustomerEvent.objects.count(),
        "keys": CustomerKey.objects.count(),
        "users": User.objects.count(),
    }
    return {"name": env.describe_database(), "version": version, "settings": settings, "counts": counts}


def commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=env.REPO, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


# --- output ------------------------------------------------------------------------------------------------
def _ms(value: float) -> str:
    if math.isnan(value):
        return "–"
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


def _met(value) -> str:
    return "–" if value is None else ("yes" if value else "**no**")


def markdown(meta: dict, timings: list[Timing], loads: list[dict]) -> str:
    counts = meta["database"]["counts"]
    lines = [
        f"Measured {meta['started'][:16].replace('T', ' ')} (UTC{meta['started'][-6:]}) on "
        f"{meta['database']['version']}, commit {meta['commit']}: "
        f"{counts['customers']:,} customers ({counts['in_pool']:,} in the pool), {counts['contacts']:,} contacts, "
        f"{counts['followups']:,} follow-ups, {counts['events']:,} timeline events, {counts['keys']:,} duplicate "
        f"keys, {counts['users']} users; {meta['repeat']} timed runs per operation after a warm-up; salesperson: "
        f"{meta['personas']['salesperson']['visible']:,} customers in scope; load average before the run "
        f"{', '.join(str(x) for x in meta['machine'].get('load_average', []))} on {meta['machine']['cores']} cores.",
        "",
        "| Operation | Persona | p50 ms | p95 ms | Target p95 | Met | Queries |",
        "|---|---|---:|---:|---:|:---:|---:|",
    ]
    for t in timings:
        target = f"< {t.target_ms:.0f} ms" if t.target_ms else "–"
        if t.error:
            lines.append(f"| {t.label} | {t.persona} | – | – | {target} | error: {t.error} | – |")
            continue
        lines.append(
            f"| {t.label} | {t.persona} | {_ms(t.p50)} | {_ms(t.p95)} | {target} | {_met(t.met)} | {t.queries} |"
        )
    if loads:
        lines += [
            "",
            "| HTTP load | Persona | URL | Client | Concurrency | Requests/s | p50 ms | p95 ms | Errors | Target "
            "| Met |",
            "|---|---|---|---|---:|---:|---:|---:|---:|---|:---:|",
        ]
        for row in loads:
            target = (
                f"≥ {row['target_rps']:.0f} req/s, p95 < {row['target_p95_ms']:.0f} ms" if row["target_rps"] else "–"
            )
            if "error" in row:
                lines.append(
                    f"| {row['label']} | {row['persona']} | {row['path']} | – | – | – | – | – | – | {target} | "
                    f"error: {row['error']} |"
                )
                continue
            lines.append(
                f"| {row['label']} | {row['persona']} | `{row['path']}` | {row['client']} | {row['concurrency']} | "
                f"{row['rps']:.0f} | {_ms(row['p50_ms'])} | {_ms(row['p95_ms'])} | {row['errors']} | {target} | "
                f"{_met(row['met'])} |"
            )
        lines += [
            "",
            f"Server: `crm serve --workers {meta['server']['workers']} --threads {meta['server']['threads']}`.",
        ]
        notes = sorted({row["note"] for row in loads if row.get("note")})
        lines += ["", *(f"Note: {note}." for note in notes)] if notes else []
    return "\n".join(lines) + "\n"


def parse(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--repeat", type=int, default=40, help="timed runs per operation and persona (40)")
    parser.add_argument("--warmup", type=int, default=2, help="warm-up rounds over the inputs (2)")
    parser.add_argument("--only", action="append", default=[], help="operation keys (glob), e.g. 'customers.search.*'")
    parser.add_argument("--persona", action="append", choices=registry.PERSONAS, default=[],
                        help="salesperson and executive unless given; supervisor only when asked")
    parser.add_argument("--no-http", action="store_true", help="skip the HTTP throughput tests")
    parser.add_argument("--http-seconds", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--workers", type=int, default=4, help="crm serve worker processes (4: two per core)")
    parser.add_argument("--threads", type=int, default=2, help="threads per worker (2)")
    parser.add_argument(
        "--worker-connections",
        type=int,
        default=None,
        help="connections a worker holds at most (default: the clients shared evenly among the workers)",
    )
    parser.add_argument("--out", type=Path, default=None, help="directory for the results (default CRM_DATA_DIR)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--explain",
        choices=("missed", "all", "every", "none"),
        default="missed",
        help="write the plan of the slowest query of operations that miss their target (default), or of all; "
        "every: the plan of every statement of each operation",
    )
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse(argv)
    env.setup()
    from django.conf import settings
    from django.core.management import call_command

    from bench.context import Context
    from crm.jobs.management.commands.serve import static_files_outdated

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    if static_files_outdated():
        log("collecting static files (pages render with the production static storage)")
        call_command("collectstatic", interactive=False, verbosity=0)
    personas = args.persona or list(registry.DEFAULT_PERSONAS)
    ctx = Context(seed=args.seed)
    started = datetime.datetime.now().astimezone()
    meta = {
        "started": started.isoformat(),
        "commit": commit(),
        "machine": machine(),
        "database": database(),
        "repeat": args.repeat,
        "warmup": args.warmup,
        "server": {
            "workers": args.workers,
            "threads": args.threads,
            "worker_connections": connections_per_worker(args),
        },
        "personas": {
            p: {"user_id": ctx.user_id(p), "visible": ctx.owned_count(p)}
            for p in dict.fromkeys([*registry.DEFAULT_PERSONAS, *personas])
        },
    }
    log(f"{meta['database']['name']}: {meta['database']['counts']}")
    selected = [
        op
        for op in registry.operations()
        if not args.only or any(fnmatch.fnmatch(op.key, pattern) for pattern in args.only)
    ]
    timings = []
    for op in selected:
        for persona in op.personas:
            if persona not in personas:
                continue
            timing = time_operation(ctx, op, persona, warmup=args.warmup, repeat=args.repeat)
            timings.append(timing)
            summary = timing.error or f"p50 {_ms(timing.p50)} ms, p95 {_ms(timing.p95)} ms, {timing.queries} queries"
            log(f"  {op.key} [{persona}] {summary}")
    loads = []
    tests = [
        t
        for t in registry.load_tests()
        if not args.only or any(fnmatch.fnmatch(t.key, pattern) for pattern in args.only)
    ]
    if tests and not args.no_http:
        loads = run_load_tests(
            ctx,
            tests,
            personas=personas,
            seconds=args.http_seconds,
            concurrency=args.concurrency,
            client=args.client,
            workers=args.workers,
            threads=args.threads,
            worker_connections=connections_per_worker(args),
            log=log,
        )
    table = markdown(meta, timings, loads)
    out = args.out or settings.DATA_DIR
    out.mkdir(parents=True, exist_ok=True)
    from django.db import connection

    stem = out / f"bench-results-{connection.vendor}"
    document = {
        "meta": meta,
        "operations": [
            {
                **asdict(t),
                "p50_ms": t.p50,
                "p95_ms": t.p95,
                "met": t.met,
                "samples_ms": [round(s, 2) for s in t.samples_ms],
            }
            for t in timings
        ],
        "http": loads,
    }
    if args.explain == "every":
        plans = [explain_every(t) for t in timings]
    else:
        plans = [
            f"## {t.key} [{t.persona}] p95 {_ms(t.p95)} ms; slowest query {t.slowest_ms or 0:.1f} ms\n\n"
            f"{t.slowest_sql}\n\n{explain(t.slowest_sql)}\n"
            for t in timings
            if args.explain == "all" or (args.explain == "missed" and t.met is False)
        ]
    if plans:
        Path(f"{stem}-explain.md").write_text("\n".join(plans))
        log(f"plans of the slowest queries: {stem}-explain.md")
    stem.with_suffix(".json").write_text(json.dumps(document, ensure_ascii=False, indent=2, default=str))
    stem.with_suffix(".md").write_text(table)
    print(table)
    log(f"written: {stem}.md and {stem}.json")


if __name__ == "__main__":
    main()
