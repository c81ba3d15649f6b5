"""Churn warnings (CHURN-1…3) and customer value (SEG-4), under 客户管理 → 客户流失管理."""

from django.utils.translation import gettext_lazy as _

from crm.access.registry import Resource, register
from crm.core.navigation import MenuItem, register_item

WARNING = "churn.warning"

register(
    Resource(
        code=WARNING,
        label=_("Churn warnings"),
        model="churn.ChurnWarning",
        actions=("view", "suspend", "confirm", "export"),
        # The customer's manager sees its warnings (s003/5 §3.2.2.1: 客户经理登录本系统后…就可以看到),
        # and whoever else may see the customer.
        parent=("customers.customer", "customer"),
        action_labels={
            "suspend": _("Add suspension measures (suspend the churn)"),
            "confirm": _("Confirm the churn"),
        },
    )
)

# 客户管理 → 客户流失管理 (s003/5 §3.2.2): the warnings of the customers one may see.
register_item("customers", MenuItem(_("Churn management"), "churn:list", "exclamation-triangle", f"{WARNING}.view", 50))
register_item(
    "customers", MenuItem(_("Customer value"), "churn_value:list", "graph-down-arrow", f"{WARNING}.view", 55)
)
