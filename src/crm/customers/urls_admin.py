"""Customer settings pages: public pools, tags, custom fields, duplicate rules (/customers/settings/)."""

from django.urls import path

from crm.customers.views import settings

urlpatterns = [
    path("settings/", settings.settings_index, name="settings"),
    path("settings/pools/new/", settings.pool_create, name="settings_pool_create"),
    path("settings/pools/<int:pk>/edit/", settings.pool_edit, name="settings_pool_edit"),
    path("settings/pools/<int:pk>/delete/", settings.pool_delete, name="settings_pool_delete"),
    path("settings/tags/", settings.tag_list, name="settings_tags"),
    path("settings/tags/new/", settings.tag_create, name="settings_tag_create"),
    path("settings/tags/<int:pk>/edit/", settings.tag_edit, name="settings_tag_edit"),
    path("settings/tags/<int:pk>/delete/", settings.tag_delete, name="settings_tag_delete"),
    path("settings/fields/", settings.custom_field_list, name="settings_fields"),
    path("settings/fields/new/", settings.custom_field_create, name="settings_field_create"),
    path("settings/fields/<int:pk>/edit/", settings.custom_field_edit, name="settings_field_edit"),
    path("settings/fields/<int:pk>/toggle/", settings.custom_field_toggle, name="settings_field_toggle"),
    path("settings/fields/<int:pk>/delete/", settings.custom_field_delete, name="settings_field_delete"),
    path("settings/duplicates/", settings.duplicate_rules, name="settings_duplicates"),
    path("settings/contracts/", settings.contract_rules_page, name="settings_contracts"),
]
