"""The search index behind customer search (crm.customers.tokens), on each database:

- PostgreSQL: a GIN index over the tokens as a tsvector (no text parser involved, so Chinese
  tokens stay as they are);
- SQLite: an FTS5 table over the tokens, kept in step by triggers.

`ensure_search_index` creates what is missing; it runs from the migration and after every
`migrate` (SQLite rebuilds a table when a column changes, which drops its triggers).
"""

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

from crm.customers.tokens import Term, query_terms

TABLE = "customers_customer"
FTS_TABLE = "customers_customer_fts"
SEARCH_VECTOR = "array_to_tsvector(string_to_array(NULLIF(search_tokens, ''), ' '))"
PG_SEARCH_INDEX = "customer_search_gin"
PG_SEARCH_STATISTICS = 1000
PG_NAME_TRGM_INDEX = "customer_name_key_trgm"
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
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {PG_SEARCH_INDEX} ON {TABLE} USING gin (({SEARCH_VECTOR}))")
            # ANALYZE keeps the most frequent tokens of the indexed expression: with the default
            # 100 statistics, every rarer token is guessed at 0.3 % of the rows, so the planner
            # walks the primary key backwards computing the vector of each row (seconds at a
            # million customers) instead of using the index (milliseconds). docs/benchmarks.md.
            cursor.execute(f"ALTER INDEX {PG_SEARCH_INDEX} ALTER COLUMN 1 SET STATISTICS {PG_SEARCH_STATISTICS}")
            # Similar names used a pg_trgm index once; their brand keys serve them now (ADR 0006).
            cursor.execute(f"DROP INDEX IF EXISTS {PG_NAME_TRGM_INDEX}")
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


def _pg_query(terms: list[Term]) -> str:
    return " & ".join(f"'{term.token}'" + (":*" if term.prefix else "") for term in terms)


def _fts_query(terms: list[Term]) -> str:
    return " AND ".join(f'"{term.token}"' + ("*" if term.prefix else "") for term in terms)


def matching(query: str, *, phone_digits: bool = True) -> Q | None:
    """A condition selecting the customers whose tokens match every term of `query`, or None
    when the query has nothing to search for (tokens hold only letters, digits and CJK).
    Without `phone_digits` (the user may not see phone numbers), digit-only terms are dropped, so
    a number cannot be used to find out whose it is."""
    terms = [t for t in query_terms(query) if phone_digits or not t.token.isdigit()]
    if not terms:
        return None
    if connection.vendor == "postgresql":
        expression = RawSQL(f"{SEARCH_VECTOR} @@ %s::tsquery", [_pg_query(terms)], output_field=BooleanField())
    else:
        expression = RawSQL(
            f"{TABLE}.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)",
            [_fts_query(terms)],
            output_field=BooleanField(),
        )
    return Q(expression)


# Rows a bulk write moves before the search index's entries are deferred (below: per row is fine).
DEFER_FROM = 1000


def defer_search_index(rows: int) -> None:
    """Before an UPDATE of `rows` customers inside a transaction (PostgreSQL): their new index
    entries go to the GIN index's pending list for the transaction (SET LOCAL), and are merged in
    one pass once it commits. Inserted one row at a time, the ~80 tokens of each customer cost
    1.7 ms a row (a churn scan moving 90,000 customers: 2 minutes inside its transaction); the
    pending list takes them in 0.17 ms and the merge sorts them all at once. Searches stay right
    in between: PostgreSQL reads the pending list too."""
    if connection.vendor != "postgresql" or rows < DEFER_FROM:
        return
    from django.db import transaction

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL gin_pending_list_limit = '1GB'")
    transaction.on_commit(_merge_pending_entries)


def _merge_pending_entries() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [PG_SEARCH_INDEX])
