"""The benchmark data generator behind `python -m bench.generate` (docs/benchmarks.md).

Scale 1 is 1,000,000 customers with 3,000,000 contacts and 10,000,000 follow-ups, owned by the
account managers of a 200-person organisation; 5 % of the customers sit in the public pool, 2 %
are the same company entered again (written differently, or with the same phone), 30 % carry
tags. The derived columns and duplicate keys come from crm.customers.services.indexing, the
rows are built on every core (multiprocessing) and bulk loaded: COPY on PostgreSQL, executemany
in large transactions on SQLite. On big loads the secondary indexes and foreign keys of the
loaded tables are dropped first and recreated afterwards under the same names (the search
triggers too, then the search table or FTS5 index is filled once); then ANALYZE.

The command migrates first and refuses a database holding customers that it did not generate
(their external_id does not start with "bench-") unless --force. It replaces earlier benchmark
data. Deterministic: the same --seed and --today give the same rows.
"""

import datetime
import os
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import accumulate
from zoneinfo import ZoneInfo

from bench import data, words
from bench.contracts import generate_contracts, seed_numbers, wipe_contracts
from bench.orders import generate_orders, wipe_orders
from bench.sales import generate_sales, wipe_sales
from bench.salesadmin import generate_salesadmin, wipe_salesadmin
from bench.service import generate_services, wipe_services

SCALE_CUSTOMERS = 1_000_000
CONTACTS_PER_CUSTOMER = 3
FOLLOWUPS_PER_CUSTOMER = 10
USERS = 200
REBUILD_INDEXES_FROM = 20_000  # customers; below that, loading with the indexes in place is fast enough
BENCH_USER_PREFIX = "bench_"
BENCH_DEPARTMENT_CODE = "BENCH"


@dataclass
class Options:
    scale: float = 0.01
    seed: int = 2024
    workers: int = 0  # 0: one per core; 1: build the rows in this process
    block_size: int = 5000
    followups: int | None = None  # None: FOLLOWUPS_PER_CUSTOMER per customer
    today: datetime.date | None = None
    indexes: str = "auto"  # "auto", "rebuild" (drop and recreate around the load) or "keep"
    force: bool = False


@dataclass
class Result:
    customers: int
    contacts: int
    followups: int
    users: int
    seconds: dict
    rows: dict
    logins: dict


class Refused(Exception):
    pass


# --- the organisation ------------------------------------------------------------------------------------
@dataclass
class Org:
    managers: list[int]
    weights: list[float]
    colleagues: dict[int, list[int]]
    logins: dict[str, str]
    count: int


