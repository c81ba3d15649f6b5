from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "crm.portal"
    label = "portal"
    verbose_name = _("Customer self-service portal")

    def ready(self) -> None:
        from crm.portal import extensions, receivers  # noqa: F401  (registrations)
