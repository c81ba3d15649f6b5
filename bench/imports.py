"""`python -m bench.imports`: import N customer rows (default 100,000) with the duplicate check,
as `crm import customers` does, into a scratch database; prints rows per second (issue 5).

The scratch database is made for the run and dropped after it: on PostgreSQL `<name>_import`
beside the database of CRM_DATABASE_URL, on SQLite a file in CRM_DATA_DIR/import-run/. The file
is written once per row count and seed (`customers-<N>-<seed>.csv` in CRM_DATA_DIR): company names of
random characters, five regions, four levels, landlines, e-mails, addresses; about 2 % of the
rows repeat an earlier row, so the duplicate check has work to do.
"""

import argparse
import csv
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench import env

CHARS = (
    "华信远景恒通达新宏伟天地海山金银星月明光辉腾飞东南西北中"
    "科技电子机械贸易物流网络信息软件医药化工建材食品服装纺织能源环保"
)
CITIES = ["上海", "北京", "深圳", "杭州", "南京", "苏州", "成都", "武汉", "广州", "天津"]
HEADER = ["客户名称", "地区", "客户等级", "电话", "邮箱", "地址", "备注"]
IMPORTER = "bench_import"


def write_file(path: Path, rows: int, seed: int) -> Path:
    rng = random.Random(seed)
    written: list[list[str]] = []
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(rows):
            if i > 100 and rng.random() < 0.02:
                row = list(written[rng.randrange(len(written))])
            else:
                name = rng.choice(CITIES) + "".join(rng.choice(CHARS) for _ in range(6)) + f"{i}有限公司"
                row = [
                    name,
                    rng.choice(["华东", "华北", "华南", "华中", "西南"]),
                    rng.choice(["普通客户", "大客户", "重点开发客户", "合作伙伴"]),
                    f"021-{50000000 + i}",
                    f"info{i}@example{i % 97}.cn",
                    f"{rng.choice(CITIES)}市某某路 {i % 999} 号",
                    "",
                ]
            written.append(row)
            writer.writerow(row)
    return path


def _scratch_url() -> tuple[str | None, str]:
    """(CRM_DATABASE_URL of the scratch database or None for SQLite, what to call it)."""
    url = os.environ.get("CRM_DATABASE_URL", "")
    if not url:
        return None, "SQLite (scratch file)"
    base, name = url.rsplit("/", 1)
    return f"{base}/{name}_import", f"PostgreSQL {name}_import"


def _postgres(url: str, sql: str) -> None:
    import psycopg

    base = url.rsplit("/", 1)[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(sql)


def child(path: str, duplicates: str) -> None:
    """In the scratch database: migrate, make the importer, import the file, report as JSON."""
    env.setup()
    from django.core.management import call_command

    from crm.identity.models import User

    call_command("migrate", interactive=False, verbosity=0)
    User.objects.create_superuser(IMPORTER, password=None, name="导入基准")
    started = time.perf_counter()
    call_command("import", "customers", path, "--as", IMPORTER, "--duplicates", duplicates, stdout=sys.stderr)
    seconds = time.perf_counter() - started
    from crm.customers.models import Customer

    print(json.dumps({"seconds": seconds, "customers": Customer.objects.count()}))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--duplicates", default="skip", choices=["skip", "update", "create"])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.child, args.duplicates)

    data_dir = Path(os.environ.get("CRM_DATA_DIR", ""))
    if not str(data_dir) or data_dir.resolve() == (env.REPO / "var").resolve():
        env.setup()  # says what to set, and exits
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / f"customers-{args.rows}-{args.seed}.csv"
    if not path.exists():
        print(f"writing {path}", file=sys.stderr)
        write_file(path, args.rows, args.seed)
    url, label = _scratch_url()
    child_env = dict(os.environ)
    scratch_dir = data_dir / "import-run"
    child_env["CRM_DATA_DIR"] = str(scratch_dir)  # its own SQLite file, uploads and rejects
    if url:
        name = url.rsplit("/", 1)[1]
        _postgres(url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        _postgres(url, f"CREATE DATABASE {name}")
        child_env["CRM_DATABASE_URL"] = url
    else:
        shutil.rmtree(scratch_dir, ignore_errors=True)
    try:
        command = [sys.executable, "-m", "bench.imports", "--child", str(path), "--duplicates", args.duplicates]
        finished = subprocess.run(command, env=child_env, cwd=env.REPO, capture_output=True, text=True)
        sys.stderr.write(finished.stderr)
        if finished.returncode:
            sys.exit(f"the import failed ({finished.returncode})")
        result = json.loads(finished.stdout.strip().splitlines()[-1])
    finally:
        if url:
            _postgres(url, f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")
    rate = args.rows / result["seconds"]
    line = (
        f"| Import of {args.rows:,} customer rows, duplicates {args.duplicates} | {label} | "
        f"{result['seconds']:.1f} s | {rate:,.0f} rows/s | {result['customers']:,} customers | ≥ 10,000 rows/s | "
        f"{'yes' if rate >= 10_000 else '**no**'} |"
    )
    print("| Operation | Database | Wall time | Rate | Created | Target | Met |")
    print("|---|---|---:|---:|---:|---|:---:|")
    print(line)


if __name__ == "__main__":
    main()
