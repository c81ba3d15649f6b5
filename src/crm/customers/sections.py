"""The customer 360 page (CUS-10) is built from sections; other modules add theirs here without
this app importing them (opportunities, orders, services, churn):

    from crm.customers.sections import Section, register_section
    register_section(Section(
        key="orders", label=_("Orders"), template="orders/partials/customer_orders.html",
        context=lambda user, customer: {"orders": order_list(user=user, customer=customer)[:20]},
        permission="orders.order.view", order=40,
    ))

and actions to a list row or the 360 header ("start a service", "new contract", CUS-11):

    register_row_action(RowAction(key="service", label=_("New service"), url_name="service:create",
                                  permission="service.service.create", icon="headset"))

The URL is reversed without arguments and the customer's id is added as `?customer=<id>`.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from crm.customers.selectors.related import (
    attachment_list,
    contact_list,
    contract_list,
    followup_list,
    interaction_list,
    timeline,
)


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    template: str
    context: Callable  # (user, customer) -> dict
    permission: str | None = None
    order: int = 100
    count: Callable | None = None  # (user, customer) -> int, shown on the tab


@dataclass(frozen=True)
class RowAction:
    key: str
    label: str
    url_name: str
    permission: str | None = None
    icon: str = "plus"
    order: int = 100


_sections: dict[str, Section] = {}
_row_actions: dict[str, RowAction] = {}
_contract_sections: dict[str, Section] = {}


def register_section(section: Section) -> None:
    _sections[section.key] = section


def register_contract_section(section: Section) -> None:
    """A panel on the contract's page from another app (payments, invoices): `context(user, contract)`,
    None to hide it."""
    _contract_sections[section.key] = section


_contract_snapshots: list = []


def register_contract_snapshot(part) -> None:
    """`part(contract) -> {label: text}`: what another app adds to the snapshot an approval keeps of a
    contract (crm.sales: its lines)."""
    _contract_snapshots.append(part)


def contract_snapshot_parts(contract) -> dict:
    parts = {}
    for part in _contract_snapshots:
        parts.update(part(contract))
    return parts


def contract_sections() -> list[Section]:
    return sorted(_contract_sections.values(), key=lambda s: s.order)


def register_row_action(action: RowAction) -> None:
    _row_actions[action.key] = action


def sections() -> list[Section]:
    return sorted(_sections.values(), key=lambda s: s.order)


def row_actions() -> list[RowAction]:
    return sorted(_row_actions.values(), key=lambda a: a.order)


register_row_action(
    RowAction(
        key="contract",
        label=_("New contract"),
        url_name="customers:contract_create",
        permission="customers.contract.create",
        icon="file-earmark-plus",
        order=50,
    )
)


# --- the customers app's own sections ---------------------------------------------------------------------
def _contacts(user, customer):
    return {"contacts": list(contact_list(user=user, customer=customer)[:100])}


def _followups(user, customer):
    return {"followups": list(followup_list(user=user, customer=customer)[:50])}


def _interactions(user, customer):
    return {"interactions": list(interaction_list(user=user, customer=customer)[:50])}


def _timeline(user, customer):
    return {"events": list(timeline(user=user, customer=customer)[:100])}


def _attachments(user, customer):
    return {"attachments": list(attachment_list(user=user, customer=customer)[:100])}


def _contracts(user, customer):
    return {"contracts": list(contract_list(user=user, customer=customer)[:50])}


register_section(
    Section("contacts", _("Contacts"), "customers/sections/contacts.html", _contacts, "customers.contact.view", 20)
)
register_section(
    Section(
        "followups", _("Follow-ups"), "customers/sections/followups.html", _followups, "customers.followup.view", 10
    )
)
register_section(Section("timeline", _("Timeline"), "customers/sections/timeline.html", _timeline, None, 30))
register_section(
    Section(
        "interactions",
        _("Interaction records"),
        "customers/sections/interactions.html",
        _interactions,
        "customers.interaction.view",
        40,
    )
)
register_section(
    Section("contracts", _("Contracts"), "customers/sections/contracts.html", _contracts, "customers.contract.view", 60)
)
register_section(
    Section(
        "attachments",
        _("Attachments"),
        "customers/sections/attachments.html",
        _attachments,
        "customers.attachment.view",
        70,
    )
)
