"""The built-in roles (s003/5 §2.2, GLOSSARY) as patterns over function codes.

Roles are data that administrators edit. When a module registers a new function code, the
built-in roles receive it if one of their patterns matches, once: a code an administrator later
removed stays removed (crm.access.services.roles_sync records every code already offered).
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class DefaultRole:
    code: str
    name: str
    description: str
    default_scope: str
    grants: tuple[str, ...]  # fnmatch patterns over function codes
    denies: tuple[str, ...] = ()  # patterns taken out of the grants
    scopes: dict[str, str] = field(default_factory=dict)  # resource -> scope overrides
    field_rules: tuple[tuple[str, str, str], ...] = ()  # (resource, field, rule)


SALES_MODULES = (
    "customers",
    "contacts",
    "opportunities",
    "leads",
    "competitors",
    "service",
    "churn",
    "contracts",
    "followups",
    "pool",
    "calendar",
    "marketing",
)

DEFAULT_ROLES = [
    DefaultRole(
        code="admin",
        name="系统管理员",
        description=str(_("Users, roles, dictionary and settings")),
        default_scope="all",
        grants=("*",),
    ),
    DefaultRole(
        code="executive",
        name="高管",
        description=str(_("Reads everything and the reports")),
        default_scope="all",
        grants=("*.view", "*.export", "reports.*"),
        denies=("access.*", "audit.*", "core.*", "jobs.*"),
    ),
    DefaultRole(
        code="supervisor",
        name="销售主管",
        description=str(_("Assigns opportunities and services; sees the department subtree")),
        default_scope="subtree",
        grants=(
            *(f"{module}.*" for module in SALES_MODULES),
            "reports.*",
            "orders.*.view",
            "products.*.view",
            "inventory.*.view",
            "dictionary.item.view",
            "identity.user.view",
            "identity.department.view",
        ),
    ),
    DefaultRole(
        code="manager",
        name="客户经理",
        description=str(_("Account manager: own and shared records")),
        default_scope="self",
        grants=(
            *(f"{module}.*.view" for module in SALES_MODULES),
            *(f"{module}.*.create" for module in SALES_MODULES),
            *(f"{module}.*.edit" for module in SALES_MODULES),
            "opportunities.*.delete",
            "contacts.*.delete",
            "customers.*.share",
            "customers.*.claim",
            "customers.*.release",
            "churn.*.suspend",
            "churn.*.confirm",
            "service.*.handle",
            "service.*.feedback",
            "orders.*.view",
            "products.*.view",
            "inventory.*.view",
            "dictionary.item.view",
            "identity.user.view",
            "identity.department.view",
        ),
    ),
    DefaultRole(
        code="service",
        name="客服",
        description=str(_("Service agent: handles customer services")),
        default_scope="self",
        grants=(
            "service.*",
            "customers.customer.view",
            "contacts.*.view",
            "orders.*.view",
            "products.*.view",
            "inventory.*.view",
            "dictionary.item.view",
            "identity.user.view",
        ),
        scopes={"customers.customer": "all", "service.service": "all"},
        field_rules=(("identity.user", "phone", "masked"),),
    ),
    DefaultRole(
        code="marketing",
        name="市场",
        description=str(_("Marketing: campaigns and leads")),
        default_scope="self",
        grants=(
            "marketing.*",
            "leads.*",
            "customers.customer.view",
            "reports.*.view",
            "dictionary.item.view",
            "identity.user.view",
        ),
        scopes={"leads.lead": "all", "customers.customer": "all"},
        field_rules=(("identity.user", "phone", "masked"), ("identity.user", "email", "masked")),
    ),
]