def build_org(seed: int) -> Org:
    """200 users in a department tree: an executive office, five sales regions with branches and
    teams (supervisors over regions and branches, account managers in the teams), service,
    marketing and IT. Every user's password is crm-demo."""
    import random

    from django.contrib.auth.hashers import make_password

    from crm.access.models import Role
    from crm.identity.models import Department, User
    from crm.testing import DEMO_PASSWORD

    rng = random.Random(seed)
    password = make_password(DEMO_PASSWORD)
    roles = {role.code: role for role in Role.objects.all()}
    counter = {"department": 0}

    def department(name: str, parent=None) -> Department:
        counter["department"] += 1
        node = Department(name=name, parent=parent, code=f"{BENCH_DEPARTMENT_CODE}-{counter['department']:03d}")
        node.insert()
        return node

    users: list[tuple[User, str]] = []
    used_names: set[str] = set()

    def user(username: str, role: str, dept: Department, superior=None) -> User:
        while True:
            name, _gender = data.person_name(rng)
            if name not in used_names:
                used_names.add(name)
                break
        number = len(users) + 1
        person = User(
            username=f"{BENCH_USER_PREFIX}{username}",
            name=name,
            password=password,
            employee_no=f"BENCH{number:04d}",
            phone=data.mobile(rng),
            department=dept,
            superior=superior,
            email=f"{BENCH_USER_PREFIX}{username}@example.com",
        )
        users.append((person, role))
        return person

    head = department("本部")
    office = department("总经理办公室", head)
    it = department("信息技术部", head)
    service = department("客服中心", head)
    marketing = department("市场部", head)
    user("admin", "admin", it)
    executive = user("exec", "executive", office)
    user("exec2", "executive", office, executive)
    user("exec3", "executive", office, executive)
    for i in range(6):
        user(f"service{i + 1}", "service", service, executive)
    for i in range(4):
        user(f"marketing{i + 1}", "marketing", marketing, executive)
    teams: list[tuple[Department, User]] = []
    for r, (region_name, branches) in enumerate(words.SALES_REGIONS, start=1):
        region = department(region_name, head)
        region_lead = user(f"sup_r{r}", "supervisor", region, executive)
        for b, branch_name in enumerate(branches, start=1):
            branch = department(branch_name, region)
            branch_lead = user(f"sup_r{r}b{b}", "supervisor", branch, region_lead)
            for team_name in words.TEAMS[: 3 if b <= 2 else 2]:
                teams.append((department(team_name, branch), branch_lead))
    managers: list[User] = []
    team_of: dict[int, int] = {}
    while len(users) < USERS:
        index = len(managers) % len(teams)
        team, lead = teams[index]
        managers.append(user(f"mgr{len(managers) + 1:03d}", "manager", team, lead))
        team_of[len(managers) - 1] = index
    for person, _role in users:  # in order: superiors first
        person.save()
    through = Role.users.through
    through.objects.bulk_create([through(role_id=roles[role].pk, user_id=u.pk) for u, role in users])
    # Some managers own far more customers than others.
    weights = [rng.paretovariate(1.8) for _ in managers]
    members: dict[int, list[int]] = {}
    for position, manager in enumerate(managers):
        members.setdefault(team_of[position], []).append(manager.pk)
    colleagues = {m.pk: members[team_of[i]] for i, m in enumerate(managers)}
    return Org(
        managers=[m.pk for m in managers],
        weights=list(accumulate(weights)),
        colleagues=colleagues,
        logins={"executive": executive.username, "admin": f"{BENCH_USER_PREFIX}admin"},
        count=len(users),
    )


def reference_data(vendor: str) -> dict:
    """Ids the rows point at: picklist items, the default pool, tags, cities."""
    from crm.customers.models import Pool, Tag
    from crm.dictionary.models import DictionaryItem, Region

    categories = ["customer_level", "customer_source", "customer_type", "customer_potential", "customer_stage"]
    categories += ["industry", "region", "followup_method"]
    dictionary: dict[str, dict[str, int]] = {c: {} for c in categories}
    entries: dict[int, str] = {}
    items = DictionaryItem.objects.filter(category__in=categories).order_by("category", "sort_order", "id")
    for category, value, pk, entry in items.values_list("category", "value", "pk", "entry"):
        dictionary[category][value] = pk
        if category == "followup_method":
            entries[pk] = entry
    pool = Pool.objects.filter(is_default=True).first() or Pool.objects.order_by("pk").first()
    if pool is None:
        raise Refused("No public pool: run the migrations (they create the default pool).")
    tags = []
    for position, (name, group, color) in enumerate(words.TAGS):
        tag, _created = Tag.objects.get_or_create(
            name=name, defaults={"group": group, "color": color, "sort_order": position}
        )
        tags.append(tag.pk)
    cities, weights = [], []
    for code, name, short, province, province_name, province_short in (
        Region.objects.filter(level="city")
        .order_by("code")
        .values_list("code", "name", "short_name", "parent_id", "parent__name", "parent__short_name")
    ):
        bare = short or (name[:-1] if name.endswith("市") and len(name) > 2 else name)
        area = words.AREA_CODES.get(code) or f"0{3 + int(code[1]) % 7}{code[2:4]}"
        region = words.REGION_BY_PROVINCE.get(code[:2], "east")
        cities.append(data.City(code, province, bare, name, province_short or province_name, area, region))
        weights.append(words.CITY_WEIGHTS.get(code, words.OTHER_CITY_WEIGHT))
    return {
        "dictionary": dictionary,
        "method_entries": entries,
        "pool_id": pool.pk,
        "tags": tags,
        "cities": cities,
        "city_weights": list(accumulate(weights)),
    }


# --- guards and clean-up -----------------------------------------------------------------------------------
def foreign_customers() -> int:
    from crm.customers.models import Customer

    return Customer.objects.exclude(external_id__startswith=data.EXTERNAL_PREFIX).count()


