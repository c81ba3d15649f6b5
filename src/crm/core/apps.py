from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "crm.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from crm.core import navigation, permissions  # noqa: F401  (registrations)
        from crm.core.api import schema  # noqa: F401  (OpenAPI extension)
