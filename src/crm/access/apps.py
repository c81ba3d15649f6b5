from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "crm.access"
    label = "access"
    verbose_name = _("Access control")

    def ready(self) -> None:
        from crm.access import permissions, signals  # noqa: F401  (registrations)
