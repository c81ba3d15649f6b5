"""Django's SQLite backend with one difference: an integer beyond SQLite's 64 bits in a query is
sent as a float, so `id = 99999999999999999999999` finds nothing (as on PostgreSQL, which
compares it as a numeric) instead of raising OverflowError, a 500, wherever a number from a
request reaches a query: filters, ids in URLs, choices, the API's related fields."""

from django.db.backends.sqlite3 import base

_BOUND = 2**63


def _beyond(value) -> bool:
    return type(value) is int and not -_BOUND <= value < _BOUND


class CursorWrapper(base.SQLiteCursorWrapper):
    def execute(self, query, params=None):
        if isinstance(params, list | tuple) and any(_beyond(value) for value in params):
            params = [float(value) if _beyond(value) else value for value in params]
        return super().execute(query, params)


class DatabaseWrapper(base.DatabaseWrapper):
    def create_cursor(self, name=None):
        return self.connection.cursor(factory=CursorWrapper)
