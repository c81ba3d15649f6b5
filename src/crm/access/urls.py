from django.urls import path

from crm.access.views import roles

app_name = "access"

urlpatterns = [
    path("", roles.role_list_view, name="role_list"),
    path("roles/new/", roles.role_create_view, name="role_create"),
    path("roles/<int:pk>/", roles.role_edit_view, name="role_edit"),
    path("roles/<int:pk>/delete/", roles.role_delete_view, name="role_delete"),
    path("roles/<int:pk>/users/add/", roles.role_user_add_view, name="role_user_add"),
    path("roles/<int:pk>/users/<int:user_pk>/remove/", roles.role_user_remove_view, name="role_user_remove"),
]
