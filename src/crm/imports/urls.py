from django.urls import path

from crm.imports.views import cleaning, exports, imports

app_name = "imports"

urlpatterns = [
    path("imports/", imports.home, name="home"),
    path("imports/templates/<slug:record_type>/", imports.template_download, name="template"),
    path("imports/<int:pk>/", imports.detail, name="detail"),
    path("imports/<int:pk>/map/", imports.mapping, name="mapping"),
    path("imports/<int:pk>/preview/", imports.preview, name="preview"),
    path("imports/<int:pk>/start/", imports.start, name="start"),
    path("imports/<int:pk>/progress/", imports.progress, name="progress"),
    path("imports/<int:pk>/rejects/", imports.rejects, name="rejects"),
    path("imports/<int:pk>/decide/", imports.decide, name="decide"),
    path("imports/<int:pk>/cancel/", imports.cancel, name="cancel"),
    path("imports/<int:pk>/resume/", imports.resume, name="resume"),
    path("imports/mappings/<int:pk>/delete/", imports.saved_delete, name="saved_delete"),
    path("exports/", exports.export_page, name="export_list"),
    path("exports/new/", exports.export_new, name="export_new"),
    path("exports/<int:pk>/download/", exports.export_download, name="export_download"),
    path("cleaning/", cleaning.cleaning, name="cleaning"),
    path("cleaning/fix/", cleaning.cleaning_fix, name="cleaning_fix"),
]
