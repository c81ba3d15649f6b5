"""Knowledge-base pages (SRV-7), under /knowledge/."""

from django.urls import path

from crm.knowledge.views import articles

app_name = "knowledge"

urlpatterns = [
    path("", articles.article_list, name="list"),
    path("new/", articles.article_create, name="create"),
    path("<int:pk>/", articles.article_detail, name="detail"),
    path("<int:pk>/edit/", articles.article_edit, name="edit"),
    path("<int:pk>/publish/", articles.article_publish, name="publish"),
    path("<int:pk>/unpublish/", articles.article_unpublish, name="unpublish"),
    path("<int:pk>/delete/", articles.article_delete, name="delete"),
]
