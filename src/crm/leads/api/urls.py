"""REST API of the leads app: /api/v1/leads/."""

from rest_framework.routers import SimpleRouter

from crm.leads.api import views

router = SimpleRouter()
router.register("leads", views.LeadViewSet, basename="lead")

urlpatterns = router.urls
