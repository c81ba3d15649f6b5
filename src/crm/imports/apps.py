from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "crm.imports"
    label = "imports"
    verbose_name = _("Data import and export")

    def ready(self) -> None:
        from crm.imports import permissions, types  # noqa: F401  (registrations)
