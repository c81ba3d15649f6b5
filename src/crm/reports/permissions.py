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
