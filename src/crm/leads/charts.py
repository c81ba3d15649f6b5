"""The lead list's chart (issue 17 §3): its status tab, search and "mine", in the viewer's scope."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm.charts import fields
from crm.charts.registry import ChartSource, dated, register, tab
from crm.leads import selectors
from crm.leads.models import LeadChannel, LeadStatus
from crm.leads.permissions import LEAD


def lead_records(user, params):
    filters = {
        "view": tab(params, selectors.VIEWS, "open"),
        "q": (params.get("q") or "")[:100],
        "mine": params.get("mine") == "1",
    }
    return selectors.lead_list(user=user, filters=filters)


register(
    ChartSource(
        code="leads",
        label=_("Leads"),
        resource=LEAD,
        records=lead_records,
        list_url="leads:list",
        groups=[
            fields.status_tab(LeadStatus.choices),
            fields.picklist("source", _("Source")),
            fields.picklist("industry", _("Industry")),
            fields.region("province", _("Province")),
            fields.choice("channel", _("Channel"), LeadChannel.choices),
            *fields.owner("owner", _("Owner")),
            *dated("created", pgettext_lazy("chart", "Created"), "created_at"),
        ],
    )
)
