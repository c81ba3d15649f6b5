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
COMMISSION = "salesadmin.commission"
COMMISSION_RULE = "salesadmin.commissionrule"

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

# Commissions 提成 (SADM-4): a line belongs to its salesperson, so a supervisor reads the subtree's.
register(
    Resource(
        code=COMMISSION,
        label=_("Commissions"),
        model="salesadmin.CommissionLine",
        actions=("view", "calculate", "review", "lock", "export"),
        owner_fields=("user",),
        handover_fields=(),  # earned by the person: never moved to a successor
        action_labels={"calculate": _("Calculate commissions and add adjustments"),
                       "review": _("Mark a commission month reviewed"), "lock": _("Lock a commission month")},
    )
)
register(
    Resource(
        code=COMMISSION_RULE,
        label=_("Commission rules"),
        model="salesadmin.CommissionRule",
        actions=("view", "manage"),
        action_labels={"manage": _("Manage commission rules")},
    )
)

register_menu_section("admin", _("Sales administration"), 35)
register_item("admin", MenuItem(_("Sales targets"), "salesadmin:targets", "bullseye", f"{TARGET}.view", 10))
register_item("admin", MenuItem(_("Work reports"), "salesadmin:reports", "journal-text", f"{REPORT}.view", 20))
register_item("admin", MenuItem(_("Expense claims"), "salesadmin:claims", "wallet2", f"{CLAIM}.view", 30))
register_item("admin", MenuItem(_("Expense statistics"), "salesadmin:claim_stats", "bar-chart", f"{CLAIM}.view", 40))
register_item("admin", MenuItem(_("Commissions"), "salesadmin:commissions", "cash-coin", f"{COMMISSION}.view", 50))
