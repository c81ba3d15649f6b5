"""`python -m bench.generate --scale N`: benchmark data in the database of CRM_DATABASE_URL, or in
the SQLite file of CRM_DATA_DIR (docs/benchmarks.md). See bench.generator for what it makes."""

import argparse
import datetime
import json
import sys
import time
from dataclasses import asdict


def parse(argv=None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__)
    parser.add_argument("--scale", type=float, default=0.01, help="1 = 1,000,000 customers (default 0.01)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--workers", type=int, default=0, help="processes building rows (default: one per core)")
    parser.add_argument("--block-size", type=int, default=5000, help="customers per block and transaction")
    parser.add_argument("--followups", type=int, default=None, help="total follow-ups (default 10 per customer)")
    parser.add_argument("--today", type=datetime.date.fromisoformat, default=None, help="the data's today (YYYY-MM-DD)")
    parser.add_argument("--indexes", choices=("auto", "rebuild", "keep"), default="auto")
    parser.add_argument("--force", action="store_true", help="also delete customers the benchmark did not generate")
    parser.add_argument(
        "--finish",
        action="store_true",
        help="complete a PostgreSQL load that was stopped: recreate its indexes and constraints, then analyze",
    )
    return vars(parser.parse_args(argv))


def main(argv=None) -> None:
    arguments = parse(argv)
    from bench import env

    env.setup()
    from django.conf import settings
    from django.core.management import call_command

    from bench.generator import Options, Refused, finish, generate

    if arguments.pop("finish"):
        try:
            print(finish(), flush=True)
        except Refused as exc:
            sys.exit(str(exc))
        return
    options = Options(**arguments)
    started = time.monotonic()
    print(f"database: {env.describe_database()}", flush=True)
    call_command("migrate", interactive=False, verbosity=0)

    def log(message: str) -> None:
        print(message, flush=True)

    try:
        result = generate(options, log)
    except Refused as exc:
        sys.exit(str(exc))
    total = time.monotonic() - started
    summary = {
        "database": env.describe_database(),
        "options": {k: str(v) if isinstance(v, datetime.date) else v for k, v in asdict(options).items()},
        "total_seconds": round(total, 1),
        **asdict(result),
    }
    path = settings.DATA_DIR / "bench-data.json"
    path.write_text(json.dumps(summary, ensure_ascii=False, indent=2))
    print(f"done in {total:.0f} s; summary in {path}")


if __name__ == "__main__":
    main()
