from django.urls import path

from crm.approvals.views import flows, inbox

app_name = "approvals"

urlpatterns = [
    path("", inbox.inbox, name="inbox"),
    path("<int:pk>/", inbox.detail, name="detail"),
    path("<int:pk>/withdraw/", inbox.approval_withdraw, name="withdraw"),
    path("tasks/<int:pk>/approve/", inbox.task_approve, name="approve"),
    path("tasks/<int:pk>/reject/", inbox.task_reject, name="reject"),
    path("tasks/<int:pk>/add-approver/", inbox.task_add_approver, name="add_approver"),
    path("flows/", flows.flow_list, name="flows"),
    path("flows/new/", flows.flow_create, name="flow_create"),
    path("flows/<int:pk>/edit/", flows.flow_edit, name="flow_edit"),
    path("flows/<int:pk>/delete/", flows.flow_delete, name="flow_delete"),
]
