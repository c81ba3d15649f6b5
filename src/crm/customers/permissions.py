"""Resources, picklist categories and menu entries of the customers app."""

from django.utils.translation import gettext_lazy as _

from crm.access.registry import Resource, register
from crm.core.navigation import MenuItem, register_item
from crm.dictionary.categories import register_category

CUSTOMER = "customers.customer"
CONTACT = "customers.contact"
FOLLOWUP = "customers.followup"
INTERACTION = "customers.interaction"
ATTACHMENT = "customers.attachment"
CONTRACT = "customers.contract"
POOL = "customers.pool"
TAG = "customers.tag"
CUSTOM_FIELD = "customers.customfield"
DUPLICATE_RULE = "customers.duplicaterule"
TRANSFER = "customers.transfer"
CONTRACT_RULE = "customers.contractrule"

register(
    Resource(
        code=CUSTOMER,
        label=_("Customers"),
        model="customers.Customer",
        actions=(
            "view", "create", "edit", "delete", "export", "import", "share", "handover", "claim", "assign", "release",
            "merge", "manage",
        ),
        owner_fields=("manager",),
        shareable=True,
        protected_fields={
            "phone": "phone",
            "fax": "phone",
            "email": "email",
            "address": "text",
            "bank_account": "number",
            "credit_code": "text",
            "legal_representative": "text",
            "registered_capital": "number",
            "annual_revenue": "number",
        },
        action_labels={
            "handover": _("Hand over"),
            "assign": _("Assign from the pool"),
            "merge": _("Merge duplicates"),
            "manage": _("Edit customers in any status"),
        },
    )
)
_PARENT = (CUSTOMER, "customer")
register(
    Resource(
        code=CONTACT,
        label=_("Contacts"),
        model="customers.Contact",
        parent=_PARENT,
        protected_fields={"office_phone": "phone", "mobile": "phone", "email": "email", "birthday": "text"},
    )
)
register(Resource(code=FOLLOWUP, label=_("Follow-ups"), model="customers.FollowUp", parent=_PARENT))
register(Resource(code=INTERACTION, label=_("Interaction records"), model="customers.Interaction", parent=_PARENT))
register(
    Resource(
        code=ATTACHMENT,
        label=_("Attachments"),
        model="customers.Attachment",
        actions=("view", "create", "delete"),
        parent=_PARENT,
    )
)
register(
    Resource(
        code=CONTRACT,
        label=_("Contracts"),
        model="customers.Contract",
        actions=("view", "create", "edit", "delete", "export"),
        # Its owner sees it, and whoever sees its customer (ADR 0017; issue 16 §6).
        owner_fields=("owner",),
        parent=_PARENT,
        protected_fields={"amount": "number"},
    )
)
register(
    Resource(
        code=CONTRACT_RULE, label=_("Contract status rules"), model="customers.ContractStatusRule",
        actions=("view", "edit"),
    )
)
register(Resource(code=POOL, label=_("Public pools"), model="customers.Pool"))
register(Resource(code=TAG, label=_("Tags"), model="customers.Tag"))
register(Resource(code=CUSTOM_FIELD, label=_("Custom fields"), model="customers.CustomField"))
register(
    Resource(code=DUPLICATE_RULE, label=_("Duplicate rules"), model="customers.DuplicateRule", actions=("view", "edit"))
)
register(
    Resource(
        code=TRANSFER,
        label=_("Transfer requests"),
        model="customers.TransferRequest",
        actions=("view", "create", "approve"),
        owner_fields=("requester", "approver"),  # seen by both, and by those whose scope reaches them
        handover_fields=("approver",),  # a leaver's pending decisions go to the successor
    )
)

register_category("customer_potential", _("Development potential"))
register_category("customer_stage", _("Customer stage"))

register_item("customers", MenuItem(_("Customers"), "customers:list", "building", f"{CUSTOMER}.view", 10))
register_item("customers", MenuItem(_("Public pool"), "customers:pool", "water", f"{CUSTOMER}.claim", 20))
register_item(
    "customers", MenuItem(_("Contracts"), "customers:contract_list", "file-earmark-text", f"{CONTRACT}.view", 30)
)
register_item("customers", MenuItem(_("Find duplicates"), "customers:duplicates", "intersect", f"{CUSTOMER}.merge", 40))
register_item(
    "customers", MenuItem(_("Transfer requests"), "customers:transfers", "arrow-left-right", f"{TRANSFER}.view", 50)
)
register_item("system", MenuItem(_("Customer settings"), "customers:settings", "sliders", f"{TAG}.edit", 40))
