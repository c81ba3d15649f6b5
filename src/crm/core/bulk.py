"""Inserting many rows fast (imports, bulk handover, the timeline and audit rows they write).

Django's bulk_create prepares every value of every field through the full field machinery,
about 0.3 ms for a customer's fifty columns: too slow for 10,000 rows a second. `insert_rows`
gives the instances their primary keys first (a block from the sequence on PostgreSQL, the next
ids under SQLite's write lock) and then sends plain values: COPY on PostgreSQL, executemany on
SQLite (the two databases of ADR 0003). Only values the driver cannot take go through the field's
own get_db_prep_save (JSON, and on SQLite dates, times and decimals; JSON goes to COPY as its
text); everything else is sent as it is.

`new_row` makes unsaved instances without Model.__init__, which weighs each keyword against
every field and asks every field for its default (the customers' bulk writer uses it). Rows
nobody reads back (duplicate keys, timeline and audit events) need no instance at all:
`insert_values` takes them as tuples, and `insert_select` writes rows the database can select
itself (the churn scan's timeline and audit rows) without any of them passing through Python.
Inside `between_rows(work)`, insert_rows calls `work()` before each row it sends: an import reads
its next batch there (ADR 0015).
"""

import contextlib
import contextvars
import functools
import json
from collections.abc import Iterable, Sequence

from django.db import connections, models, router
from django.db.models.base import ModelState
from django.utils import timezone

# Values the driver cannot take as they are: psycopg adapts dates, times and decimals itself,
# SQLite's module needs Django's conversion for them too; JSON always needs it.
_CONVERTED_ALWAYS = (models.DateTimeField, models.DateField, models.TimeField, models.DecimalField, models.JSONField)
_CONVERTED = {"postgresql": (models.JSONField,)}
_between_rows = contextvars.ContextVar("crm_bulk_between_rows", default=None)


@functools.cache
def _layout(model) -> tuple[list, list, dict]:
    """(constant defaults, callable defaults, relations by name) of a model's concrete fields."""
    constants, callables, relations = [], [], {}
    for field in model._meta.concrete_fields:
        if getattr(field, "generated", False):
            continue  # the database computes it; unsaved instances have none, as Django's
        if field.has_default() and callable(field.default):
            callables.append((field.attname, field.default))
        else:
            constants.append((field.attname, field.get_default()))
        if field.is_relation:
            relations[field.name] = field.attname
    return constants, callables, relations


def new_row(model, **values):
    """An unsaved instance of `model` with `values` (related objects by field name, or ids by
    attribute name) and every other field's default; no signals are sent (pre_init, post_init)."""
    constants, callables, relations = _layout(model)
    obj = model.__new__(model)
    obj._state = ModelState()
    data = obj.__dict__
    data.update(constants)
    for attname, default in callables:
        data[attname] = default()
    for name, value in values.items():
        attname = relations.get(name)
        if attname is None:
            data[name] = value
        else:
            data[attname] = None if value is None else value.pk
            obj._state.fields_cache[name] = value
    return obj


