"""`crm demo`: load the demo company. Idempotent: running it again adds nothing twice."""

from django.core.management.base import BaseCommand
from django.db import transaction

from crm.core import context
from crm.core.demo import loaders


class Command(BaseCommand):
    help = "Load the demo company (idempotent) and print the demo logins."

    def handle(self, *args, **options):
        with context.acting("command"):
            for loader in loaders():
                with transaction.atomic():
                    loader.load(lambda text: self.stdout.write(f"  {text}"))
        from crm.identity.demo import DEMO_LOGINS, DEMO_PASSWORD

        self.stdout.write(self.style.SUCCESS(f"Demo logins (password: {DEMO_PASSWORD}):"))
        for username, label in DEMO_LOGINS:
            self.stdout.write(f"  {username:<12} {label}")
