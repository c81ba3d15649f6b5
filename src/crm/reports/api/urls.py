"""/api/v1/reports/… (crm.reports.api.views)."""

from rest_framework.routers import SimpleRouter

from crm.reports.api import views

router = SimpleRouter()
router.register("reports/contribution", views.ContributionViewSet, basename="report-contribution")
router.register("reports/composition", views.CompositionViewSet, basename="report-composition")
router.register("reports/services", views.ServicesViewSet, basename="report-services")
router.register("reports/churn", views.ChurnViewSet, basename="report-churn")

urlpatterns = router.urls