TALLY_TABLES = ["customers_followupyear", "customers_followupday"]  # derived after the load (ADR 0027)
SALES_TABLES = [
    "opportunities_opportunity", "opportunities_planitem", "leads_lead", "service_service", "service_serviceround",
]


def wipe(log) -> None:
    """Remove earlier benchmark data: every customer and what hangs off it, the benchmark users."""
    from django.db import connection, transaction

    from crm.access.models import Share
    from crm.customers.models import Customer
    from crm.customers.search import FTS_TABLE
    from crm.identity.models import Department, User

    _check_deferred(connection)
    wipe_contracts(log)  # contracts, payments and approvals refer to the customers
    wipe_sales(log)  # opportunities, leads and services refer to the customers
    wipe_services(log)
    wipe_orders(log)
    wipe_salesadmin(log)  # a claim protects its claimant (a benchmark user)
    customer_tables = [m._meta.db_table for m in _customer_models()]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _check_deferred(connection)
            cursor.execute(f"TRUNCATE {', '.join(customer_tables)} RESTART IDENTITY CASCADE")
        else:
            for table in reversed(customer_tables):
                cursor.execute(f"DELETE FROM {table}")
            if FTS_TABLE in connection.introspection.table_names():
                cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')")
    Share.objects.filter(resource="customers.customer").delete()
    assert not Customer.objects.exists()
    User.objects.filter(username__startswith=BENCH_USER_PREFIX).delete()
    for department in Department.objects.filter(code__startswith=BENCH_DEPARTMENT_CODE).order_by("-depth"):
        department.delete()
    log("removed earlier benchmark data")


def _check_deferred(connection) -> None:
    """Inside a caller's transaction (the tests), run the deferred foreign-key checks now:
    PostgreSQL refuses TRUNCATE and CREATE INDEX on a table with checks pending."""
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _customer_models():
    """Tables of the customers app that hold customer data (not configuration), dependants last."""
    from crm.customers import models as m

    return [
        m.Customer,
        m.Customer.tags.through,
        m.Contact,
        m.CustomerKey,
        m.FollowUp,
        m.FollowUpYear,
        m.CustomerEvent,
        m.Interaction,
        m.Contract,
        m.Attachment,
        m.TransferRequest,
        m.MergeRecord,
    ]


# --- indexes around the load -------------------------------------------------------------------------------
@dataclass
class SchemaObject:
    table: str
    name: str
    create: str
    kind: str  # "index", "unique", "foreign_key", "trigger"
    after: str = ""  # run once every index is built (a unique index becoming its constraint)


def pg_secondary_objects(cursor, tables: list[str]) -> list[SchemaObject]:
    """Indexes (other than primary keys), unique and foreign-key constraints of the tables."""
    cursor.execute(
        """
        SELECT t.relname, i.relname, pg_get_indexdef(i.oid)
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
        JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = current_schema() AND t.relname = ANY(%s) AND NOT x.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.conrelid = t.oid)
        """,
        [tables],
    )
    objects = [SchemaObject(t, name, sql, "index") for t, name, sql in cursor.fetchall()]
    cursor.execute(
        """
        SELECT t.relname, c.conname, pg_get_constraintdef(c.oid), c.contype
        FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = current_schema() AND t.relname = ANY(%s) AND c.contype IN ('u', 'f')
        """,
        [tables],
    )
    for table, name, definition, kind in cursor.fetchall():
        if kind == "u" and definition.startswith("UNIQUE ("):
            # An index first (CREATE INDEX shares the table with the other index builds; ADD
            # CONSTRAINT would wait for all of them), then the constraint takes it over.
            create = f'CREATE UNIQUE INDEX "{name}" ON {table} {definition[len("UNIQUE ") :]}'
            after = f'ALTER TABLE {table} ADD CONSTRAINT "{name}" UNIQUE USING INDEX "{name}"'
            objects.append(SchemaObject(table, name, create, "unique", after=after))
        else:
            create = f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
            objects.append(SchemaObject(table, name, create, "unique" if kind == "u" else "foreign_key"))
    return objects


def pg_drop(cursor, objects: list[SchemaObject]) -> None:
    for obj in sorted(objects, key=lambda o: o.kind != "foreign_key"):
        if obj.kind == "index":
            cursor.execute(f'DROP INDEX IF EXISTS "{obj.name}"')
        else:
            cursor.execute(f'ALTER TABLE {obj.table} DROP CONSTRAINT IF EXISTS "{obj.name}"')


