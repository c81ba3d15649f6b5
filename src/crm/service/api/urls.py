"""REST API of the service app: /api/v1/services/."""

from rest_framework.routers import SimpleRouter

from crm.service.api import views

router = SimpleRouter()
router.register("services", views.ServiceViewSet, basename="service")

urlpatterns = router.urls
