from django.urls import path

from crm.opportunities.views import board, opportunities, pipelines, plan

app_name = "opportunities"

urlpatterns = [
    path("", opportunities.opportunity_list, name="list"),
    path("developing/", opportunities.developing, name="developing"),
    path("new/", opportunities.opportunity_create, name="create"),
    path("board/", board.board_page, name="board"),
    path("pipelines/", pipelines.pipeline_list, name="pipelines"),
    path("pipelines/new/", pipelines.pipeline_create, name="pipeline_create"),
    path("pipelines/<int:pk>/edit/", pipelines.pipeline_edit, name="pipeline_edit"),
    path("pipelines/<int:pk>/stages/new/", pipelines.stage_create, name="stage_create"),
    path("stages/<int:pk>/edit/", pipelines.stage_edit, name="stage_edit"),
    path("stages/<int:pk>/<str:action>/", pipelines.stage_action, name="stage_action"),
    path("tags/new/", pipelines.tag_create, name="tag_create"),
    path("tags/<int:pk>/edit/", pipelines.tag_edit, name="tag_edit"),
    path("tags/<int:pk>/delete/", pipelines.tag_delete, name="tag_delete"),
    path("board/columns/", board.board_columns, name="board_columns"),
    path("forecast/", board.forecast_page, name="forecast"),
    path("<int:pk>/move/", board.opportunity_move, name="move"),
    path("<int:pk>/deal/", board.opportunity_deal, name="deal"),
    path("<int:pk>/competitors/", opportunities.opportunity_competitors, name="competitors"),
    path("<int:pk>/tags/", opportunities.opportunity_tags, name="tags"),
    path("<int:pk>/share/", opportunities.opportunity_share, name="share"),
    path("<int:pk>/shares/<int:user_id>/delete/", opportunities.opportunity_unshare, name="unshare"),
    path("against-competitors/", board.against_competitors, name="against_competitors"),
    path("<int:pk>/", opportunities.opportunity_detail, name="detail"),
    path("<int:pk>/plan/", opportunities.opportunity_plan, name="plan"),
    path("<int:pk>/edit/", opportunities.opportunity_edit, name="edit"),
    path("<int:pk>/delete/", opportunities.opportunity_delete, name="delete"),
    path("<int:pk>/assign/", opportunities.opportunity_assign, name="assign"),
    path("<int:pk>/succeed/", opportunities.opportunity_succeed, name="succeed"),
    path("<int:pk>/fail/", opportunities.opportunity_fail, name="fail"),
    path("<int:pk>/plan/new/", plan.plan_item_add, name="plan_add"),
    path("<int:pk>/plan/<int:item_pk>/edit/", plan.plan_item_edit, name="plan_edit"),
    path("<int:pk>/plan/<int:item_pk>/result/", plan.plan_item_result, name="plan_result"),
    path("<int:pk>/plan/<int:item_pk>/delete/", plan.plan_item_delete, name="plan_delete"),
]
