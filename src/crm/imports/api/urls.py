from rest_framework.routers import SimpleRouter

from crm.imports.api.views import ExportViewSet, ImportTypeViewSet, ImportViewSet, SavedMappingViewSet

router = SimpleRouter()
router.register("import-types", ImportTypeViewSet, basename="import-type")
router.register("imports", ImportViewSet, basename="import")
router.register("import-mappings", SavedMappingViewSet, basename="import-mapping")
router.register("exports", ExportViewSet, basename="export")

urlpatterns = router.urls
