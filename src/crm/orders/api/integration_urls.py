"""/api/v1/integration/: the ERP's push API (crm.orders.api.integration)."""

from rest_framework.routers import SimpleRouter

from crm.orders.api import integration

router = SimpleRouter()
router.register("integration", integration.IntegrationViewSet, basename="integration")

urlpatterns = router.urls
