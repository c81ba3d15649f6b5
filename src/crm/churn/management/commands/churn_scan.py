"""crm churn_scan [--today YYYY-MM-DD] [--months N]: run the churn scan now and print its counts."""

import datetime
import json

from django.core.management.base import BaseCommand, CommandError

from crm.churn.scan import churn_scan
from crm.core import context


class Command(BaseCommand):
    help = "Warn of every customer whose last shipped or paid order is older than the threshold (CRM_CHURN_MONTHS)."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="The day to count from (YYYY-MM-DD); today by default.")
        parser.add_argument("--months", type=int, help="The threshold in months; CRM_CHURN_MONTHS by default.")

    def handle(self, *args, **options):
        today = None
        if options["today"]:
            try:
                today = datetime.date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError(f"--today: not a date YYYY-MM-DD: {options['today']!r}") from exc
        with context.acting("command"):
            result = churn_scan(today=today, months=options["months"])
        self.stdout.write(json.dumps(result, ensure_ascii=False))
