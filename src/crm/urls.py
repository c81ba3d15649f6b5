from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from crm.core.views import errors

urlpatterns = [
    path("", include("crm.console.urls")),
    path("", include("crm.identity.urls")),
    path("access/", include("crm.access.urls")),
    path("dictionary/", include("crm.dictionary.urls")),
    path("jobs/", include("crm.jobs.urls")),
    path("notifications/", include("crm.notifications.urls")),
    path("calendar/", include("crm.workcalendar.urls")),
    path("approvals/", include("crm.approvals.urls")),
    path("customers/", include("crm.customers.urls")),
    path("opportunities/", include("crm.opportunities.urls")),
    path("leads/", include("crm.leads.urls")),
    path("sales/", include("crm.sales.urls")),
    path("services/", include("crm.service.urls")),
    path("churn/value/", include("crm.churn.urls_value")),
    path("orders/", include("crm.orders.urls")),
    path("churn/", include("crm.churn.urls")),
    path("portal/", include("crm.portal.urls")),
    path("portal-accounts/", include("crm.portal.urls_staff")),
    path("competitors/", include("crm.competitors.urls")),
    path("knowledge/", include("crm.knowledge.urls")),
    path("reports/", include("crm.reports.urls")),
    path("sales-admin/", include("crm.salesadmin.urls")),
    path("bulletin/", include("crm.bulletin.urls")),
    path("data/", include("crm.imports.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/", include("crm.api_urls")),
]

handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error
