from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesAdminConfig(AppConfig):
    name = "crm.salesadmin"
    label = "salesadmin"
    verbose_name = _("Sales administration")

    def ready(self) -> None:
        from crm.salesadmin import approval_types, jobs, panels, permissions  # noqa: F401  (registrations)
