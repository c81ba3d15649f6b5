from django.urls import path

from crm.identity.views import auth, departments, users

app_name = "identity"

urlpatterns = [
    path("login/", auth.login_view, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("profile/", auth.profile, name="profile"),
    path("profile/password/", auth.password_change_view, name="password_change"),
    path("users/", users.user_list, name="user_list"),
    path("users/new/", users.user_create, name="user_create"),
    path("users/<int:pk>/edit/", users.user_edit, name="user_edit"),
    path("users/<int:pk>/password/", users.user_password, name="user_password"),
    path("users/<int:pk>/disable/", users.user_disable, name="user_disable"),
    path("users/<int:pk>/enable/", users.user_enable, name="user_enable"),
    path("users/<int:pk>/depart/", users.user_depart, name="user_depart"),
    path("departments/", departments.department_list, name="department_list"),
    path("departments/new/", departments.department_create, name="department_create"),
    path("departments/<int:pk>/edit/", departments.department_edit, name="department_edit"),
    path("departments/<int:pk>/delete/", departments.department_delete, name="department_delete"),
]
