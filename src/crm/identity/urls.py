from django.urls import path

from crm.identity.views import auth

app_name = "identity"

urlpatterns = [
    path("login/", auth.login_view, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("profile/", auth.profile, name="profile"),
    path("profile/password/", auth.password_change_view, name="password_change"),
]
