"""`crm restore <archive>`: bring a backup back into an empty database (IMP-4)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from crm.core.errors import DomainError
from crm.imports.services.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore a backup made by `crm backup` into an empty database (refused otherwise, unless --force)."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The .tar.gz written by crm backup")
        parser.add_argument("--force", action="store_true", help="Replace a database that is not empty")
        parser.add_argument("--no-migrate", action="store_true", help="Do not bring the schema up to date afterwards")

    def handle(self, *args, archive, force=False, no_migrate=False, **options):
        try:
            result = backup_restore(archive=archive, force=force)
        except (DomainError, BackupError) as exc:
            raise CommandError(str(getattr(exc, "message", exc))) from exc
        counts = ", ".join(f"{name} {count}" for name, count in result["counts"].items())
        self.stdout.write(f"restored {result['engine']} database ({counts}) and {result['media_files']} files")
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
            self.stdout.write("schema up to date")
