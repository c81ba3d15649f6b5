from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "crm.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from crm.core.extensions import register_panel
        from crm.notifications.panels import panel

        register_panel(panel)
