"""The search index behind customer search (crm.customers.tokens), on each database:

- PostgreSQL: a table of its own, `customers_customer_search` (the customer's id and its tokens
  as a tsvector, no text parser involved, so Chinese tokens stay as they are) with a GIN index,
  kept in step by triggers on the customers table;
- SQLite: an FTS5 table over the tokens, kept in step by triggers.

Off the customers row on both (ADR 0032): a change that leaves the tokens alone (a status, a
manager, a follow-up date) writes no search entries. On the row, each new row version took
~80 GIN entries, whatever changed; the churn scan moving 93,072 customers spent most of its
time there.

`ensure_search_index` creates what is missing, and fills the table when its triggers were
missing (a new database, a bulk load that dropped them); it runs from the migrations and after
every `migrate` (SQLite rebuilds a table when a column changes, which drops its triggers).
"""

from django.db import connection, transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL

from crm.customers.tokens import Term, query_terms

TABLE = "customers_customer"
FTS_TABLE = "customers_customer_fts"
PG_TABLE = "customers_customer_search"
PG_SEARCH_INDEX = "customer_search_tokens_gin"
PG_SEARCH_STATISTICS = 1000
_PG_OLD_INDEXES = ("customer_search_gin", "customer_name_key_trgm")  # on the customers row, before ADR 0032
_PG_VECTOR = "COALESCE(array_to_tsvector(string_to_array(NULLIF({tokens}, ''), ' ')), ''::tsvector)"

# What keeps the table in step, on the customers table (PostgreSQL): every inserted row in one
# statement (a COPY or an import batch included); only the rows whose tokens changed (no trigger
# runs for the others); the deleted rows; everything on TRUNCATE.
_PG_FUNCTIONS = (
    f"""CREATE OR REPLACE FUNCTION {PG_TABLE}_add() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO {PG_TABLE} (id, tokens)
        SELECT added.id, {_PG_VECTOR.format(tokens="added.search_tokens")} FROM added
        ON CONFLICT (id) DO UPDATE SET tokens = EXCLUDED.tokens;
        RETURN NULL;
    END $$""",
    f"""CREATE OR REPLACE FUNCTION {PG_TABLE}_write() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO {PG_TABLE} (id, tokens) VALUES (NEW.id, {_PG_VECTOR.format(tokens="NEW.search_tokens")})
        ON CONFLICT (id) DO UPDATE SET tokens = EXCLUDED.tokens;
        RETURN NULL;
    END $$""",
    f"""CREATE OR REPLACE FUNCTION {PG_TABLE}_remove() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM {PG_TABLE} WHERE id IN (SELECT id FROM removed);
        RETURN NULL;
    END $$""",
    f"""CREATE OR REPLACE FUNCTION {PG_TABLE}_clear() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE {PG_TABLE};
        RETURN NULL;
    END $$""",
)
_PG_TRIGGERS = {
    f"{PG_TABLE}_ai": f"""CREATE TRIGGER {PG_TABLE}_ai AFTER INSERT ON {TABLE}
        REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION {PG_TABLE}_add()""",
    f"{PG_TABLE}_au": f"""CREATE TRIGGER {PG_TABLE}_au AFTER UPDATE OF search_tokens ON {TABLE}
        FOR EACH ROW WHEN (OLD.search_tokens IS DISTINCT FROM NEW.search_tokens)
        EXECUTE FUNCTION {PG_TABLE}_write()""",
    f"{PG_TABLE}_ad": f"""CREATE TRIGGER {PG_TABLE}_ad AFTER DELETE ON {TABLE}
        REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION {PG_TABLE}_remove()""",
    f"{PG_TABLE}_at": f"""CREATE TRIGGER {PG_TABLE}_at AFTER TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION {PG_TABLE}_clear()""",
}

