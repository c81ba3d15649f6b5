"""Function permissions of the core app."""

from django.utils.translation import gettext_lazy as _

from crm.access.registry import Resource, register
from crm.core.navigation import MenuItem, register_item

register(
    Resource(
        code="core.settings",
        label=_("System settings"),
        model="core.SystemSettings",
        actions=("view", "edit"),
    )
)
register_item("system", MenuItem(_("System settings"), "core:settings", "gear", "core.settings.edit", 90))
