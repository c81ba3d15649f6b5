"""Shared by `crm worker` and `crm beat`: pass everything after the command name to Celery."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class CeleryCommand(BaseCommand):
    celery_command = ""
    default_args: tuple[str, ...] = ()

    def run_from_argv(self, argv):
        # `crm worker --concurrency 4 -Q reports` : Celery parses its own options.
        self._celery_args = argv[2:]
        super().run_from_argv(argv[:2])

    def add_arguments(self, parser):
        parser.add_argument("celery_args", nargs="*", help="Options passed on to Celery.")

    def handle(self, *args, celery_args=(), **options):
        if not settings.CELERY_BROKER_URL:
            raise CommandError(
                "CRM_REDIS_URL is not set. Without Redis the jobs run inside the web server (crm serve) "
                "and no Celery worker or beat is needed."
            )
        from crm.celery import app, beat_schedule

        app.conf.beat_schedule = beat_schedule()
        extra = list(getattr(self, "_celery_args", None) or celery_args)
        app.start([self.celery_command, *self.default_args, *extra])
