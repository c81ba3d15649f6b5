"""`crm backup [--output path]`: one archive with a consistent copy of the database (SQLite online
backup, or pg_dump) and the uploaded files (IMP-4)."""

from django.core.management.base import BaseCommand, CommandError

from crm.imports.services.backup import BackupError, backup_create, backups_prune


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one .tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="Archive path or directory (default: CRM_BACKUP_DIR)")
        parser.add_argument("--keep", type=int, help="Afterwards keep only this many archives in CRM_BACKUP_DIR")

    def handle(self, *args, output=None, keep=None, **options):
        try:
            path = backup_create(output=output)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"backup written: {path} ({path.stat().st_size} bytes)")
        if keep is not None:
            for name in backups_prune(keep=keep, directory=str(path.parent)):
                self.stdout.write(f"deleted old backup {name}")