def insert_rows(model, objects: list, *, batch_size: int = 5000, each=None) -> list:
    """Insert unsaved instances of `model`, setting their primary keys; returns them.

    `each(obj)` is called for every instance, its primary key set, just before its row is sent:
    work done there (a customer's search tokens, its derived rows) overlaps with the database
    taking the rows before it, instead of leaving the database idle while it runs; so does the
    work of an enclosing `between_rows`."""
    if not objects:
        return objects
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    fields = [field for field in meta.concrete_fields if not getattr(field, "generated", False)]
    now = timezone.now()
    stamps = [f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    for obj in objects:
        for field in stamps:
            if field.auto_now or getattr(obj, field.attname) is None:
                setattr(obj, field.attname, now)
    _assign_ids(connection, meta, objects)
    converters = [(field.attname, field if _needs(connection, field) else None) for field in fields]
    spare = _between_rows.get()

    def rows(chunk):
        for obj in chunk:
            if spare is not None:
                spare()
            if each is not None:
                each(obj)
            values = []
            for attname, field in converters:
                value = getattr(obj, attname)
                values.append(value if field is None else _prepared(connection, field, value))
            yield tuple(values)

    with connection.cursor() as cursor:
        for start in range(0, len(objects), batch_size):
            _send(cursor, connection, meta.db_table, fields, rows(objects[start : start + batch_size]))
    for obj in objects:
        obj._state.adding = False
        obj._state.db = connection.alias
    return objects


def insert_values(model, names: Sequence[str], rows: Iterable[Sequence], *, batch_size: int = 5000) -> int:
    """Insert rows given as plain values, one per attribute in `names` (`customer_id`, not
    `customer`), without making instances; returns how many. Every other column gets its default,
    worked out once per call (`now` for created_at); the primary key is the database's own."""
    connection = connections[router.db_for_write(model)]
    given, rest, suffix = _columns(connection, model, names)
    converting = [(position, field) for position, field in enumerate(given) if _needs(connection, field)]
    count = 0
    with connection.cursor() as cursor:
        for batch in _chunks(rows, batch_size):
            if converting:
                batch = [_converted(row, converting, connection) for row in batch]
            count += len(batch)
            _send(cursor, connection, model._meta.db_table, [*given, *rest], ((*row, *suffix) for row in batch))
    return count


def insert_select(
    model, names: Sequence[str], select: str, params: Sequence = (), *, values: dict | None = None
) -> int:
    """Insert the rows `select` (SQL) yields, one column per attribute in `names`, in order, within
    the database (INSERT … SELECT): no row travels through Python. `values` gives other columns one
    value for every row (by attribute name); every column left gets its default as in
    `insert_values`. Returns how many rows were inserted."""
    connection = connections[router.db_for_write(model)]
    values = values or {}
    given, rest, suffix = _columns(connection, model, [*names, *values])
    constants = [
        _prepared(connection, field, value) for field, value in zip(given[len(names) :], values.values(), strict=True)
    ]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in [*given, *rest])
    marks = "".join(", %s" for _value in [*constants, *suffix])
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) SELECT selected.*{marks} FROM ({select}) selected"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*constants, *suffix, *params])
        return cursor.rowcount


def _columns(connection, model, names: Sequence[str]) -> tuple[list, list, tuple]:
    """(the fields of `names`, every other column but the primary key, their defaults as the
    driver takes them): `now` for the automatic timestamps."""
    meta = model._meta
    fields = {field.attname: field for field in meta.concrete_fields if not getattr(field, "generated", False)}
    given = [fields[name] for name in names]
    now = timezone.now()
    rest, rest_values = [], []
    for attname, field in fields.items():
        if attname in names or field is meta.pk:
            continue
        rest.append(field)
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            rest_values.append(now)
        else:
            rest_values.append(field.get_default())
    suffix = tuple(_prepared(connection, field, value) for field, value in zip(rest, rest_values, strict=True))
    return given, rest, suffix


def rows_select(connection, columns: Sequence[tuple[str, str]], rows: Sequence[Sequence]) -> tuple[str, list]:
    """(SQL, params): a SELECT yielding `rows`, which Python has already, as the columns
    `columns` ((name, PostgreSQL type) pairs), for an INSERT … SELECT to read: sent as one array
    per column (PostgreSQL, unnest) or as one JSON text (SQLite, json_each), whatever their number."""
    names = [name for name, _kind in columns]
    if not all(name.isidentifier() for name in names):
        raise ValueError(f"not plain column names: {names!r}")
    if connection.vendor == "postgresql":
        arrays = ", ".join(f"%s::{kind}[]" for _name, kind in columns)
        values = [list(column) for column in zip(*rows, strict=True)] if rows else [[] for _column in columns]
        return f"SELECT * FROM unnest({arrays}) AS r({', '.join(names)})", values
    picks = ", ".join(f"json_extract(value, '$[{index}]') AS {name}" for index, name in enumerate(names))
    return f"SELECT {picks} FROM json_each(%s)", [json.dumps([list(row) for row in rows])]


