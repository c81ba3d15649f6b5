from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    name = "crm.service"
    label = "service"
    verbose_name = _("Customer service")

    def ready(self) -> None:
        from crm.service import charts, extensions, permissions  # noqa: F401  (registrations)
