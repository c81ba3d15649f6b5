"""`crm export <type> <file> --as <username>`: export as a user, with their scope and field rules
(IMP-2, ORG-6); audited like every export."""

import os

from django.core.management.base import BaseCommand, CommandError

from crm.core import context
from crm.core.errors import DomainError
from crm.identity.models import User
from crm.imports.services import exports as service


class Command(BaseCommand):
    help = "Export customers to an XLSX or CSV file as a user (their export right, data scope and field rules apply)."

    def add_arguments(self, parser):
        parser.add_argument("record_type", help="What to export, e.g. customers")
        parser.add_argument("file", help="The file to write; .csv or .xlsx")
        parser.add_argument("--as", dest="username", required=True, help="Export as this user")
        parser.add_argument("--format", choices=["csv", "xlsx"], help="Default: from the file name")
        parser.add_argument("--filter", default="", help='The list\'s filters as a query string, e.g. "level=3&q=华信"')

    def handle(self, *args, record_type, file, username, format=None, filter="", **options):
        user = User.objects.filter(username=username).first()
        if user is None or not user.is_active:
            raise CommandError(f"no active user {username!r}")
        fmt = format or os.path.splitext(file)[1].lstrip(".").lower() or "xlsx"
        with context.acting("command"):
            try:
                exported = service.export_now(actor=user, record_type=record_type, params=filter, fmt=fmt)
            except DomainError as exc:
                raise CommandError(str(exc.message)) from exc
        with open(file, "wb") as handle:
            handle.write(exported.content)
        self.stdout.write(f"exported {exported.rows} rows to {os.path.abspath(file)}")