def json_object_sql(connection, pairs: Iterable[tuple[str, str]]) -> str:
    """SQL building a JSON object in the database from (key, SQL expression) pairs; the keys are
    constants of our own code (letters, digits, underscores)."""
    items = []
    for key, expression in pairs:
        if not key.replace("_", "").isalnum():
            raise ValueError(f"not a plain JSON key: {key!r}")
        items.append(f"'{key}', {expression}")
    function = "jsonb_build_object" if connection.vendor == "postgresql" else "json_object"
    return f"{function}({', '.join(items)})"


def json_array_sql(connection, expressions: Iterable[str]) -> str:
    """SQL building a JSON array in the database from SQL expressions."""
    function = "jsonb_build_array" if connection.vendor == "postgresql" else "json_array"
    return f"{function}({', '.join(expressions)})"


def date_text_sql(connection, expression: str) -> str:
    """SQL for a date column as ISO text (YYYY-MM-DD), as `date.isoformat()` gives it: whatever
    PostgreSQL's DateStyle; SQLite keeps dates so already."""
    if connection.vendor == "postgresql":
        return f"to_char({expression}, 'YYYY-MM-DD')"
    return f"CAST({expression} AS TEXT)"


def _send(cursor, connection, table: str, fields: list, rows: Iterable[tuple]) -> None:
    """Rows of values for `fields` into `table`: COPY on PostgreSQL, executemany on SQLite. Rows
    are taken one at a time, so work done while producing them overlaps with the database's."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {quote(table)} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join("?" for _field in fields)
        cursor.cursor.executemany(f"INSERT INTO {quote(table)} ({columns}) VALUES ({marks})", rows)


def _chunks(rows: Iterable, size: int):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _needs(connection, field) -> bool:
    return isinstance(field, _CONVERTED.get(connection.vendor, _CONVERTED_ALWAYS))


def _prepared(connection, field, value):
    """A value as the driver takes it. JSON goes to COPY as its text (PostgreSQL parses it)."""
    if value is None or not _needs(connection, field):
        return value
    if connection.vendor == "postgresql" and isinstance(field, models.JSONField):
        return json.dumps(value, cls=field.encoder)
    return field.get_db_prep_save(value, connection)


def _converted(row: Sequence, converting: list, connection) -> list:
    values = list(row)
    for position, field in converting:
        values[position] = _prepared(connection, field, values[position])
    return values


def _assign_ids(connection, meta, objects: list) -> None:
    pk = meta.pk
    missing = [obj for obj in objects if getattr(obj, pk.attname) is None]
    if not missing:
        return
    table = meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [connection.ops.quote_name(table), pk.column, len(missing)],
            )
            ids = [row[0] for row in cursor.fetchall()]
        else:
            # Inside the write transaction (SQLite runs one writer at a time): the next free ids,
            # past any id AUTOINCREMENT has handed out before.
            quoted = connection.ops.quote_name
            cursor.execute(f"SELECT COALESCE(MAX({quoted(pk.column)}), 0) FROM {quoted(table)}")
            highest = cursor.fetchone()[0]
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_sequence'")
            if cursor.fetchone():
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                row = cursor.fetchone()
                highest = max(highest, row[0] if row else 0)
            ids = list(range(highest + 1, highest + 1 + len(missing)))
    for obj, value in zip(missing, ids, strict=True):
        setattr(obj, pk.attname, value)


@contextlib.contextmanager
def between_rows(work):
    """Inside: insert_rows calls `work()` before each row it sends, while the database takes the
    rows before (on this thread only)."""
    token = _between_rows.set(work)
    try:
        yield
    finally:
        _between_rows.reset(token)
