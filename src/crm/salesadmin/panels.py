"""The workbench panel "my targets this month" (SADM-1): shown once a target is set."""

from django.utils import timezone

from crm.core.extensions import WorkbenchPanel, register_panel
from crm.salesadmin.periods import month
from crm.salesadmin.permissions import TARGET
from crm.salesadmin.selectors.targets import my_month


def _my_targets(user):
    line = my_month(user=user, period=month(timezone.localdate()))
    if not line.target:
        return None
    return {"line": line, "month": month(timezone.localdate()).start}


register_panel(WorkbenchPanel(key="salesadmin.targets", template="salesadmin/partials/panel_targets.html",
                              context=_my_targets, permission=f"{TARGET}.view", order=15))
