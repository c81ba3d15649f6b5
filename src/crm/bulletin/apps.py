from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulletinConfig(AppConfig):
    name = "crm.bulletin"
    label = "bulletin"
    verbose_name = _("Announcements and know-how")

    def ready(self) -> None:
        from crm.bulletin import panels, permissions  # noqa: F401  (registrations)
