"""REST API of the customers app (API.md): /api/v1/customers/ and what hangs off it."""

from rest_framework.routers import SimpleRouter

router = SimpleRouter()

urlpatterns = router.urls
