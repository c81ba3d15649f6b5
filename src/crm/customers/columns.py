"""The columns a customer list can show (CUS-11): the user picks them; saved views keep them."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from crm.customers.custom_fields import definitions


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    label: str
    ordering: str = ""  # a key of selectors.customers.ORDERINGS, when sortable
    protected: str = ""  # the field whose field rule applies


BUILT_IN = [
    ColumnSpec("number", _("Number"), "number"),
    ColumnSpec("name", _("Customer name"), "name"),
    ColumnSpec("level", _("Level")),
    ColumnSpec("region", _("Region")),
    ColumnSpec("manager", _("Account manager")),
    ColumnSpec("phone", _("Telephone"), protected="phone"),
    ColumnSpec("email", _("E-mail"), protected="email"),
    ColumnSpec("source", _("Source")),
    ColumnSpec("industry", _("Industry")),
    ColumnSpec("satisfaction", _("Satisfaction"), "satisfaction"),
    ColumnSpec("credit", _("Credit"), "credit"),
    ColumnSpec("status", _("Status")),
    ColumnSpec("tags", _("Tags")),
    ColumnSpec("last_followup_at", _("Last follow-up"), "last_followup_at"),
    ColumnSpec("next_followup_on", _("Next follow-up"), "next_followup_on"),
    ColumnSpec("created_at", _("Created"), "created_at"),
]
DEFAULT_COLUMNS = [
    "number", "name", "level", "region", "manager", "phone", "last_followup_at", "next_followup_on", "status",
]


def available_columns(hidden: set[str]) -> list[ColumnSpec]:
    columns = [c for c in BUILT_IN if not c.protected or c.protected not in hidden]
    columns += [ColumnSpec(f"custom.{d.key}", d.label) for d in definitions("customer")]
    return columns


def chosen_columns(requested, hidden: set[str]) -> list[ColumnSpec]:
    available = {c.key: c for c in available_columns(hidden)}
    keys = [key for key in (requested or []) if key in available] or [k for k in DEFAULT_COLUMNS if k in available]
    if "name" not in keys:
        keys.insert(0, "name")
    return [available[key] for key in keys]


def requested_columns(query) -> list[str]:
    """`col` parameters (repeated, or one comma-separated value as saved views keep them)."""
    return [key for value in query.getlist("col") for key in value.split(",") if key]
