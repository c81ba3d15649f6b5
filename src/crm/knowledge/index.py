"""The full-text index of articles on each database, and the conditions and ranks built on it.

The tokens (crm.knowledge.tokens) are stored in two columns: `search_title` (the title) and
`search_body` (problem, solution, tags, product).

- PostgreSQL: a GIN index over `setweight(to_tsvector('simple', search_title), 'A') ||
  setweight(to_tsvector('simple', search_body), 'B')`. The 'simple' configuration only lower-cases
  (no stemming, no stop words), so the words jieba made stay as they are. Matches are ranked by
  `ts_rank` (weight A 1.0, B 0.4); a title match is the weight-A query (`'导入':A`).
- SQLite: an FTS5 table over the two columns (external content, kept in step by triggers);
  FTS5's `bm25` ranks with the title weighing 10 times the body.

A search asks for all its terms (AND), a suggestion for any (OR). Terms are letters, digits and
CJK only (tokens.py), so they need no escaping inside the query strings built here.
`ensure_search_index` creates what is missing; it runs from the migration and after every
`migrate` (SQLite rebuilds a table when a column changes, which drops its triggers).
"""

from django.db import connection
from django.db.models import BooleanField, FloatField, Q
from django.db.models.expressions import RawSQL

TABLE = "knowledge_article"
FTS_TABLE = "knowledge_article_fts"
PG_INDEX = "knowledge_article_search_gin"
VECTOR = (
    "(setweight(to_tsvector('simple'::regconfig, search_title), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, search_body), 'B'))"
)
TITLE_WEIGHT_SQLITE = 10.0
_COLUMNS = "search_title, search_body"
_SQLITE_TRIGGERS = {
    f"{FTS_TABLE}_ai": f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ai AFTER INSERT ON {TABLE} BEGIN
        INSERT INTO {FTS_TABLE}(rowid, {_COLUMNS}) VALUES (new.id, new.search_title, new.search_body); END""",
    f"{FTS_TABLE}_ad": f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ad AFTER DELETE ON {TABLE} BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_COLUMNS})
        VALUES ('delete', old.id, old.search_title, old.search_body); END""",
    f"{FTS_TABLE}_au": f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_au AFTER UPDATE OF {_COLUMNS} ON {TABLE} BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_COLUMNS})
        VALUES ('delete', old.id, old.search_title, old.search_body);
        INSERT INTO {FTS_TABLE}(rowid, {_COLUMNS}) VALUES (new.id, new.search_title, new.search_body); END""",
}


def ensure_search_index(using_connection=None) -> None:
    conn = using_connection or connection
    if TABLE not in conn.introspection.table_names():
        return
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON {TABLE} USING gin ({VECTOR})")
        elif conn.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE])
            present = {row[0] for row in cursor.fetchall()}
            cursor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5({_COLUMNS}, content='{TABLE}', "
                "content_rowid='id', tokenize='unicode61 remove_diacritics 0')"
            )
            for sql in _SQLITE_TRIGGERS.values():
                cursor.execute(sql)
            if set(_SQLITE_TRIGGERS) - present:
                cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")


def _pg_query(terms: list[str], joiner: str, weight: str = "") -> str:
    return f" {joiner} ".join(f"'{term}'" + (f":{weight}" if weight else "") for term in terms)


def _fts_query(terms: list[str], joiner: str, column: str = "") -> str:
    expression = f" {joiner} ".join(f'"{term}"' for term in terms)
    return f"{column} : ({expression})" if column else expression


class Search:
    """The condition, the rank and the title match of one search over `terms`; `every` term
    (a search box) or any (a suggestion)."""

    def __init__(self, terms: list[str], *, every: bool = True):
        self.terms = terms
        self.pg = connection.vendor == "postgresql"
        self.pg_joiner, self.fts_joiner = ("&", "AND") if every else ("|", "OR")

    def _fts_ids(self, query: str) -> RawSQL:
        return RawSQL(
            f"{TABLE}.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)",
            [query],
            output_field=BooleanField(),
        )

    def matches(self) -> Q:
        if self.pg:
            query = _pg_query(self.terms, self.pg_joiner)
            return Q(RawSQL(f"{VECTOR} @@ %s::tsquery", [query], output_field=BooleanField()))
        return Q(self._fts_ids(_fts_query(self.terms, self.fts_joiner)))

    def title_matches(self) -> RawSQL:
        """True where the title alone matches (all terms for a search, any for a suggestion)."""
        if self.pg:
            query = _pg_query(self.terms, self.pg_joiner, weight="A")
            return RawSQL(f"{VECTOR} @@ %s::tsquery", [query], output_field=BooleanField())
        return self._fts_ids(_fts_query(self.terms, self.fts_joiner, column="search_title"))

    def rank(self) -> RawSQL:
        """Higher is better on both databases (FTS5's bm25 is negated)."""
        if self.pg:
            query = _pg_query(self.terms, self.pg_joiner)
            return RawSQL(f"ts_rank({VECTOR}, %s::tsquery)", [query], output_field=FloatField())
        return RawSQL(
            f"(SELECT -bm25({FTS_TABLE}, %s, 1.0) FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s AND rowid = {TABLE}.id)",
            [TITLE_WEIGHT_SQLITE, _fts_query(self.terms, self.fts_joiner)],
            output_field=FloatField(),
        )
