"""Document types that go through approval, registered by the apps that own them.

The engine knows a document only through its type: what a flow's conditions may test, what the
approvers are shown (a snapshot), and what happens at each turn (the document's own status and
timeline). An app above registers its types when it loads:

    register(DocumentType(code="contract", label=_("Contract"), model="customers.Contract",
                          resource="customers.contract", fields=(ConditionField("amount", _("Amount"), "number"),),
                          values=lambda c: {"amount": c.amount}, ...))
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from crm.core.errors import NotFound


@dataclass(frozen=True)
class ConditionField:
    key: str
    label: str
    kind: str  # "number" | "choice" | "department"
    choices: Callable[[], list[tuple[str, str]]] | None = None


# Every type can test the submitter's department (the subtree under a chosen department).
DEPARTMENT = ConditionField("department", _("Submitter's department"), "department")


def _nothing(*args, **kwargs) -> None:
    return None


@dataclass(frozen=True)
class DocumentType:
    code: str
    label: str
    model: str  # "app_label.ModelName"
    resource: str  # the permission engine's resource; submitting needs `submit_action` on the record
    title: Callable  # (obj) -> str
    url: Callable  # (obj) -> str, the document's page
    snapshot: Callable  # (obj) -> dict of label -> text, what the approvers see and what is kept
    fields: tuple[ConditionField, ...] = ()
    values: Callable = lambda obj: {}  # (obj) -> {field key: value} for the conditions
    amount: Callable = _nothing  # (obj) -> Decimal | None, shown in the inbox
    # The statuses a flow may set after approval, and the one it sets when the flow names none.
    statuses: Callable[[], list[tuple[str, str]]] = list
    default_status: str = ""
    on_submitted: Callable = _nothing  # (actor, obj, approval)
    on_decided: Callable = _nothing  # (actor, obj, approval, status): status after approval, or "" when not
    on_event: Callable = _nothing  # (actor, obj, approval, action, comment): the document's timeline
    submit_action: str = "edit"

    def model_class(self):
        return apps.get_model(self.model)

    def condition_fields(self) -> dict[str, ConditionField]:
        return {f.key: f for f in (*self.fields, DEPARTMENT)}


_types: dict[str, DocumentType] = {}


def register(document_type: DocumentType) -> DocumentType:
    _types[document_type.code] = document_type
    return document_type


def get(code: str) -> DocumentType:
    try:
        return _types[code]
    except KeyError:
        raise NotFound(_("Unknown document type.")) from None


def all_types() -> list[DocumentType]:
    return sorted(_types.values(), key=lambda t: t.code)


def choices() -> list[tuple[str, str]]:
    return [(t.code, t.label) for t in all_types()]
