from django.utils.translation import gettext_lazy as _

from crm.access.registry import Resource, register
from crm.core.navigation import MenuItem, register_item

register(Resource(code="audit.event", label=_("Audit log"), model="audit.AuditEvent", actions=("view",)))
register_item("system", MenuItem(_("Audit log"), "audit:event_list", "journal-text", "audit.event.view", 60))
