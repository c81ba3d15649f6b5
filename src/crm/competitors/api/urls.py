"""REST API of the competitors app: /api/v1/competitors/, their products and news, the news feed."""

from rest_framework.routers import SimpleRouter

from crm.competitors.api import viewsets

COMPETITOR = r"competitors/(?P<competitor_pk>\d+)"

router = SimpleRouter()
router.register("competitors", viewsets.CompetitorViewSet, basename="competitor")
router.register(f"{COMPETITOR}/products", viewsets.CompetitorProductViewSet, basename="competitor-product")
router.register(f"{COMPETITOR}/news", viewsets.CompetitorNewsViewSet, basename="competitor-news")
router.register("competitor-news", viewsets.LatestNewsViewSet, basename="competitor-news-feed")

urlpatterns = router.urls
