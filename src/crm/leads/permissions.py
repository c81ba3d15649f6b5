"""Resources and menu entries of the leads app."""

from django.utils.translation import gettext_lazy as _

from crm.access.registry import Resource, register
from crm.core.navigation import MenuItem, register_item

LEAD = "leads.lead"
SETTINGS = "leads.settings"

register(
    Resource(
        code=LEAD,
        label=_("Leads"),
        model="leads.Lead",
        actions=("view", "create", "edit", "delete", "export", "assign", "claim", "convert"),
        # Seen by its owner and its creator (and up their departments); pool leads by whoever may claim.
        owner_fields=("owner", "created_by"),
        handover_fields=("owner",),
        protected_fields={"mobile": "phone", "phone": "phone", "email": "email"},
        action_labels={
            "assign": _("Assign leads"),
            "claim": _("Claim from the lead pool"),
            "convert": _("Convert into customer and opportunity"),
        },
    )
)
register(Resource(code=SETTINGS, label=_("Lead settings"), model="leads.LeadSettings", actions=("view", "edit")))

register_item("sales", MenuItem(_("Leads"), "leads:list", "funnel", f"{LEAD}.view", 5))
register_item("sales", MenuItem(_("Lead pool"), "leads:pool", "inbox", f"{LEAD}.claim", 6))
register_item("system", MenuItem(_("Lead settings"), "leads:settings", "funnel", f"{SETTINGS}.edit", 45))
