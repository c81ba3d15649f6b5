from django.urls import path

from crm.service.views import agreements, knowledge, services

app_name = "service"

urlpatterns = [
    path("", services.service_list, name="list"),
    path("new/", services.service_create, name="create"),
    path("assign/", services.assign_list, name="assign_list"),
    path("handle/", services.handle_list, name="handle_list"),
    path("feedback/", services.feedback_list, name="feedback_list"),
    path("archive/", services.archive, name="archive"),
    path("<int:pk>/", services.service_detail, name="detail"),
    path("<int:pk>/assign/", services.service_assign, name="assign"),
    path("<int:pk>/handle/", services.service_handle, name="handle"),
    path("<int:pk>/feedback/", services.service_feedback, name="feedback"),
    path("<int:pk>/articles/", knowledge.service_articles, name="articles"),
    path("<int:pk>/make-article/", knowledge.service_make_article, name="make_article"),
    path("agreements/", agreements.agreement_list, name="agreements"),
    path("agreements/new/", agreements.agreement_create, name="agreement_create"),
    path("agreements/<int:pk>/edit/", agreements.agreement_edit, name="agreement_edit"),
    path("agreements/<int:pk>/delete/", agreements.agreement_delete, name="agreement_delete"),
]
