from rest_framework.routers import SimpleRouter

from crm.notifications.api.views import NotificationViewSet

router = SimpleRouter()
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = router.urls
