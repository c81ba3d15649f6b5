"""Pages of announcements and the know-how board, under /bulletin/."""

from django.urls import path

from crm.bulletin.views import announcements, posts

app_name = "bulletin"

urlpatterns = [
    path("announcements/", announcements.announcement_list, name="announcements"),
    path("announcements/new/", announcements.announcement_create, name="announcement_create"),
    path("announcements/<int:pk>/", announcements.announcement_detail, name="announcement"),
    path("announcements/<int:pk>/edit/", announcements.announcement_edit, name="announcement_edit"),
    path("announcements/<int:pk>/delete/", announcements.announcement_delete, name="announcement_delete"),
    path("announcements/<int:pk>/receipts/", announcements.announcement_receipts, name="announcement_receipts"),
    path("know-how/", posts.post_list, name="posts"),
    path("know-how/new/", posts.post_create, name="post_create"),
    path("know-how/<int:pk>/", posts.post_detail, name="post"),
    path("know-how/<int:pk>/edit/", posts.post_edit, name="post_edit"),
    path("know-how/<int:pk>/delete/", posts.post_delete, name="post_delete"),
    path("know-how/<int:pk>/like/", posts.post_like, name="post_like"),
    path("know-how/<int:pk>/answers/", posts.answer_create, name="answer_create"),
    path("know-how/<int:pk>/answers/<int:answer_pk>/delete/", posts.answer_delete, name="answer_delete"),
    path("know-how/<int:pk>/answers/<int:answer_pk>/like/", posts.answer_like, name="answer_like"),
]
