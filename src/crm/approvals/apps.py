from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "crm.approvals"
    label = "approvals"
    verbose_name = _("Approvals")

    def ready(self) -> None:
        from crm.approvals import panels, permissions, receivers  # noqa: F401  (registrations)
