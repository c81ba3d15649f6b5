from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "crm.identity"
    label = "identity"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from crm.identity import permissions  # noqa: F401  (registrations)
