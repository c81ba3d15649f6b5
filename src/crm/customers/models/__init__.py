"""Customers and everything that hangs off them (CUS-1…CUS-16)."""

from crm.customers.models.activity import CustomerEvent, EventKind, FollowUp, Interaction
from crm.customers.models.config import (
    CustomField,
    CustomFieldType,
    DuplicateMode,
    DuplicateRule,
    DuplicateRuleKind,
    SavedView,
    Tag,
)
from crm.customers.models.contact import Contact, Gender
from crm.customers.models.customer import Customer, CustomerQuerySet, CustomerStatus
from crm.customers.models.duplicates import (
    BRAND_KINDS,
    MATCHING_KINDS,
    CustomerKey,
    KeyKind,
    MergeRecord,
    TransferRequest,
    TransferStatus,
)
from crm.customers.models.files import (
    CLOSED_CONTRACT,
    CONTRACT_STATES,
    REASON_ACTIONS,
    Attachment,
    AttachmentKind,
    Contract,
    ContractStatus,
    ContractStatusRule,
)
from crm.customers.models.pool import Pool
from crm.customers.models.tally import FollowUpDay, FollowUpYear

__all__ = [
    "BRAND_KINDS",
    "CLOSED_CONTRACT",
    "CONTRACT_STATES",
    "MATCHING_KINDS",
    "REASON_ACTIONS",
    "Attachment",
    "AttachmentKind",
    "Contact",
    "Contract",
    "ContractStatus",
    "ContractStatusRule",
    "CustomField",
    "CustomFieldType",
    "Customer",
    "CustomerEvent",
    "CustomerKey",
    "CustomerQuerySet",
    "CustomerStatus",
    "DuplicateMode",
    "DuplicateRule",
    "DuplicateRuleKind",
    "EventKind",
    "FollowUp",
    "FollowUpDay",
    "FollowUpYear",
    "Gender",
    "Interaction",
    "KeyKind",
    "MergeRecord",
    "Pool",
    "SavedView",
    "Tag",
    "TransferRequest",
    "TransferStatus",
]
