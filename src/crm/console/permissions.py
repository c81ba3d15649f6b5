"""Function permissions of the system pages (their codes keep the names roles already hold)."""

from django.utils.translation import gettext_lazy as _

from crm.access.registry import Resource, register
from crm.core.navigation import MenuItem, register_item

register(
    Resource(code="core.settings", label=_("System settings"), model="core.SystemSettings", actions=("view", "edit"))
)
register(Resource(code="audit.event", label=_("Audit log"), model="audit.AuditEvent", actions=("view",)))
register_item("system", MenuItem(_("Audit log"), "console:audit_list", "journal-text", "audit.event.view", 60))
register_item("system", MenuItem(_("System settings"), "console:settings", "gear", "core.settings.edit", 90))
