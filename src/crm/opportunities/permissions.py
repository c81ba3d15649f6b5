"""Resources and menu entries of the opportunities app."""

from django.utils.translation import gettext_lazy as _

from crm.access.registry import Resource, register
from crm.core.navigation import MenuItem, register_item

OPPORTUNITY = "opportunities.opportunity"
PLAN_ITEM = "opportunities.planitem"
PIPELINE = "opportunities.pipeline"

register(
    Resource(
        code=OPPORTUNITY,
        label=_("Opportunities"),
        model="opportunities.Opportunity",
        actions=("view", "create", "edit", "delete", "export", "assign", "develop", "share"),
        # Seen by its account manager and its creator (and up their departments), by those it is
        # shared with, and by whoever may see its customer (ADR 0017).
        owner_fields=("owner", "created_by"),
        parent=("customers.customer", "customer"),
        shareable=True,
        handover_fields=("owner",),
        protected_fields={"contact_phone": "phone"},
        action_labels={
            "assign": _("Assign to an account manager"),
            "develop": _("Develop (plan, results, success or failure)"),
        },
    )
)
register(
    Resource(
        code=PLAN_ITEM,
        label=_("Development plans"),
        model="opportunities.PlanItem",
        parent=(OPPORTUNITY, "opportunity"),
    )
)

register(Resource(code=PIPELINE, label=_("Pipelines"), model="opportunities.Pipeline", actions=("view", "edit")))

register_item("sales", MenuItem(_("Opportunities"), "opportunities:list", "lightbulb", f"{OPPORTUNITY}.view", 10))
register_item("system", MenuItem(_("Pipelines"), "opportunities:pipelines", "kanban", f"{PIPELINE}.edit", 42))
register_item(
    "sales", MenuItem(_("Development plans"), "opportunities:developing", "list-check", f"{OPPORTUNITY}.develop", 20)
)
register_item("sales", MenuItem(_("Pipeline board"), "opportunities:board", "kanban", f"{OPPORTUNITY}.view", 30))
register_item("sales", MenuItem(_("Sales forecast"), "opportunities:forecast", "graph-up", f"{OPPORTUNITY}.view", 40))
register_item(
    "sales",
    MenuItem(_("Against competitors"), "opportunities:against_competitors", "trophy", f"{OPPORTUNITY}.view", 80),
)
