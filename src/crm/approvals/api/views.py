"""Approvals in the API (API.md): /api/v1/approvals/ (the inbox by `box`, one approval, and the
acts approve, reject or send back, add-approver, withdraw) and /api/v1/approval-flows/ for
administrators. An approval is visible to the people in its chain only (404 for anyone else);
an act needs the caller's own open task in it."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from crm.approvals import flows, selectors, services
from crm.approvals.api import serializers as s
from crm.approvals.models import Approval, ApprovalTask, Flow
from crm.approvals.permissions import FLOW
from crm.core.api.pagination import ListPagination
from crm.core.api.viewsets import ERRORS, CrmViewSet
from crm.core.errors import Conflict, NotFound


@extend_schema_view(
    list=extend_schema(summary="The approval inbox", parameters=[s.BoxSerializer]),
    retrieve=extend_schema(summary="One approval with its plan, tasks, history and document snapshot"),
)
class ApprovalViewSet(mixins.RetrieveModelMixin, mixins.ListModelMixin, CrmViewSet):
    """Approvals 审批 you take part in: waiting for you, done by you, submitted by you, copied to you."""

    serializer_class = s.ApprovalSerializer
    pagination_class = ListPagination
    queryset = Approval.objects.none()

    def get_serializer_class(self):
        return s.ApprovalSerializer if self.action == "list" else s.ApprovalDetailSerializer

    def list(self, request, *args, **kwargs):
        box = self.valid(s.BoxSerializer, request.query_params)["box"]
        page = self.paginate_queryset(selectors.inbox(user=request.user, box=box))
        approvals = [row if box == "submitted" else row.approval for row in page]
        data = s.ApprovalSerializer(approvals, many=True).data
        if box in ("waiting", "done"):
            for row, item in zip(page, data, strict=True):
                item["task"] = row.pk
        return self.get_paginated_response(data)

    def get_object(self):
        return selectors.approval_get(user=self.request.user, pk=self.kwargs["pk"])

    def retrieve(self, request, *args, **kwargs):
        return self._answer(self.get_object().pk)

    def _answer(self, pk):
        approval = Approval.objects.prefetch_related("tasks__approver", "tasks__added_by", "log__actor").get(pk=pk)
        return Response(s.ApprovalDetailSerializer(approval).data)

    def _my_task(self) -> ApprovalTask:
        approval = self.get_object()
        task = selectors.my_open_task(user=self.request.user, approval=approval)
        if task is None:
            raise Conflict(_("No decision of yours is due in this approval."), code="no_task")
        return task

    @extend_schema(
        summary="Approve", request=s.CommentSerializer, responses={200: s.ApprovalDetailSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        task = self._my_task()
        data = self.valid(s.CommentSerializer)
        services.task_approve(actor=request.user, task_id=task.pk, comment=data["comment"])
        return self._answer(task.approval_id)

    @extend_schema(
        summary="Reject, or send back to an earlier step (退回)",
        description="Without `back_to` the approval ends rejected and the document returns to its submitter; "
        "with `back_to` (an earlier plan step's index) that step's approvers decide again.",
        request=s.RejectSerializer,
        responses={200: s.ApprovalDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        task = self._my_task()
        data = self.valid(s.RejectSerializer)
        services.task_reject(actor=request.user, task_id=task.pk, reason=data["reason"], back_to=data["back_to"])
        return self._answer(task.approval_id)

    @extend_schema(summary="Add an approver to the current step (加签)", request=s.AddApproverSerializer,
                   responses={200: s.ApprovalDetailSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="add-approver")
    def add_approver(self, request, pk=None):
        task = self._my_task()
        data = self.valid(s.AddApproverSerializer)
        services.task_add_approver(actor=request.user, task_id=task.pk, user=data["user"], comment=data["comment"])
        return self._answer(task.approval_id)

    @extend_schema(summary="Withdraw (the submitter)", request=s.CommentSerializer,
                   responses={200: s.ApprovalDetailSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        approval = self.get_object()
        data = self.valid(s.CommentSerializer)
        services.approval_withdraw(actor=request.user, approval_id=approval.pk, comment=data["comment"])
        return self._answer(approval.pk)


@extend_schema_view(
    list=extend_schema(summary="List approval flows"),
    retrieve=extend_schema(summary="Get an approval flow with its steps"),
    create=extend_schema(summary="Create an approval flow", request=s.FlowWriteSerializer,
                         responses={201: s.FlowSerializer, **ERRORS}),
    update=extend_schema(summary="Replace an approval flow and its steps", request=s.FlowWriteSerializer,
                         responses={200: s.FlowSerializer, **ERRORS}),
    destroy=extend_schema(summary="Delete an approval flow no approval has used", responses={204: None, **ERRORS}),
)
class FlowViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
    mixins.DestroyModelMixin, CrmViewSet,
):
    """Approval flows 审批流 (administrators): conditions, steps, rules and post-actions, validated on save."""

    resource = FLOW
    serializer_class = s.FlowSerializer
    pagination_class = ListPagination
    queryset = Flow.objects.prefetch_related("steps__users", "steps__cc_users", "notify_users").order_by("id")
    http_method_names = ["get", "post", "put", "delete", "head", "options"]

    def get_object(self):
        flow = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if flow is None:
            raise NotFound()
        return flow

    def _save(self, flow=None):
        data = self.valid(s.FlowWriteSerializer)
        steps = [dict(step, conditions=[dict(c) for c in step["conditions"]]) for step in data.pop("steps")]
        data["conditions"] = [dict(c) for c in data["conditions"]]
        saved = flows.flow_save(
            actor=self.request.user, document_type=data.pop("document_type"), data=data, steps=steps, flow=flow
        )
        return s.FlowSerializer(self.get_queryset().get(pk=saved.pk)).data

    def create(self, request, *args, **kwargs):
        return Response(self._save(), status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        return Response(self._save(self.get_object()))

    def destroy(self, request, *args, **kwargs):
        flows.flow_delete(actor=request.user, flow=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
