from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "crm.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from crm.customers import (  # noqa: F401  (registrations)
            approval_types,
            charts,
            panels,
            permissions,
            receivers,
            sections,
        )
