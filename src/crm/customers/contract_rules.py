"""What a contract must have before it enters a status (issue 16 §3): administrators choose, per
status, from the requirements below; other apps add theirs (crm.sales: "at least one line").

    contract_rules.check(contract, ContractStatus.ACTIVE)   # ValidationFailed naming what is missing
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.access.engine import access_for
from crm.audit.services import audit_update
from crm.core.errors import ValidationFailed
from crm.customers.models import Contract, ContractStatus, ContractStatusRule
from crm.customers.permissions import CONTRACT_RULE


@dataclass(frozen=True)
class Requirement:
    key: str
    label: str
    met: Callable[[Contract], bool]


_REQUIREMENTS: dict[str, Requirement] = {}


def register_requirement(requirement: Requirement) -> None:
    _REQUIREMENTS[requirement.key] = requirement


def requirements() -> list[Requirement]:
    return list(_REQUIREMENTS.values())


def _field(name: str, label) -> Requirement:
    return Requirement(name, label, lambda contract: bool(getattr(contract, name)))


for _requirement in (
    _field("signed_on", gettext_lazy("Signing date")),
    _field("start_on", gettext_lazy("Start date")),
    _field("end_on", gettext_lazy("End date")),
    _field("owner_id", gettext_lazy("Owner")),
    _field("notes", gettext_lazy("Notes")),
    Requirement("attachment", gettext_lazy("An attached file (the signed scan)"),
                lambda contract: contract.pk is not None and contract.attachments.exists()),
):
    register_requirement(_requirement)

# The statuses a rule may be set for: every one a contract enters (draft is where it starts).
RULED_STATUSES = [status for status in ContractStatus if status != ContractStatus.DRAFT]


def rules() -> dict[str, list[str]]:
    """The required keys per status, as administrators set them (unknown keys ignored)."""
    stored = dict(ContractStatusRule.objects.values_list("status", "required"))
    return {
        status.value: [key for key in stored.get(status.value) or [] if key in _REQUIREMENTS]
        for status in RULED_STATUSES
    }


def missing(contract: Contract, status: str) -> list[str]:
    """The labels of what `contract` lacks to enter `status`."""
    keys = rules().get(status, [])
    return [str(_REQUIREMENTS[key].label) for key in keys if not _REQUIREMENTS[key].met(contract)]


def check(contract: Contract, status: str) -> None:
    lacking = missing(contract, status)
    if lacking:
        message = _("Before the contract becomes “%(status)s” it needs: %(missing)s.") % {
            "status": ContractStatus(status).label, "missing": "、".join(lacking)}
        raise ValidationFailed(fields={"status": [message]})


@transaction.atomic
def rules_save(*, actor, required: dict[str, list[str]]) -> None:
    access_for(actor).require(f"{CONTRACT_RULE}.edit")
    before = rules()
    for status in RULED_STATUSES:
        keys = [key for key in _REQUIREMENTS if key in set(required.get(status.value) or [])]
        ContractStatusRule.objects.update_or_create(status=status.value, defaults={"required": keys})
    after = rules()
    changes = {status: [before[status], after[status]] for status in after if before[status] != after[status]}
    audit_update(actor=actor, instance=ContractStatusRule.objects.first(), changes=changes)
