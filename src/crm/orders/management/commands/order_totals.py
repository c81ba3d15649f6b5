"""crm order_totals: compute every customer's order totals anew from the orders (ADR 0026)."""

import time

from django.core.management.base import BaseCommand

from crm.core import context
from crm.orders import totals


class Command(BaseCommand):
    help = "Recount each customer's total of shipped and paid orders per year, for the contribution report."

    def handle(self, *args, **options):
        started = time.monotonic()
        with context.acting("command"):
            customers = totals.rebuild()
        self.stdout.write(f"{customers} customers with orders, {time.monotonic() - started:.1f} s")
