"""The service list's chart (issue 17 §3): its status tab, search, type and dates, in the viewer's scope."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm.charts import fields
from crm.charts.registry import ChartSource, Measure, checked, dated, register, tab
from crm.service import selectors
from crm.service.forms import ArchiveFilterForm
from crm.service.models import ServiceStatus
from crm.service.permissions import SERVICE

NARROWING = ("type", "created_after", "created_before")  # what the list page reads of the form


def service_records(user, params):
    narrowed = {k: v for k, v in checked(ArchiveFilterForm(params or None)).items() if k in NARROWING}
    filters = {
        "view": tab(params, selectors.VIEWS, "all"),
        "q": (params.get("q") or "").strip()[:100],
        "breached": params.get("breached") == "1",
        **narrowed,
    }
    return selectors.service_list(user=user, filters=filters)


register(
    ChartSource(
        code="services",
        label=_("Services"),
        resource=SERVICE,
        records=service_records,
        list_url="service:list",
        groups=[
            fields.status_tab(ServiceStatus.choices),
            fields.picklist("type", _("Service type"), drill="type"),
            *fields.owner("assignee", _("Assignee")),
            fields.choice("satisfaction", _("Satisfaction"), [(v, str(v)) for v in range(1, 6)]),
            *dated(
                "created", pgettext_lazy("chart", "Created"), "created_at", drill=("created_after", "created_before")
            ),
        ],
        measures=[Measure("satisfaction", _("Satisfaction"), "satisfaction")],
    )
)
