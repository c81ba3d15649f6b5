"""Resources, menu entries and the expense type picklist of sales administration.

Targets, reviews, reports and claims belong to a person, so a supervisor (subtree scope) reaches
the targets, reports and claims of everyone below. A department's target is reached through the
department (`Access.departments_in_scope`). Expense types are the data dictionary's shared
category `expense_type` (registered and seeded by crm.dictionary)."""

from django.utils.translation import gettext_lazy as _

from crm.access.registry import Resource, register
from crm.core.navigation import MenuItem, register_item, register_menu_section

TARGET = "salesadmin.target"
REPORT = "salesadmin.report"
CLAIM = "salesadmin.claim"

register(
    Resource(
        code=TARGET,
        label=_("Sales targets"),
        model="salesadmin.Target",
        actions=("view", "edit", "review", "export"),
        owner_fields=("user",),
        action_labels={"edit": _("Set sales targets"), "review": _("Score salespeople's months")},
    )
)
register(
    Resource(
        code=REPORT,
        label=_("Work reports"),
        model="salesadmin.WorkReport",
        actions=("view", "create", "review", "export"),
        owner_fields=("author",),
        action_labels={"review": _("Comment and score work reports")},
    )
)
register(
    Resource(
        code=CLAIM,
        label=_("Expense claims"),
        model="salesadmin.ExpenseClaim",
        actions=("view", "create", "edit", "delete", "pay", "export"),
        owner_fields=("claimant",),
        action_labels={"pay": _("Mark expense claims paid")},
    )
)

register_menu_section("admin", _("Sales administration"), 35)
register_item("admin", MenuItem(_("Sales targets"), "salesadmin:targets", "bullseye", f"{TARGET}.view", 10))
register_item("admin", MenuItem(_("Work reports"), "salesadmin:reports", "journal-text", f"{REPORT}.view", 20))
register_item("admin", MenuItem(_("Expense claims"), "salesadmin:claims", "wallet2", f"{CLAIM}.view", 30))
register_item("admin", MenuItem(_("Expense statistics"), "salesadmin:claim_stats", "bar-chart", f"{CLAIM}.view", 40))
