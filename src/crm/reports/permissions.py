"""The reports as resources (function codes `reports.<report>.view` and `.export`) and the 统计报表
menu (s003/5 §3.4; users: 销售主管、高管, and managers over their own customers).

Each report's parent is the resource of the records it reads, with the path "pk": the engine
then scopes a report's queryset exactly as it scopes those records (a manager's own customers, a
supervisor's subtree, everything for an executive), and asks for the report's own function."""

from django.utils.translation import gettext_lazy as _

from crm.access.registry import Resource, register
from crm.core.navigation import MenuItem, register_item

CONTRIBUTION = "reports.contribution"
COMPOSITION = "reports.composition"
SERVICES = "reports.services"
CHURN = "reports.churn"
WORK = "reports.work"  # 销售人员工作汇总 (RPT-5)
PRODUCTS = "reports.products"  # 产品销售统计 (RPT-6)
FUNNEL = "reports.funnel"  # 销售漏斗 (RPT-7)
DASHBOARD = "reports.dashboard"  # 管理驾驶舱 (issue 17 §6)

ACTIONS = ("view", "export")

# (resource, label, model, the resource of the records it reads)
REPORTS = (
    (CONTRIBUTION, _("Customer contribution report"), "customers.Customer", "customers.customer"),
    (COMPOSITION, _("Customer composition report"), "customers.Customer", "customers.customer"),
    (SERVICES, _("Service composition report"), "service.Service", "service.service"),
    (CHURN, _("Churn analysis report"), "churn.ChurnWarning", "churn.warning"),
)
for code, label, model, records in REPORTS:
    register(Resource(code=code, label=label, model=model, actions=ACTIONS, parent=(records, "pk")))

# The sales reports. Sales by product reads order lines through their order's customer. The funnel
# reads opportunities. The work report and the dashboard count people's work: their own scope
# (self, department, subtree, all) says whose, and each measure is also narrowed to the records the
# viewer may see (crm.reports.work).
register(
    Resource(
        code=PRODUCTS, label=_("Sales by product report"), model="orders.OrderLine", actions=ACTIONS,
        parent=("customers.customer", "order__customer"),
    )
)
register(
    Resource(
        code=FUNNEL, label=_("Funnel report"), model="opportunities.Opportunity", actions=ACTIONS,
        parent=("opportunities.opportunity", "pk"),
    )
)
register(Resource(code=WORK, label=_("Salesperson work report"), model="identity.User", actions=ACTIONS))
register(Resource(code=DASHBOARD, label=_("Management dashboard"), model="identity.User", actions=("view",)))

register_item(
    "reports", MenuItem(_("Customer contribution"), "reports:contribution", "bar-chart", f"{CONTRIBUTION}.view", 10)
)
register_item(
    "reports", MenuItem(_("Customer composition"), "reports:composition", "pie-chart", f"{COMPOSITION}.view", 12)
)
register_item(
    "reports", MenuItem(_("Service composition"), "reports:services", "headset", f"{SERVICES}.view", 14)
)
register_item("reports", MenuItem(_("Churn analysis"), "reports:churn", "person-x", f"{CHURN}.view", 16))
register_item(
    "reports", MenuItem(_("Management dashboard"), "reports:dashboard", "speedometer2", f"{DASHBOARD}.view", 2)
)
register_item("reports", MenuItem(_("Salesperson work"), "reports:work", "person-workspace", f"{WORK}.view", 20))
register_item("reports", MenuItem(_("Sales by product"), "reports:products", "box-seam", f"{PRODUCTS}.view", 22))
register_item("reports", MenuItem(_("Sales funnel"), "reports:funnel", "funnel", f"{FUNNEL}.view", 24))
