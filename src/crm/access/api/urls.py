from rest_framework.routers import SimpleRouter

from crm.access.api.views import FunctionViewSet, RoleViewSet

router = SimpleRouter()
router.register("roles", RoleViewSet, basename="role")
router.register("functions", FunctionViewSet, basename="function")

urlpatterns = router.urls
