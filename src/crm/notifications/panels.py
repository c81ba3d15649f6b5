"""The workbench panel of the notification centre (WB-1): the latest unread notifications."""

from crm.core.extensions import WorkbenchPanel
from crm.notifications.selectors import latest_unread

PANEL_SIZE = 5


def _context(user) -> dict:
    return {"notifications": latest_unread(user=user, limit=PANEL_SIZE)}


panel = WorkbenchPanel(key="notifications", template="notifications/panel.html", context=_context, order=90)
