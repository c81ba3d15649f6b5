"""REST API of the opportunities app: /api/v1/opportunities/ and their development plans."""

from rest_framework.routers import SimpleRouter

from crm.opportunities.api import views

router = SimpleRouter()
router.register("opportunities", views.OpportunityViewSet, basename="opportunity")
router.register("opportunity-tags", views.OpportunityTagViewSet, basename="opportunity-tag")
router.register("opportunity-pipelines", views.PipelineViewSet, basename="opportunity-pipeline")
router.register(
    r"opportunities/(?P<opportunity_pk>\d+)/plan-items", views.PlanItemViewSet, basename="opportunity-plan-item"
)

urlpatterns = router.urls
