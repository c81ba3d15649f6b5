"""REST API of the service app: /api/v1/services/ and /api/v1/service-agreements/."""

from rest_framework.routers import SimpleRouter

from crm.service.api import views

router = SimpleRouter()
router.register("services", views.ServiceViewSet, basename="service")
router.register("service-agreements", views.ServiceAgreementViewSet, basename="service-agreement")

urlpatterns = router.urls
