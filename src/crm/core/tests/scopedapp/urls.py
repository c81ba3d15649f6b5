"""The test settings' URLconf: the CRM's own plus the test records."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from crm.urls import handler400, handler403, handler404, handler500  # noqa: F401
from crm.urls import urlpatterns as crm_urlpatterns

from . import views

router = SimpleRouter()
router.register("scoped-records", views.RecordViewSet, basename="scoped-record")
router.register("scoped-notes", views.NoteViewSet, basename="scoped-note")

urlpatterns = [
    path("scoped/", views.record_list, name="scoped-list"),
    path("scoped/export/", views.record_export, name="scoped-export"),
    path("scoped/<int:pk>/", views.record_detail, name="scoped-detail"),
    path("api/v1/", include(router.urls)),
    *crm_urlpatterns,
]
