"""Backup and restore (IMP-4, NFR-3): one archive (.tar.gz) with a consistent copy of the
database, the uploaded files (MEDIA_ROOT) and a manifest.

- SQLite: the online backup API copies the database page by page while the CRM keeps running;
  the copy is consistent (a snapshot of one moment).
- PostgreSQL: pg_dump in its custom format (one transaction, so consistent too), restored with
  pg_restore.

A restore goes into an empty database only (a fresh installation, migrated or not): anything
else is refused unless forced, since it replaces the whole database.
"""

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from importlib import metadata
from pathlib import Path

import django
from django.conf import settings
from django.db import connections
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.core.errors import Conflict, ValidationFailed
from crm.imports import conf
from crm.imports.models import ExportJob

FORMAT = 1
PREFIX = "crm-backup-"
SUFFIX = ".tar.gz"
MANIFEST = "manifest.json"
SKIPPED_MEDIA = ("exports",)  # temporary files, remade on demand


class BackupError(Exception):
    pass


def _connection(alias: str = "default"):
    connection = connections[alias]
    connection.ensure_connection()
    return connection


def is_in_memory(alias: str = "default") -> bool:
    connection = connections[alias]
    name = str(connection.settings_dict.get("NAME") or "")
    return connection.vendor == "sqlite" and (name == ":memory:" or "mode=memory" in name or name == "")


