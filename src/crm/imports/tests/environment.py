"""A CRM installation of its own for tests that run `crm` in other processes (kill a worker,
back up and restore): a data directory, and a database that is a real file (SQLite) or a real
PostgreSQL database when the suite runs on PostgreSQL (CRM_DATABASE_URL)."""

import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

CRM = str(Path(sys.executable).with_name("crm"))
SETUP = """
from crm.identity.models import User
from crm.customers.seeding import seed_all
seed_all()
admin = User(username="admin", name="管理员", is_superuser=True, is_staff=True)
admin.set_password("crm-demo")
admin.save()
"""


def postgres_url() -> str | None:
    url = os.environ.get("CRM_DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def _pg_admin(url: str):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)


class Installation:
    """`crm` with its own settings: CRM_DATA_DIR, CRM_MEDIA_ROOT and the database."""

    def __init__(self, root: Path, database_url: str | None = None):
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)
        self.database_url = database_url
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "crm.settings",
            "CRM_DATA_DIR": str(root),
            "CRM_MEDIA_ROOT": str(root / "media"),
            "CRM_SECRET_KEY": "test-installation-key",
            "CRM_LOG_LEVEL": "WARNING",
            "CRM_JOBS_SCHEDULER": "0",
        }
        self.env.pop("CRM_REDIS_URL", None)
        if database_url:
            self.env["CRM_DATABASE_URL"] = database_url
        else:
            self.env.pop("CRM_DATABASE_URL", None)

    @property
    def sqlite_path(self) -> Path:
        return self.root / "crm.sqlite3"

    def crm(self, *args, check=True, timeout=600, env=None) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [CRM, *args], env={**self.env, **(env or {})}, capture_output=True, text=True, timeout=timeout
        )
        if check and result.returncode != 0:
            raise AssertionError(f"crm {' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
        return result

    def popen(self, *args, env=None) -> subprocess.Popen:
        return subprocess.Popen(
            [CRM, *args],
            env={**self.env, **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )

    def query(self, sql: str, params=()) -> list[tuple]:
        """Read the installation's database directly (not through the process under test)."""
        if self.database_url:
            import psycopg

            with psycopg.connect(self.database_url) as connection:
                if not params:
                    return connection.execute(sql).fetchall()
                return connection.execute(sql.replace("?", "%s"), params).fetchall()
        connection = sqlite3.connect(f"file:{self.sqlite_path}?mode=ro", uri=True, timeout=30)
        try:
            return connection.execute(sql, params).fetchall()
        finally:
            connection.close()

    def scalar(self, sql: str, params=()):
        return self.query(sql, params)[0][0]


class Factory:
    """Makes installations; the first one is migrated and set up, the others are copies of it."""

    def __init__(self, base: Path):
        self.base = base
        self.template: Installation | None = None
        self.databases: list[str] = []

    def _new_database(self, template: str | None = None) -> str | None:
        url = postgres_url()
        if not url:
            return None
        name = f"crm_imports_{uuid.uuid4().hex[:10]}"
        with _pg_admin(url) as admin:
            admin.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        self.databases.append(name)
        return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))

    def migrated(self) -> "Installation":
        if self.template is None:
            installation = Installation(self.base / "template", self._new_database())
            installation.crm("migrate", "--noinput", "-v", "0", timeout=900)
            installation.crm("shell", "-c", SETUP)
            self.template = installation
        copy = Installation(self.base / uuid.uuid4().hex[:8], None)
        if self.template.database_url:
            template_name = urlsplit(self.template.database_url).path.lstrip("/")
            copy = Installation(copy.root, self._new_database(template=template_name))
        else:
            shutil.copy2(self.template.sqlite_path, copy.sqlite_path)
        return copy

    def empty(self) -> "Installation":
        return Installation(self.base / uuid.uuid4().hex[:8], self._new_database())

    def close(self) -> None:
        url = postgres_url()
        if not url:
            return
        with _pg_admin(url) as admin:
            for name in self.databases:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
