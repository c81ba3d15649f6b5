from django.urls import path

from crm.console.views import audit, pages

app_name = "console"

urlpatterns = [
    path("", pages.home, name="home"),
    path("search/", pages.search, name="search"),
    path("settings/", pages.settings_edit, name="settings"),
    path("branding/logo", pages.logo, name="logo"),
    path("audit/", audit.event_list, name="audit_list"),
    path("audit/<int:pk>/", audit.event_detail, name="audit_detail"),
]
