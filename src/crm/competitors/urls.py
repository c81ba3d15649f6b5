"""Competitor pages (CMP-1, CMP-2, CMP-3), under /competitors/."""

from django.urls import path

from crm.competitors.views import competitors, news, related

app_name = "competitors"

urlpatterns = [
    path("", competitors.competitor_list, name="list"),
    path("new/", competitors.competitor_create, name="create"),
    path("news/", news.latest_news, name="news"),
    path("<int:pk>/", competitors.competitor_detail, name="detail"),
    path("<int:pk>/edit/", competitors.competitor_edit, name="edit"),
    path("<int:pk>/delete/", competitors.competitor_delete, name="delete"),
    path("<int:pk>/sections/<slug:key>/", competitors.competitor_section, name="section"),
    path("<int:pk>/products/new/", related.product_create, name="product_create"),
    path("<int:pk>/products/<int:product_pk>/edit/", related.product_edit, name="product_edit"),
    path("<int:pk>/products/<int:product_pk>/delete/", related.product_delete, name="product_delete"),
    path("<int:pk>/news/new/", related.news_create, name="news_create"),
    path("<int:pk>/news/<int:news_pk>/edit/", related.news_edit, name="news_edit"),
    path("<int:pk>/news/<int:news_pk>/delete/", related.news_delete, name="news_delete"),
]
