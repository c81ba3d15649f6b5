"""The REST API: /api/v1/ resources, the schema and its offline docs (API.md)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("v1/", include("crm.identity.api.urls")),
    path("v1/", include("crm.access.api.urls")),
    path("v1/", include("crm.console.api.urls")),
    path("v1/", include("crm.dictionary.api.urls")),
    path("v1/", include("crm.jobs.api.urls")),
    path("v1/", include("crm.notifications.api.urls")),
    path("v1/", include("crm.approvals.api.urls")),
    path("v1/", include("crm.customers.api.urls")),
    path("v1/", include("crm.opportunities.api.urls")),
    path("v1/", include("crm.leads.api.urls")),
    path("v1/", include("crm.sales.api.urls")),
    path("v1/", include("crm.service.api.urls")),
    path("v1/", include("crm.churn.api.urls")),
    path("v1/", include("crm.orders.api.integration_urls")),
    path("v1/", include("crm.churn.api.value_urls")),
    path("v1/", include("crm.orders.api.urls")),
    path("v1/", include("crm.competitors.api.urls")),
    path("v1/", include("crm.knowledge.api.urls")),
    path("v1/", include("crm.reports.api.urls")),
    path("v1/", include("crm.charts.api.urls")),
    path("v1/", include("crm.salesadmin.api.urls")),
    path("v1/", include("crm.bulletin.api.urls")),
    path("v1/", include("crm.imports.api.urls")),
]
