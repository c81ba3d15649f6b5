"""The jobs app's resource and menu entry."""

from django.utils.translation import gettext_lazy as _

from crm.access.registry import Resource, register
from crm.core.navigation import MenuItem, register_item

register(
    Resource(
        code="jobs.job",
        label=_("Background jobs"),
        model="jobs.JobRun",
        actions=("view", "run"),
        action_labels={"run": _("Run now")},
    )
)
register_item("system", MenuItem(_("Background jobs"), "jobs:job_list", "clock-history", "jobs.job.view", 80))
