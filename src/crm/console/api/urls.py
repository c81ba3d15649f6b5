from django.urls import path
from rest_framework.routers import SimpleRouter

from crm.console.api.views import AuditEventViewSet, WorkbenchView

router = SimpleRouter()
router.register("audit-events", AuditEventViewSet, basename="audit-event")

urlpatterns = [*router.urls, path("workbench/", WorkbenchView.as_view(), name="workbench")]
