"""REST API of the churn app: /api/v1/churn-warnings/."""

from rest_framework.routers import SimpleRouter

from crm.churn.api import views

router = SimpleRouter()
router.register("churn-warnings", views.ChurnWarningViewSet, basename="churn-warning")

urlpatterns = router.urls
