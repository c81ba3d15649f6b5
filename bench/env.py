"""Start Django for the benchmark commands, on a database that is not the repository's own.

The commands target the database named by CRM_DATABASE_URL (PostgreSQL), or else the SQLite file
in CRM_DATA_DIR; CRM_DATA_DIR must be given either way (it also holds the secret key and the
cache) and must not be the checkout's var/.
"""

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def setup() -> None:
    data_dir = os.environ.get("CRM_DATA_DIR", "")
    if not data_dir:
        sys.exit(
            "Set CRM_DATA_DIR to a directory for the benchmark (for example /work/bench-data/sqlite), and "
            "CRM_DATABASE_URL for PostgreSQL: see docs/benchmarks.md."
        )
    if Path(data_dir).resolve() == (REPO / "var").resolve():
        sys.exit("CRM_DATA_DIR points at the checkout's var/: use a directory of its own for benchmark data.")
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "crm.settings"
    # The embedded scheduler would run the pool-return job over the data while it is measured.
    os.environ.setdefault("CRM_JOBS_SCHEDULER", "0")
    import django

    django.setup()


def describe_database() -> str:
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        return f"PostgreSQL {settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    return f"SQLite {settings['NAME']}"
