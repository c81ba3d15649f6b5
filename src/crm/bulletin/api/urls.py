"""REST API: /api/v1/announcements/ and /api/v1/know-how/."""

from rest_framework.routers import SimpleRouter

from crm.bulletin.api import viewsets

router = SimpleRouter()
router.register("announcements", viewsets.AnnouncementViewSet, basename="announcement")
router.register("know-how", viewsets.PostViewSet, basename="know-how")

urlpatterns = router.urls
