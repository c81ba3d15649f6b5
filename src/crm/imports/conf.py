"""The import/export app's settings: Django settings of the same name win, else CRM_* variables.

| setting | default | meaning |
| --- | --- | --- |
| CRM_IMPORT_BATCH_SIZE | 5000 (SQLite 1000) | rows written (and checkpointed) per transaction |
| CRM_IMPORT_INLINE_ROWS | 2000 | files up to this many rows import within the request; larger ones in the background |
| CRM_IMPORT_STALE_SECONDS | 120 | a running import silent for this long is taken for dead and resumed |
| CRM_IMPORT_KEEP_DAYS | 30 | uploaded files and rejects of finished imports are deleted after this |
| CRM_IMPORT_MAX_BYTES | 512 MB | the largest file read, and the most an XLSX may unpack to |
| CRM_IMPORT_MAX_ROWS / CRM_IMPORT_MAX_COLUMNS | 1,000,000 / 100 | the most rows and columns a file may have |
| CRM_EXPORT_INLINE_ROWS | 5000 | larger exports run in the background |
| CRM_EXPORT_KEEP_DAYS | 7 | background export files are kept this long |
| CRM_BACKUP_DIR | <data dir>/backups | where `crm backup` and the scheduled backup write |
| CRM_BACKUP_KEEP | 7 | scheduled backups kept (the oldest are deleted); 0 turns the schedule off |
"""

from django.conf import settings

from crm.settings.env import env_int, env_str


def _int(name: str, default: int) -> int:
    value = getattr(settings, name, None)
    return int(value) if value is not None else env_int(name, default)


def batch_size() -> int:
    """PostgreSQL imports fastest in big transactions (5000 rows: 28 s for 100,000 against 33 s
    at 1000, docs/benchmarks.md); SQLite holds its one write lock for a whole transaction, so
    other users' saves wait less behind smaller ones."""
    from django.db import connection

    return max(1, _int("CRM_IMPORT_BATCH_SIZE", 5000 if connection.vendor == "postgresql" else 1000))


def inline_rows() -> int:
    return _int("CRM_IMPORT_INLINE_ROWS", 2000)


def stale_seconds() -> int:
    return _int("CRM_IMPORT_STALE_SECONDS", 120)


def import_keep_days() -> int:
    return _int("CRM_IMPORT_KEEP_DAYS", 30)


def import_max_bytes() -> int:
    return _int("CRM_IMPORT_MAX_BYTES", 512 * 1024 * 1024)


def import_max_rows() -> int:
    return _int("CRM_IMPORT_MAX_ROWS", 1_000_000)


def import_max_columns() -> int:
    return _int("CRM_IMPORT_MAX_COLUMNS", 100)


def export_inline_rows() -> int:
    return _int("CRM_EXPORT_INLINE_ROWS", 5000)


def export_keep_days() -> int:
    return _int("CRM_EXPORT_KEEP_DAYS", 7)


def backup_dir() -> str:
    value = getattr(settings, "CRM_BACKUP_DIR", None) or env_str("CRM_BACKUP_DIR")
    return str(value) if value else str(settings.DATA_DIR / "backups")


def backup_keep() -> int:
    return _int("CRM_BACKUP_KEEP", 7)
