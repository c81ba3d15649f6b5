"""`crm serve`: the production-grade web server of the embedded setup (gunicorn, in-process).

    crm serve --bind 0.0.0.0:8000 --workers 2 --threads 8

It refuses to start on a database that is not migrated (`crm migrate`). Static files are served
by whitenoise from settings.STATIC_ROOT (in the Python environment, not the data directory); the
server collects them first when they are missing or older than their sources (a new installation,
an upgrade), or refuses to start if it cannot (ADR 0016). When settings.CRM_JOBS_SCHEDULER is on
(the default without Redis) every gunicorn worker starts the embedded job scheduler; several
schedulers are harmless, since each schedule slot is claimed once in the database. Jobs started
from the web run in a background thread of the worker process that started them
(CRM_JOBS_BACKEND "thread").
"""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.servers.basehttp import get_internal_wsgi_application
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from gunicorn.app.base import BaseApplication


def post_worker_init(worker) -> None:
    from crm.jobs.scheduler import start_scheduler

    start_scheduler()


def static_files_outdated() -> bool:
    """Are the collected static files missing, or older than one of their sources?"""
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.exists():
        return True
    collected = manifest.stat().st_mtime
    return any(
        Path(storage.path(path)).stat().st_mtime > collected
        for finder in get_finders()
        for path, storage in finder.list(["CVS", ".*", "*~"])
    )


class CrmServer(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key, value)

    def load(self):
        return get_internal_wsgi_application()


class Command(BaseCommand):
    help = "Serve the CRM with gunicorn (and, without Redis, run the scheduled jobs)."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000", help="Address to listen on (127.0.0.1:8000).")
        parser.add_argument("--workers", type=int, default=1, help="Worker processes (1).")
        parser.add_argument("--threads", type=int, default=8, help="Threads per worker (8).")
        parser.add_argument("--timeout", type=int, default=60, help="Seconds before a stuck request is killed.")
        parser.add_argument(
            "--worker-connections", type=int, default=None,
            help="Open connections a worker takes at most before leaving new ones to the others (gunicorn's 1000).",
        )
        parser.add_argument("--access-log", action="store_true", help="Log every request to standard output.")

    def handle(self, *args, bind, workers, threads, timeout, access_log, worker_connections, **options):
        executor = MigrationExecutor(connections["default"])
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("The database is not migrated to this version of the CRM: run `crm migrate` first.")
        if static_files_outdated():
            self.stdout.write(f"Collecting static files into {settings.STATIC_ROOT} …")
            try:
                call_command("collectstatic", interactive=False, verbosity=0)
            except OSError as exc:
                raise CommandError(
                    f"The static files in {settings.STATIC_ROOT} are missing or out of date and cannot be collected "
                    f"there ({exc}). Run `crm collectstatic` as a user who may write there, or set CRM_STATIC_ROOT."
                ) from exc
        scheduler = bool(getattr(settings, "CRM_JOBS_SCHEDULER", False))
        self.stdout.write(
            f"Serving on http://{bind} ({workers} worker(s) x {threads} threads); jobs: "
            f"{settings.CRM_JOBS_BACKEND}, embedded scheduler: {'on' if scheduler else 'off'}"
        )
        options = {
            "bind": bind,
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "timeout": timeout,
            "worker_connections": worker_connections,
            "graceful_timeout": 20,
            "accesslog": "-" if access_log else None,
            "errorlog": "-",
            "proc_name": "crm",
            "control_socket_disable": True,
            "post_worker_init": post_worker_init if scheduler else None,
        }
        # The workers open their own database connections after the fork.
        connections.close_all()
        CrmServer(options).run()
