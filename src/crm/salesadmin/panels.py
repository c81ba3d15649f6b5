"""The workbench panel "my targets this month" (SADM-1): shown once a target is set; the management
dashboard's block "targets against actuals" of the viewer's team (this month, quarter and year)."""

from django.utils import timezone

from crm.core.extensions import DashboardBlock, WorkbenchPanel, register_dashboard_block, register_panel
from crm.salesadmin.periods import month
from crm.salesadmin.permissions import TARGET
from crm.salesadmin.selectors.targets import my_month, team_progress


def _my_targets(user):
    line = my_month(user=user, period=month(timezone.localdate()))
    if not line.target:
        return None
    return {"line": line, "month": month(timezone.localdate()).start}


register_panel(WorkbenchPanel(key="salesadmin.targets", template="salesadmin/partials/panel_targets.html",
                              context=_my_targets, permission=f"{TARGET}.view", order=15))


def _team_targets(user, today=None):
    return team_progress(user=user, today=today or timezone.localdate())


register_dashboard_block(DashboardBlock(key="salesadmin.targets", template="salesadmin/partials/dashboard_targets.html",
                                        context=_team_targets, permission=f"{TARGET}.view", order=10))
