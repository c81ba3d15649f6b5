"""Approval flows are designed by administrators (审批流设置); the inbox is everyone's: what a user
may see and do there follows from being in an approval's chain, not from a role."""

from django.utils.translation import gettext_lazy as _

from crm.access.registry import Resource, register
from crm.core.navigation import MenuItem, register_item

FLOW = "approvals.flow"

register(Resource(code=FLOW, label=_("Approval flows"), model="approvals.Flow"))

register_item("home", MenuItem(_("Approvals"), "approvals:inbox", "check2-square", None, 20))
register_item("system", MenuItem(_("Approval flows"), "approvals:flows", "diagram-3", f"{FLOW}.view", 45))