def pg_recreate(objects: list[SchemaObject], rows: dict, log, threads: int = 2) -> None:
    """Indexes and unique constraints first (biggest first, on `threads` connections), then the
    foreign keys (each one query checking every row)."""
    from django.db import connections

    def run(obj: SchemaObject) -> float:
        started = time.monotonic()
        connection = connections["default"]
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET maintenance_work_mem = '1GB'")
                cursor.execute("SET max_parallel_maintenance_workers = 0")
                cursor.execute(obj.create)
        finally:
            connection.close()
        return time.monotonic() - started

    first = [o for o in objects if o.kind != "foreign_key"]
    later = [o for o in objects if o.kind == "foreign_key"]
    for group in (first, later):
        if group is later:
            with connections["default"].cursor() as cursor:
                for obj in first:
                    if obj.after:
                        cursor.execute(obj.after)
        group.sort(key=lambda o: (-rows.get(o.table, 0), "gin" not in o.create.lower(), o.name))
        with ThreadPoolExecutor(threads) as pool:
            for obj, seconds in zip(group, pool.map(run, group), strict=True):
                if seconds > 5:
                    log(f"  {obj.name}: {seconds:.0f} s")


def sqlite_secondary_objects(cursor, tables: list[str]) -> list[SchemaObject]:
    """Indexes with SQL of their own (not the automatic ones of UNIQUE columns) and the search triggers."""
    marks = ",".join("?" * len(tables))
    cursor.execute(
        f"SELECT tbl_name, name, sql, type FROM sqlite_master WHERE type IN ('index', 'trigger') "
        f"AND sql IS NOT NULL AND tbl_name IN ({marks})",
        tables,
    )
    return [SchemaObject(t, name, sql, kind) for t, name, sql, kind in cursor.fetchall()]


# --- loading -------------------------------------------------------------------------------------------------
class Loader:
    """Writes one block's rows per table through the Django connection (inside its transaction)."""

    def __init__(self, connection):
        self.connection = connection
        self.rows = dict.fromkeys(data.TABLES, 0)

    def write(self, block: dict) -> None:
        from django.db import transaction

        with transaction.atomic(), self.connection.cursor() as cursor:
            for table in data.TABLES:
                payload = block[table]
                if not payload:
                    continue
                columns = data.COLUMNS[table]
                if self.connection.vendor == "postgresql":
                    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                        copy.write(payload)
                    self.rows[table] += payload.count(b"\n")
                else:
                    marks = ", ".join("?" * len(columns))
                    self.connection.connection.executemany(
                        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", payload
                    )
                    self.rows[table] += len(payload)


_plan: data.Plan | None = None


def _init_worker(plan: data.Plan) -> None:
    global _plan
    _plan = plan


def _build(block: int) -> dict:
    return data.build_block(_plan, block)


def blocks_built(plan: data.Plan, workers: int):
    """The blocks in order, built by `workers` processes (a few ahead, so memory stays bounded)."""
    if workers <= 1:
        for block in range(plan.blocks):
            yield data.build_block(plan, block)
        return
    import multiprocessing

    from django.db import connections

    connections.close_all()  # the children must not share the parent's socket
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=_init_worker, initargs=(plan,)) as pool:
        pending: deque = deque()
        next_block = 0
        while next_block < plan.blocks or pending:
            while next_block < plan.blocks and len(pending) < workers + 2:
                pending.append(pool.apply_async(_build, (next_block,)))
                next_block += 1
            yield pending.popleft().get()


