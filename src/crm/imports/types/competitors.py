"""Competitors (CMP-1) as an export: the competitor list as filtered on screen."""

from django.utils.translation import gettext_lazy as _

from crm.competitors.forms import CompetitorFilterForm
from crm.competitors.permissions import COMPETITOR
from crm.competitors.selectors import competitor_list
from crm.core.errors import ValidationFailed
from crm.imports import registry
from crm.imports.exports import Column

COLUMNS = (
    Column("name", _("Name")),
    Column("get_threat_level_display", _("Threat level")),
    Column("get_size_display", _("Company size")),
    Column("website", _("Website")),
    Column("business", _("Main products and business")),
    Column("strengths", _("Strengths")),
    Column("weaknesses", _("Weaknesses")),
    Column("strategy", _("Our strategy")),
    Column("product_count", _("Products")),
    Column("latest_news_on", _("Latest news")),
    Column("notes", _("Notes")),
    Column("created_by", _("Created by")),
)


def export_query(actor, params):
    form = CompetitorFilterForm(params or None)
    filters = form.valid_filters()
    if form.errors:  # a filter it cannot apply: nothing, and why (not every competitor)
        raise ValidationFailed(fields=form.errors)
    return competitor_list(user=actor, filters=filters).select_related("created_by"), list(COLUMNS)


registry.register_export(
    registry.ExportSource(code="competitors", label=_("Competitors"), resource=COMPETITOR, query=export_query)
)
