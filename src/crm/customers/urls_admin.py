"""Customer settings pages (pools, tags, custom fields, duplicate rules): placeholder routes."""

from django.http import HttpResponse
from django.urls import path

from crm.core.views.decorators import require_function


@require_function("customers.pool.edit")
def settings_index(request):
    return HttpResponse("customer settings")


urlpatterns = [
    path("settings/", settings_index, name="settings"),
]
