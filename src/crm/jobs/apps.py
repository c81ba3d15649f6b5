from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "crm.jobs"
    label = "jobs"
    verbose_name = _("Background jobs")

    def ready(self) -> None:
        from crm.jobs import builtin, permissions  # noqa: F401  (registrations)

        # Every app's jobs register with @job in its tasks.py or jobs.py module.
        autodiscover_modules("tasks", "jobs")
