from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsoleConfig(AppConfig):
    """What the user works in and what admins run the system with: the menu, workbench and
    global search (fed by every app through crm.core's registries), the system settings, the
    audit log's pages and the `crm demo` command. It sits on top of every other app."""

    name = "crm.console"
    label = "console"
    verbose_name = _("Console")

    def ready(self) -> None:
        from crm.console import permissions  # noqa: F401  (registrations)
