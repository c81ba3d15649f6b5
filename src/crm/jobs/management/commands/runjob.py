"""`crm runjob <name>`: run one background job now, in this process, and print the outcome."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from crm.core import context
from crm.core.errors import DomainError
from crm.jobs import registry
from crm.jobs.models import JobRunStatus
from crm.jobs.services import job_run_sync


class Command(BaseCommand):
    help = "Run a background job synchronously; exit code 1 when it fails. --list shows the jobs."

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", help="Job name, e.g. system.cleanup")
        parser.add_argument("--kwargs", default="{}", help="Job arguments as a JSON object, e.g. '{\"days\": 30}'")
        parser.add_argument("--list", action="store_true", help="List the registered jobs.")

    def handle(self, *args, name=None, kwargs="{}", list=False, **options):
        if list or not name:
            for entry in registry.all_jobs():
                self.stdout.write(f"{entry.name}\t{entry.label}")
            if not name:
                return
        try:
            arguments = json.loads(kwargs)
        except json.JSONDecodeError as exc:
            raise CommandError(f"--kwargs is not JSON: {exc}") from exc
        try:
            with context.acting("command"):
                run = job_run_sync(name=name, kwargs=arguments)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        duration = f"{run.duration.total_seconds():.2f}s" if run.duration else "-"
        self.stdout.write(f"run {run.pk} {run.job}: {run.status} in {duration}")
        if run.result is not None:
            self.stdout.write(json.dumps(run.result, ensure_ascii=False, cls=DjangoJSONEncoder))
        if run.status != JobRunStatus.SUCCEEDED:
            self.stderr.write(run.error)
            raise SystemExit(1)
