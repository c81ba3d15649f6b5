"""The working calendar's resource and its page under System. Only administrators edit it by
default: the admin role holds every code ("*"), and no other built-in role's patterns match."""

from django.utils.translation import gettext_lazy as _

from crm.access.registry import Resource, register
from crm.core.navigation import MenuItem, register_item

CALENDAR = "workcalendar.calendar"

register(
    Resource(
        code=CALENDAR,
        label=_("Working calendar"),
        model="workcalendar.CalendarDay",
        actions=("view", "edit"),
        action_labels={"edit": _("Edit holidays, make-up working days and working hours")},
    )
)
register_item("system", MenuItem(_("Working calendar"), "workcalendar:days", "calendar3", f"{CALENDAR}.edit", 47))
