"""REST API of the approval engine: /api/v1/approvals/, /api/v1/approval-flows/."""

from rest_framework.routers import SimpleRouter

from crm.approvals.api import views

router = SimpleRouter()
router.register("approvals", views.ApprovalViewSet, basename="approval")
router.register("approval-flows", views.FlowViewSet, basename="approval-flow")

urlpatterns = router.urls
