"""REST API of the knowledge base: /api/v1/knowledge-articles/."""

from rest_framework.routers import SimpleRouter

from crm.knowledge.api import viewsets

router = SimpleRouter()
router.register("knowledge-articles", viewsets.ArticleViewSet, basename="knowledge-article")

urlpatterns = router.urls
