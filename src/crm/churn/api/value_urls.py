"""/api/v1/customer-values/ (crm.churn.api.value)."""

from rest_framework.routers import SimpleRouter

from crm.churn.api import value

router = SimpleRouter()
router.register("customer-values", value.CustomerValueViewSet, basename="customer-value")

urlpatterns = router.urls
