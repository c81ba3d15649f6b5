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

register(
    Resource(
        code=CONTRIBUTION,
        label=_("Customer contribution report"),
        model="customers.Customer",
        actions=ACTIONS,
        parent=("customers.customer", "pk"),
    )
)
register(
    Resource(
        code=COMPOSITION,
        label=_("Customer composition report"),
        model="customers.Customer",
        actions=ACTIONS,
        parent=("customers.customer", "pk"),
    )
)
register(
    Resource(
        code=SERVICES,
        label=_("Service composition report"),
        model="service.Service",
        actions=ACTIONS,
        parent=("service.service", "pk"),
    )
)
register(
    Resource(
        code=CHURN,
        label=_("Churn analysis report"),
        model="churn.ChurnWarning",
        actions=ACTIONS,
        parent=("churn.warning", "pk"),
    )
)

register_item(
    "reports", MenuItem(_("Customer contribution"), "reports:contribution", "bar-chart", f"{CONTRIBUTION}.view", 10)
)
register_item(
    "reports", MenuItem(_("Customer composition"), "reports:composition", "pie-chart", f"{COMPOSITION}.view", 20)
)
register_item(
    "reports", MenuItem(_("Service composition"), "reports:services", "headset", f"{SERVICES}.view", 30)
)
register_item("reports", MenuItem(_("Churn analysis"), "reports:churn", "person-x", f"{CHURN}.view", 40))
