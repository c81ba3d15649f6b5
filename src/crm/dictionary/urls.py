from django.urls import path

from crm.dictionary.views import items, regions

app_name = "dictionary"

urlpatterns = [
    path("", items.item_list, name="item_list"),
    path("new/", items.item_create, name="item_create"),
    path("<int:pk>/edit/", items.item_edit, name="item_edit"),
    path("<int:pk>/delete/", items.item_delete, name="item_delete"),
    path("regions/", regions.region_list, name="region_list"),
    path("regions/cities/", regions.region_cities, name="region_cities"),
]
