from rest_framework import serializers

from crm.access.models import Role
from crm.approvals import registry
from crm.approvals.models import Approval, ApprovalLog, ApprovalTask, ApproverKind, Flow, StepMode
from crm.identity.models import Department, User


class BoxSerializer(serializers.Serializer):
    box = serializers.ChoiceField(choices=["waiting", "done", "submitted", "cc"], default="waiting")


class ApprovalSerializer(serializers.ModelSerializer):
    submitter = serializers.CharField(source="submitter.username", read_only=True)

    class Meta:
        model = Approval
        fields = ["id", "document_type", "object_id", "title", "amount", "status", "current_step", "submitter",
                  "submitted_at", "decided_at", "reason"]


class TaskSerializer(serializers.ModelSerializer):
    approver = serializers.CharField(source="approver.username", read_only=True)
    added_by = serializers.CharField(source="added_by.username", read_only=True, default=None)

    class Meta:
        model = ApprovalTask
        fields = ["id", "step", "seq", "approver", "state", "added_by", "activated_at", "acted_at", "comment"]


class LogSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", read_only=True, default=None)

    class Meta:
        model = ApprovalLog
        fields = ["action", "actor", "step", "comment", "created_at"]


class ApprovalDetailSerializer(ApprovalSerializer):
    plan = serializers.JSONField(read_only=True)
    snapshot = serializers.JSONField(read_only=True)
    tasks = TaskSerializer(many=True, read_only=True)
    log = LogSerializer(many=True, read_only=True)
    flow = serializers.CharField(source="flow.name", read_only=True)

    class Meta(ApprovalSerializer.Meta):
        fields = [*ApprovalSerializer.Meta.fields, "flow", "plan", "snapshot", "tasks", "log"]


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
    back_to = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=100, default=None)


class AddApproverSerializer(serializers.Serializer):
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class ConditionSerializer(serializers.Serializer):
    field = serializers.CharField(max_length=50)
    op = serializers.CharField(max_length=10)
    value = serializers.JSONField()


class StepSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    approver_kind = serializers.ChoiceField(choices=ApproverKind.choices)
    users = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True, required=False, default=list)
    levels = serializers.IntegerField(min_value=1, max_value=10, required=False, default=1)
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), required=False, allow_null=True, default=None
    )
    role = serializers.PrimaryKeyRelatedField(
        queryset=Role.objects.all(), required=False, allow_null=True, default=None
    )
    mode = serializers.ChoiceField(choices=StepMode.choices, required=False, default=StepMode.ANY)
    conditions = ConditionSerializer(many=True, required=False, default=list, max_length=10)
    cc_users = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True, required=False, default=list)


class FlowWriteSerializer(serializers.Serializer):
    document_type = serializers.ChoiceField(choices=[])
    name = serializers.CharField(max_length=100)
    is_active = serializers.BooleanField(required=False, default=True)
    priority = serializers.IntegerField(min_value=0, max_value=1000, required=False, default=10)
    conditions = ConditionSerializer(many=True, required=False, default=list, max_length=10)
    on_no_approver = serializers.CharField(required=False, default="skip", max_length=10)
    fallback_approver = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), required=False, allow_null=True, default=None
    )
    on_self = serializers.CharField(required=False, default="skip", max_length=10)
    approved_status = serializers.CharField(required=False, allow_blank=True, default="", max_length=30)
    notify_users = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), many=True, required=False, default=list
    )
    webhook_url = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    remind_after_hours = serializers.IntegerField(min_value=1, max_value=720, required=False, default=24)
    steps = StepSerializer(many=True, max_length=20)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document_type"].choices = registry.choices()  # registered by the apps when they load


class FlowStepReadSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    name = serializers.CharField()
    approver_kind = serializers.CharField()
    users = serializers.SerializerMethodField()
    levels = serializers.IntegerField()
    department = serializers.IntegerField(source="department_id", allow_null=True)
    role = serializers.IntegerField(source="role_id", allow_null=True)
    mode = serializers.CharField()
    conditions = serializers.JSONField()
    cc_users = serializers.SerializerMethodField()

    def get_users(self, step) -> list[int]:
        return [u.pk for u in step.users.all()]

    def get_cc_users(self, step) -> list[int]:
        return [u.pk for u in step.cc_users.all()]


class FlowSerializer(serializers.ModelSerializer):
    steps = FlowStepReadSerializer(many=True, read_only=True)
    notify_users = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Flow
        fields = ["id", "document_type", "name", "is_active", "priority", "conditions", "on_no_approver",
                  "fallback_approver", "on_self", "approved_status", "notify_users", "webhook_url",
                  "remind_after_hours", "version", "steps"]
