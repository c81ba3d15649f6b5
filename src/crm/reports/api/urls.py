"""/api/v1/reports/… (crm.reports.api.views)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from crm.reports.api import views

router = SimpleRouter()
router.register("reports/contribution", views.ContributionViewSet, basename="report-contribution")
router.register("reports/churn", views.ChurnViewSet, basename="report-churn")
router.register("reports/products", views.ProductsViewSet, basename="report-products")

urlpatterns = [
    *router.urls,
    path("reports/composition/", views.CompositionViewSet.as_view({"get": "report"}), name="report-composition"),
    path("reports/services/", views.ServicesViewSet.as_view({"get": "report"}), name="report-services"),
    path("reports/work/", views.WorkViewSet.as_view({"get": "report"}), name="report-work"),
    path("reports/funnel/", views.FunnelViewSet.as_view({"get": "report"}), name="report-funnel"),
    path("reports/dashboard/", views.DashboardViewSet.as_view({"get": "report"}), name="report-dashboard"),
]