_SQLITE_TRIGGERS = {
    f"{FTS_TABLE}_ai": f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ai AFTER INSERT ON {TABLE} BEGIN
        INSERT INTO {FTS_TABLE}(rowid, search_tokens) VALUES (new.id, new.search_tokens); END""",
    f"{FTS_TABLE}_ad": f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ad AFTER DELETE ON {TABLE} BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_tokens) VALUES ('delete', old.id, old.search_tokens); END""",
    f"{FTS_TABLE}_au": f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_au AFTER UPDATE OF search_tokens ON {TABLE} BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_tokens) VALUES ('delete', old.id, old.search_tokens);
        INSERT INTO {FTS_TABLE}(rowid, search_tokens) VALUES (new.id, new.search_tokens); END""",
}


def ensure_search_index(using_connection=None) -> None:
    conn = using_connection or connection
    if TABLE not in conn.introspection.table_names():
        return
    with transaction.atomic(using=conn.alias), conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            _ensure_pg(cursor)
        elif conn.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE])
            present = {row[0] for row in cursor.fetchall()}
            cursor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(search_tokens, content='{TABLE}', "
                "content_rowid='id', tokenize='unicode61 remove_diacritics 0')"
            )
            for sql in _SQLITE_TRIGGERS.values():
                cursor.execute(sql)
            if set(_SQLITE_TRIGGERS) - present:
                cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")


def _ensure_pg(cursor) -> None:
    cursor.execute(f"CREATE TABLE IF NOT EXISTS {PG_TABLE} (id bigint PRIMARY KEY, tokens tsvector NOT NULL)")
    for sql in _PG_FUNCTIONS:
        cursor.execute(sql)
    cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", [TABLE])
    missing = set(_PG_TRIGGERS) - {row[0] for row in cursor.fetchall()}
    for name in sorted(missing):
        cursor.execute(_PG_TRIGGERS[name])
    if missing:  # the table may lag behind the customers: fill it anew, then index it in one pass
        cursor.execute(f"DROP INDEX IF EXISTS {PG_SEARCH_INDEX}")
        cursor.execute(f"TRUNCATE {PG_TABLE}")
        cursor.execute(
            f"INSERT INTO {PG_TABLE} (id, tokens) SELECT id, {_PG_VECTOR.format(tokens='search_tokens')} FROM {TABLE}"
        )
    cursor.execute(f"CREATE INDEX IF NOT EXISTS {PG_SEARCH_INDEX} ON {PG_TABLE} USING gin (tokens)")
    # ANALYZE keeps the most frequent tokens: with the default 100 statistics, every rarer token
    # is guessed at 0.3 % of the rows, and the planner walks the customers' primary key
    # backwards testing each one (seconds at a million customers) instead of using the index
    # (milliseconds). docs/benchmarks.md.
    cursor.execute(f"ALTER TABLE {PG_TABLE} ALTER COLUMN tokens SET STATISTICS {PG_SEARCH_STATISTICS}")
    if missing:
        cursor.execute(f"ANALYZE {PG_TABLE}")
    for name in _PG_OLD_INDEXES:
        cursor.execute(f"DROP INDEX IF EXISTS {name}")


def drop_search_triggers(using_connection=None) -> None:
    """Before a bulk load of customers (the benchmark's generator): no search entries per row;
    `ensure_search_index` afterwards finds the triggers missing and fills the table in one pass."""
    conn = using_connection or connection
    if conn.vendor != "postgresql":
        return
    with conn.cursor() as cursor:
        for name in _PG_TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {TABLE}")


def _pg_query(terms: list[Term]) -> str:
    return " & ".join(f"'{term.token}'" + (":*" if term.prefix else "") for term in terms)


def _fts_query(terms: list[Term]) -> str:
    return " AND ".join(f'"{term.token}"' + ("*" if term.prefix else "") for term in terms)


def matching(query: str, *, phone_digits: bool = True, path: str = "") -> Q | None:
    """A condition selecting the customers whose tokens match every term of `query`, or None
    when the query has nothing to search for (tokens hold only letters, digits and CJK).
    Without `phone_digits` (the user may not see phone numbers), digit-only terms are dropped, so
    a number cannot be used to find out whose it is. `path`: the condition for another model's
    records, through their foreign key to the customer ("customer": their customer matches)."""
    terms = [t for t in query_terms(query) if phone_digits or not t.token.isdigit()]
    if not terms:
        return None
    if connection.vendor == "postgresql":
        sql, param = f"SELECT id FROM {PG_TABLE} WHERE tokens @@ %s::tsquery", _pg_query(terms)
    else:
        sql, param = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", _fts_query(terms)
    return Q(**{f"{path or 'pk'}__in": RawSQL(sql, [param])})
