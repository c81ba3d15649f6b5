from django.urls import path

from crm.portal.views import portal

app_name = "portal"

urlpatterns = [
    path("", portal.home, name="home"),
    path("login/", portal.login, name="login"),
    path("logout/", portal.logout, name="logout"),
    path("invitation/<str:token>/", portal.accept, name="accept"),
    path("services/new/", portal.request_create, name="request_create"),
    path("services/<int:pk>/", portal.detail, name="detail"),
    path("services/<int:pk>/feedback/", portal.feedback, name="feedback"),
    path("articles/", portal.articles, name="articles"),
    path("articles/<int:pk>/", portal.article, name="article"),
]
