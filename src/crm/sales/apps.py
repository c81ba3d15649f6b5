from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "crm.sales"
    label = "sales"
    verbose_name = _("Payments and invoices")

    def ready(self) -> None:
        from crm.sales import approval_types, extensions, permissions  # noqa: F401  (registrations)
