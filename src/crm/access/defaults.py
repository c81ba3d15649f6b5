"""The built-in roles (s003/5 §2.2, GLOSSARY) as patterns over function codes.

Role names and descriptions are data, stored in Chinese like every other record.
Roles are data that administrators edit. When a module registers a new function code, the
built-in roles receive it if one of their patterns matches, once: a code an administrator later
removed stays removed (crm.access.services.roles_sync records every code already offered).
"""

from dataclasses import dataclass, field


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


# The knowledge base (SRV-7): everyone who works with customers reads published articles;
# managers and service agents write drafts; supervisors (through "knowledge.*") publish.
KNOWLEDGE_READ = ("knowledge.article.view",)
KNOWLEDGE_WRITE = ("knowledge.article.view", "knowledge.article.create")

# Announcements and the know-how board (SADM-5): everyone reads announcements addressed to them and
# posts, answers and likes tips; supervisors (through "bulletin.*") publish to their subtree and
# moderate the board; executives publish to everyone.
BULLETIN = ("bulletin.announcement.view", "bulletin.post.view", "bulletin.post.create")

# Customer settings that only administrators change (pools, custom fields, duplicate rules).
CUSTOMER_SETTINGS = (
    "customers.pool.create", "customers.pool.edit", "customers.pool.delete", "customers.customfield.create",
    "customers.customfield.edit", "customers.customfield.delete", "customers.duplicaterule.edit",
    "customers.contractrule.edit",
    "leads.settings.edit", "opportunities.pipeline.edit", "service.agreement.edit",
)

COMMISSION_ADMIN = ("salesadmin.commission.calculate", "salesadmin.commission.review",
                    "salesadmin.commission.lock", "salesadmin.commissionrule.manage")

SALES_MODULES = (
    "customers", "contacts", "opportunities", "leads", "competitors", "service", "churn", "contracts", "followups",
    "pool", "calendar", "marketing", "sales", "salesadmin",
)

DEFAULT_ROLES = [
    DefaultRole(
        code="admin",
        name="系统管理员",
        description="管理用户、角色、数据字典和系统设置",
        default_scope="all",
        grants=("*",),
    ),
    DefaultRole(
        code="executive",
        name="高管",
        description="查看全部业务数据和报表",
        default_scope="all",
        # Executives also set the branches' targets and score the supervisors' months and reports.
        grants=("*.view", "*.export", "reports.*", "salesadmin.target.*", "salesadmin.report.review", *BULLETIN,
                "bulletin.announcement.publish"),
        denies=("access.*", "audit.*", "core.*", "jobs.*"),
    ),
    DefaultRole(
        code="supervisor",
        name="销售主管",
        description="指派销售机会和客户服务，查看本部门及下属部门的数据",
        default_scope="subtree",
        grants=(
            *(f"{module}.*" for module in SALES_MODULES),
            "reports.*",
            "knowledge.*",
            "bulletin.*",
            "orders.*.view",
            "products.*.view",
            "inventory.*.view",
            "dictionary.item.view",
            "identity.user.view",
            "identity.department.view",
        ),
        # Commissions (SADM-4): supervisors read their subtree's; administrators set the rules,
        # calculate, review and lock the company's month.
        denies=(*CUSTOMER_SETTINGS, *COMMISSION_ADMIN),
    ),
    DefaultRole(
        code="manager",
        name="客户经理",
        description="维护自己负责和共享给自己的客户",
        default_scope="self",
        grants=(
            *(f"{module}.*.view" for module in SALES_MODULES),
            *(f"{module}.*.create" for module in SALES_MODULES),
            *(f"{module}.*.edit" for module in SALES_MODULES),
            "opportunities.*.delete",
            "salesadmin.claim.delete",  # their own draft expense claims
            "salesadmin.target.export", "salesadmin.report.export",  # their own targets and reports as Excel
            "salesadmin.claim.export",  # and claims (not commission lines: those they read on the page)
            "opportunities.*.develop",
            "opportunities.*.share",
            "leads.*.claim",
            "leads.*.convert",
            "contacts.*.delete",
            "customers.contact.delete",
            "customers.attachment.delete",
            "customers.*.share",
            "customers.*.claim",
            "customers.*.release",
            "churn.*.suspend",
            "churn.*.confirm",
            "service.*.handle",
            "service.*.feedback",
            *KNOWLEDGE_WRITE,
            *BULLETIN,
            "orders.*.view",
            "products.*.view",
            "inventory.*.view",
            "dictionary.item.view",
            "identity.user.view",
            "identity.department.view",
            "reports.*.view",  # the four reports of s003/5 §3.4 over their own customers
        ),
        # The management dashboard is for supervisors and executives (issue 17 §6).
        denies=(*CUSTOMER_SETTINGS, "customers.tag.edit", "customers.customer.manage", "reports.dashboard.*",
                 # Targets are set by the superior, not by the salesperson (SADM-1).
                 "salesadmin.target.edit"),
    ),
    DefaultRole(
        code="service",
        name="客服",
        description="受理和处理客户服务",
        default_scope="self",
        grants=(
            "service.*", "customers.customer.view", "customers.contact.view", "customers.followup.view",
            "customers.interaction.view", "contacts.*.view", "orders.*.view", "products.*.view", "inventory.*.view",
            "dictionary.item.view", "identity.user.view", *KNOWLEDGE_WRITE, *BULLETIN,
        ),
        # Supervisors assign services (s003/5 §3.3.2); a service agent creates, handles and follows them up.
        denies=("service.*.assign", "service.agreement.edit"),
        scopes={"customers.customer": "all", "service.service": "all"},
        field_rules=(("identity.user", "phone", "masked"),),
    ),
    DefaultRole(
        code="marketing",
        name="市场",
        description="市场活动与线索",
        default_scope="self",
        grants=(
            "marketing.*", "leads.*", "customers.customer.view", "reports.*.view", "dictionary.item.view",
            "identity.user.view", *KNOWLEDGE_READ, *BULLETIN,
        ),
        scopes={"leads.lead": "all", "customers.customer": "all"},
        field_rules=(("identity.user", "phone", "masked"), ("identity.user", "email", "masked")),
    ),
    # The ERP's service account (crm.orders, `crm erp_account`): it sends products, inventory and
    # orders through /api/v1/integration/ and can do nothing else, not even sign in to the pages.
    DefaultRole(
        code="integration",
        name="ERP 接口",
        description="销售系统（ERP）推送产品、库存和订单；只能调用集成接口",
        default_scope="self",
        grants=("orders.integration.push",),
    ),
]
