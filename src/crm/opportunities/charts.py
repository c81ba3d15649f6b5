"""The opportunity list's chart (issue 17 §3): its status tab and filters, in the viewer's scope."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm.charts import fields
from crm.charts.registry import REF, ChartSource, GroupField, Measure, checked, dated, register, tab
from crm.opportunities import selectors
from crm.opportunities.forms import OpportunityFilterForm
from crm.opportunities.models import Level, OpportunityStatus, Pipeline, Stage
from crm.opportunities.permissions import OPPORTUNITY


def opportunity_records(user, params):
    # The page opens on the unassigned tab; the chart shows the tab the page shows.
    filters = {"view": tab(params, selectors.VIEWS, "unassigned"), **checked(OpportunityFilterForm(params or None))}
    return selectors.opportunity_list(user=user, filters=filters)


register(
    ChartSource(
        code="opportunities",
        label=_("Opportunities"),
        resource=OPPORTUNITY,
        records=opportunity_records,
        list_url="opportunities:list",
        groups=[
            fields.status_tab(OpportunityStatus.choices),
            GroupField("stage", _("Stage"), "stage", kind=REF, model=Stage, label_attr="name", drill="stage"),
            GroupField("pipeline", _("Pipeline"), "pipeline", kind=REF, model=Pipeline, label_attr="name"),
            *fields.owner("owner", _("Owner")),
            fields.picklist("lost_reason", _("Lost reason")),
            fields.choice("intent", _("Purchase intent"), Level.choices),
            fields.choice("budget", _("Budget"), Level.choices),
            fields.choice("urgency", _("Urgency"), Level.choices),
            *dated("created", pgettext_lazy("chart", "Created"), "created_at"),
            *dated("expected_close", _("Expected close"), "expected_close"),
        ],
        measures=[
            Measure("expected_amount", _("Expected amount"), "expected_amount"),
            Measure("probability", _("Probability (%)"), "probability"),
        ],
    )
)