def generate(options: Options, log=print) -> Result:
    """Replace the benchmark data of the current database (migrated) with a new data set."""
    from django.conf import settings
    from django.db import connection

    from crm.core.models import NumberSequence
    from crm.customers.search import drop_search_triggers, ensure_search_index
    from crm.customers.services.customers import NUMBER_KEY
    from crm.customers.services.followup_tally import followup_tally_rebuild
    from crm.customers.services.indexing import blocked_key_kinds
    from crm.identity.models import User

    seconds: dict[str, float] = {}
    started = time.monotonic()
    if not options.force and foreign_customers():
        raise Refused(
            "The database holds customers that the benchmark did not generate. Use a database of its own "
            "(docs/benchmarks.md), or --force to delete every customer in it."
        )
    wipe(log)
    customers = max(1, round(SCALE_CUSTOMERS * options.scale))
    org = build_org(options.seed)
    reference = reference_data(connection.vendor)
    today = options.today or datetime.date.today()
    # "Now" of the data set: noon of `today` in the installation's time zone, so that nothing (a follow-up
    # lands up to an hour after it) is dated on a later day than today there (the reports' days and months).
    noon = datetime.datetime.combine(today, datetime.time(12, 0), tzinfo=ZoneInfo(settings.TIME_ZONE))
    anchor = int(noon.timestamp())
    blocked = blocked_key_kinds()
    plan = data.Plan(
        seed=options.seed,
        customers=customers,
        contacts=customers * CONTACTS_PER_CUSTOMER,
        followups=options.followups if options.followups is not None else customers * FOLLOWUPS_PER_CUSTOMER,
        block_size=options.block_size,
        anchor=anchor,
        vendor=connection.vendor,
        managers=org.managers,
        manager_weights=org.weights,
        colleagues=org.colleagues,
        trade_names=data.trade_names_for(customers),
        enforced_kinds=blocked & {"credit_code"},  # credit codes are unique by construction
        **reference,
    )
    seconds["prepare"] = time.monotonic() - started
    log(
        f"{customers:,} customers, {plan.contacts:,} contacts, {plan.followups:,} follow-ups, "
        f"{org.count} users, {plan.blocks} blocks"
    )

    rebuild = options.indexes == "rebuild" or (options.indexes == "auto" and customers >= REBUILD_INDEXES_FROM)
    tables = list(data.TABLES)
    dropped: list[SchemaObject] = []
    if rebuild:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                dropped = pg_secondary_objects(cursor, tables)
                pg_drop(cursor, dropped)
                drop_search_triggers(connection)  # refilled in one pass by ensure_search_index below
            else:
                dropped = sqlite_secondary_objects(cursor, tables)
                for obj in dropped:
                    cursor.execute(f'DROP {obj.kind.upper()} IF EXISTS "{obj.name}"')
        log(f"dropped {len(dropped)} indexes, constraints and triggers for the load")

    started = time.monotonic()
    workers = options.workers or os.cpu_count() or 1
    checking = connection.vendor == "sqlite" and rebuild and connection.disable_constraint_checking()
    loader = Loader(connection)
    try:
        for number, block in enumerate(blocks_built(plan, workers), start=1):
            loader.write(block)
            if number % 20 == 0 or number == plan.blocks:
                elapsed = time.monotonic() - started
                done = min(customers, number * plan.block_size)
                log(f"  {done:,} customers in {elapsed:.0f} s ({done / elapsed:,.0f}/s)")
    finally:
        if checking:
            connection.enable_constraint_checking()
    seconds["load"] = time.monotonic() - started

    started = time.monotonic()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"GREATEST((SELECT MAX(id) FROM {table}), 1))"
                )
    _enforce_other_kinds(blocked - {"credit_code"}, log)
    if dropped:
        if connection.vendor == "postgresql":
            pg_recreate(dropped, loader.rows, log)
        else:
            with connection.cursor() as cursor:
                for obj in dropped:
                    if obj.kind == "index":
                        cursor.execute(obj.create)
    _check_deferred(connection)
    # The search triggers again and one fill of the search table (PostgreSQL) or rebuild of the
    # FTS5 index (SQLite).
    ensure_search_index(connection)
    seconds["indexes"] = time.monotonic() - started
    started = time.monotonic()
    log(f"{followup_tally_rebuild():,} follow-up tally rows (the work report's, as the follow-up writers keep them)")
    seconds["tally"] = time.monotonic() - started

    NumberSequence.objects.update_or_create(key=NUMBER_KEY, defaults={"last": customers})
    started = time.monotonic()
    NumberSequence.objects.filter(key__in=["opportunity", "lead", "service"]).delete()
    sales = generate_sales(customers=customers, seed=options.seed, today=today, log=log)
    sales.update(generate_services(customers=customers, seed=options.seed, today=today, log=log))
    sales.update(generate_orders(customers=customers, today=today, log=log))
    executive = User.objects.filter(roles__code="executive", status="normal").order_by("username").first()
    if executive is not None:  # the executive persona's inbox (bench.context)
        sales.update(generate_contracts(customers=customers, today=today, approver=executive.pk, log=log))
        seed_numbers(customers)
    sales.update(generate_salesadmin(seed=options.seed, today=today, log=log))
    seconds["sales"] = time.monotonic() - started
    started = time.monotonic()
    analyze(connection, [*tables, *TALLY_TABLES, *SALES_TABLES], vacuum=rebuild)
    seconds["analyze"] = time.monotonic() - started
    rows = {**loader.rows, **sales}
    log("rows: " + ", ".join(f"{t} {n:,}" for t, n in rows.items()))
    log("seconds: " + ", ".join(f"{k} {v:.0f}" for k, v in seconds.items()))
    return Result(
        customers=customers,
        contacts=plan.contacts,
        followups=plan.followups,
        users=org.count,
        seconds=seconds,
        rows=rows,
        logins=org.logins,
    )