def _pg_environment(settings_dict: dict) -> tuple[list[str], dict]:
    args = []
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    environment = {**os.environ}
    if settings_dict.get("PASSWORD"):
        environment["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return args, environment


def _run(command: list[str], environment: dict) -> None:
    try:
        finished = subprocess.run(  # noqa: S603  (pg_dump/pg_restore with arguments from the settings)
            command, env=environment, capture_output=True, text=True, timeout=6 * 3600
        )
    except FileNotFoundError as exc:
        raise BackupError(
            _("%(program)s was not found: install the PostgreSQL client.") % {"program": command[0]}
        ) from exc
    if finished.returncode != 0:
        raise BackupError(finished.stderr.strip()[-2000:] or f"{command[0]} exited with {finished.returncode}")


def _dump_database(directory: Path, alias: str) -> tuple[str, str]:
    connection = _connection(alias)
    if connection.vendor == "sqlite":
        target = directory / "database.sqlite3"
        destination = sqlite3.connect(target)
        try:
            with connection.cursor():  # the Django connection is open
                connection.connection.backup(destination)
        finally:
            destination.close()
        return "sqlite", target.name
    if connection.vendor == "postgresql":
        target = directory / "database.dump"
        args, environment = _pg_environment(connection.settings_dict)
        _run(
            [
                shutil.which("pg_dump") or "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file",
                str(target),
                *args,
                "--dbname",
                str(connection.settings_dict["NAME"]),
            ],
            environment,
        )
        return "postgresql", target.name
    raise BackupError(_("Backups support SQLite and PostgreSQL only."))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _migrations(alias: str) -> dict:
    with _connection(alias).cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
        latest: dict[str, str] = {}
        for app, name in cursor.fetchall():
            latest[app] = name
    return latest


def _counts(alias: str) -> dict:
    counts = {}
    with _connection(alias).cursor() as cursor:
        for label, table in (
            ("users", "identity_user"),
            ("customers", "customers_customer"),
            ("contacts", "customers_contact"),
        ):
            try:
                cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608  (constant table names)
                counts[label] = cursor.fetchone()[0]
            except Exception:  # a table a partial installation lacks
                counts[label] = None
    return counts


def _media_filter(info: tarfile.TarInfo):
    parts = Path(info.name).parts
    if len(parts) > 1 and parts[1] in SKIPPED_MEDIA:
        return None
    return info


def backup_create(*, output: str | None = None, alias: str = "default") -> Path:
    """Write the archive; returns its path (default: CRM_BACKUP_DIR/crm-backup-<time>.tar.gz)."""
    if is_in_memory(alias):
        raise BackupError(_("An in-memory database cannot be backed up."))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    target = Path(output) if output else Path(conf.backup_dir()) / f"{PREFIX}{stamp}{SUFFIX}"
    if target.is_dir():
        target = target / f"{PREFIX}{stamp}{SUFFIX}"
    target.parent.mkdir(parents=True, exist_ok=True)
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="crm-backup-") as scratch:
        directory = Path(scratch)
        engine, database_file = _dump_database(directory, alias)
        media_files = sum(1 for path in media.rglob("*") if path.is_file()) if media.is_dir() else 0
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "engine": engine,
            "database_file": database_file,
            "database_sha256": _sha256(directory / database_file),
            "crm_version": _version(),
            "django_version": django.get_version(),
            "migrations": _migrations(alias),
            "counts": _counts(alias),
            "media_files": media_files,
        }
        partial = target.with_name(target.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            payload = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(payload), int(datetime.datetime.now().timestamp())
            archive.addfile(info, io.BytesIO(payload))
            archive.add(directory / database_file, arcname=database_file)
            if media.is_dir():
                archive.add(media, arcname="media", filter=_media_filter)
        partial.replace(target)  # a half-written archive never has the final name
    return target


def _version() -> str:
    try:
        return metadata.version("crm")
    except metadata.PackageNotFoundError:
        return ""


def read_manifest(archive_path: str) -> dict:
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            member = archive.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            manifest = json.loads(member.read(1 << 20).decode("utf-8"))  # a manifest is a few KB
    except (OSError, tarfile.TarError, KeyError, ValueError) as exc:
        raise ValidationFailed(_("This is not a backup of the CRM (no manifest).")) from exc
    if manifest.get("format") != FORMAT:
        raise ValidationFailed(_("This backup was made by a version of the CRM this one cannot restore."))
    return manifest


def database_is_empty(alias: str = "default") -> bool:
    """No CRM tables yet, or tables without users and customers (a fresh `crm migrate`)."""
    connection = _connection(alias)
    tables = set(connection.introspection.table_names())
    if "identity_user" not in tables:
        return True
    with connection.cursor() as cursor:
        for table in ("identity_user", "customers_customer"):
            if table in tables:
                cursor.execute(f"SELECT 1 FROM {table} LIMIT 1")  # noqa: S608  (constant table names)
                if cursor.fetchone():
                    return False
    return True


def backup_restore(*, archive: str, force: bool = False, alias: str = "default") -> dict:
    """Bring an archive back: the database replaced by the backup's, its files into MEDIA_ROOT."""
    manifest = read_manifest(archive)
    connection = _connection(alias)
    if manifest["engine"] != connection.vendor:
        raise ValidationFailed(
            _("The backup is of a %(backup)s database; this CRM uses %(current)s.")
            % {"backup": manifest["engine"], "current": connection.vendor}
        )
    if not force and not database_is_empty(alias):
        raise Conflict(
            _("The database is not empty: restore into a new, empty database (or use --force to replace it)."),
            code="not_empty",
        )
    with tempfile.TemporaryDirectory(prefix="crm-restore-") as scratch:
        directory = Path(scratch)
        with tarfile.open(archive, "r:gz") as tar:
            unpacked = sum(member.size for member in tar.getmembers())
            if unpacked > shutil.disk_usage(directory).free:  # before writing anything: a bomb fills no disk
                raise ValidationFailed(
                    _("The backup unpacks to %(size)s, more than the free disk space.")
                    % {"size": filesizeformat(unpacked)}
                )
            tar.extractall(directory, filter="data")
        database_file = directory / manifest["database_file"]
        if _sha256(database_file) != manifest.get("database_sha256"):
            raise ValidationFailed(_("The backup is damaged: its database does not match its checksum."))
        if connection.vendor == "sqlite":
            _restore_sqlite(connection, database_file)
        else:
            _restore_postgresql(connection, database_file)
        media = directory / "media"
        restored_files = 0
        if media.is_dir():
            target = Path(settings.MEDIA_ROOT)
            for path in media.rglob("*"):
                if path.is_file():
                    destination = target / path.relative_to(media)
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(path, destination)
                    restored_files += 1
    _drop_exports_left_behind()
    return {"engine": manifest["engine"], "counts": manifest.get("counts", {}), "media_files": restored_files}


def _drop_exports_left_behind() -> None:
    """Export files are not backed up (SKIPPED_MEDIA): their jobs go too, so none is offered
    for download that cannot be; the user exports again."""
    for job in ExportJob.objects.exclude(file=""):
        if not job.file.storage.exists(job.file.name):
            job.delete()


def _restore_sqlite(connection, database_file: Path) -> None:
    name = str(connection.settings_dict["NAME"])
    connection.close()
    source = sqlite3.connect(database_file)
    destination = sqlite3.connect(name)
    try:
        source.backup(destination)
    finally:
        source.close()
        destination.close()


def _restore_postgresql(connection, database_file: Path) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA IF EXISTS public CASCADE")
        cursor.execute("CREATE SCHEMA public")
    connection.close()
    args, environment = _pg_environment(connection.settings_dict)
    _run(
        [
            shutil.which("pg_restore") or "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            *args,
            "--dbname",
            str(connection.settings_dict["NAME"]),
            str(database_file),
        ],
        environment,
    )


def backups_prune(*, keep: int | None = None, directory: str | None = None) -> list[str]:
    """Delete the oldest archives in the backup directory beyond the newest `keep`."""
    keep = conf.backup_keep() if keep is None else keep
    folder = Path(directory or conf.backup_dir())
    if keep < 1 or not folder.is_dir():
        return []
    archives = sorted(folder.glob(f"{PREFIX}*{SUFFIX}"), key=lambda p: p.name, reverse=True)
    removed = []
    for path in archives[keep:]:
        path.unlink(missing_ok=True)
        removed.append(path.name)
    return removed


def backup_scheduled() -> dict:
    """The scheduled backup: an archive in CRM_BACKUP_DIR, then the oldest beyond CRM_BACKUP_KEEP go."""
    if conf.backup_keep() < 1:
        return {"skipped": "CRM_BACKUP_KEEP=0"}
    if is_in_memory():
        return {"skipped": "in-memory database"}
    if getattr(settings, "CRM_JOBS_BACKEND", "") == "eager":
        # The test suite's backend: its scheduler tests run every due job, and a backup of the
        # test database into the project's var/backups helps nobody.
        return {"skipped": "test suite"}
    path = backup_create()
    return {"file": str(path), "bytes": path.stat().st_size, "deleted": backups_prune()}
