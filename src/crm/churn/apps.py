from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChurnConfig(AppConfig):
    name = "crm.churn"
    label = "churn"
    verbose_name = _("Churn management")

    def ready(self) -> None:
        from crm.churn import extensions, permissions  # noqa: F401  (registrations)
