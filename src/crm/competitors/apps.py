from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompetitorsConfig(AppConfig):
    name = "crm.competitors"
    label = "competitors"
    verbose_name = _("Competitors")

    def ready(self) -> None:
        from crm.competitors import permissions, search  # noqa: F401  (registrations)
