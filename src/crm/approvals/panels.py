"""The approval inbox on the workbench: what waits for my decision."""

from crm.approvals import selectors
from crm.core.extensions import WorkbenchPanel, register_panel

PANEL_SIZE = 8


def _panel(user):
    tasks = list(selectors.inbox(user=user, box="waiting")[: PANEL_SIZE + 1])
    if not tasks:
        return None
    return {"tasks": tasks[:PANEL_SIZE], "more": len(tasks) > PANEL_SIZE}


register_panel(
    WorkbenchPanel(key="approvals.waiting", template="approvals/partials/panel.html", context=_panel, order=5)
)
