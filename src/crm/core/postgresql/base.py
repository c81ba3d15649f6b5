"""Django's PostgreSQL backend reading `timestamptz` with psycopg's own loader, written in C, when
the session's time zone is UTC (as Django sets it with USE_TZ and no database TIME_ZONE).

Django registers a loader of its own, a Python subclass of psycopg's Python loader, only to put
its UTC on each value; psycopg's C loader already gives `datetime.timezone.utc` in a UTC session.
Django's loader costs about 2.3 µs a value, psycopg's 0.4: a page of 20 customers holds some 120
times, a tenth of the list API's time beyond the framework floor (docs/benchmarks.md, issue 19).
In any other time zone, and for Django without psycopg 3, Django's own way stands."""

import datetime

from django.db.backends.postgresql import base
from django.db.backends.postgresql.psycopg_any import is_psycopg3, register_tzloader

if is_psycopg3:
    from psycopg import adapt, adapters
    from psycopg.pq import Format

    _TIMESTAMPTZ = adapters.types["timestamptz"].oid
    _LOADER = adapters.get_loader(_TIMESTAMPTZ, Format.TEXT)  # the C one where psycopg[binary] is installed


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self):
        params = super().get_connection_params()
        if self._reads_utc_natively:
            context = adapt.AdaptersMap(params["context"])
            context.register_loader(_TIMESTAMPTZ, _LOADER)
            params["context"] = context
        return params

    @property
    def _reads_utc_natively(self) -> bool:
        return is_psycopg3 and self.timezone is datetime.UTC and self.timezone_name == "UTC"

    def create_cursor(self, name=None):
        if not is_psycopg3 or self.connection.adapters.get_loader(_TIMESTAMPTZ, Format.TEXT) is not _LOADER:
            return super().create_cursor(name)
        # Django's own, but for its check of the connection's loader against `self.timezone`: the C
        # loader has no `timezone` to compare, and reads UTC in this session.
        if not name:
            cursor = self.connection.cursor()
        elif self.settings_dict["OPTIONS"].get("server_side_binding") is not True:
            cursor = base.ServerSideCursor(
                self.connection, name=name, scrollable=False, withhold=self.connection.autocommit
            )
        else:
            cursor = self.connection.cursor(name, scrollable=False, withhold=self.connection.autocommit)
        if not self._reads_utc_natively:  # the settings changed since the connection was made (tests)
            register_tzloader(self.timezone, cursor)
        return cursor