def _enforce_other_kinds(kinds: set[str], log) -> None:
    """Kinds other than the credit code whose rule blocks: of the customers sharing a key, the
    oldest holds it (the same rule as switching the rule on, crm.customers.services.duplicates)."""
    from crm.customers.services.duplicates import _enforce_keys

    for kind in sorted(kinds):
        _enforce_keys(kind, True)
        log(f"enforced {kind} keys")


def analyze(connection, tables: list[str], *, vacuum: bool) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            in_transaction = not connection.get_autocommit()
            for table in tables:
                cursor.execute(f"{'ANALYZE' if in_transaction or not vacuum else 'VACUUM (ANALYZE)'} {table}")
        else:
            cursor.execute("ANALYZE")


# --- completing a stopped load --------------------------------------------------------------------------------
def finish(log=print) -> dict:
    """Complete a PostgreSQL load that was stopped part-way (the blocks written so far are whole):
    recreate the indexes and constraints it had dropped, as a scratch database migrated the same
    way has them, set the sequences and the number counter, then VACUUM ANALYZE."""
    import subprocess
    import sys
    import tempfile

    from django.db import connection

    from crm.core.models import NumberSequence
    from crm.customers.models import Customer
    from crm.customers.search import ensure_search_index
    from crm.customers.services.customers import NUMBER_KEY
    from crm.customers.services.followup_tally import followup_tally_rebuild

    if connection.vendor != "postgresql":
        raise Refused("--finish completes PostgreSQL loads; on SQLite generate again.")
    settings = connection.settings_dict
    scratch = f"{settings['NAME']}_schema"
    url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{scratch}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        cursor.execute(f'CREATE DATABASE "{scratch}"')
    try:
        with tempfile.TemporaryDirectory() as data_dir:
            environment = {**os.environ, "CRM_DATABASE_URL": url, "CRM_DATA_DIR": data_dir}
            if settings.get("PASSWORD"):
                environment["PGPASSWORD"] = settings["PASSWORD"]
            subprocess.run([sys.executable, "-m", "crm", "migrate", "-v", "0"], env=environment, check=True)
        import psycopg

        with psycopg.connect(url.replace("postgres://", "postgresql://")) as scratch_connection:
            wanted = pg_secondary_objects(scratch_connection.cursor(), list(data.TABLES))
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
    with connection.cursor() as cursor:
        present = {o.name for o in pg_secondary_objects(cursor, list(data.TABLES))}
        rows = {}
        for table in data.TABLES:
            cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [table])
            rows[table] = cursor.fetchone()[0]
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST((SELECT MAX(id) FROM {table}), 1))"
            )
    missing = [o for o in wanted if o.name not in present]
    log(f"recreating {len(missing)} indexes and constraints")
    started = time.monotonic()
    pg_recreate(missing, rows, log)
    ensure_search_index(connection)
    last = Customer.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    NumberSequence.objects.update_or_create(key=NUMBER_KEY, defaults={"last": last})
    indexes = time.monotonic() - started
    log(f"{followup_tally_rebuild():,} follow-up tally rows")
    started = time.monotonic()
    analyze(connection, [*data.TABLES, *TALLY_TABLES], vacuum=True)
    return {"indexes": indexes, "analyze": time.monotonic() - started, "customers": last}
