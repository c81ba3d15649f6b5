from django.urls import path

from crm.core.views import pages

app_name = "core"

urlpatterns = [
    path("", pages.home, name="home"),
    path("search/", pages.search, name="search"),
    path("settings/", pages.settings_edit, name="settings"),
    path("branding/logo", pages.logo, name="logo"),
]
