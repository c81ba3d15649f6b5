"""/api/v1/reports/… (crm.reports.api.views)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from crm.reports.api import views

router = SimpleRouter()
router.register("reports/contribution", views.ContributionViewSet, basename="report-contribution")
router.register("reports/churn", views.ChurnViewSet, basename="report-churn")

urlpatterns = [
    *router.urls,
    path("reports/composition/", views.CompositionViewSet.as_view({"get": "report"}), name="report-composition"),
    path("reports/services/", views.ServicesViewSet.as_view({"get": "report"}), name="report-services"),
]
