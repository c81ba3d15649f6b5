from rest_framework import serializers

from crm.core.api.serializers import UserBriefSerializer
from crm.jobs.models import JobRun


class JobRunSerializer(serializers.ModelSerializer):
    triggered_by = UserBriefSerializer(read_only=True, allow_null=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    duration_seconds = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = JobRun
        fields = [
            "id", "job", "status", "status_display", "scheduled_for", "kwargs", "result", "error", "triggered_by",
            "created_at", "started_at", "finished_at", "duration_seconds",
        ]
        read_only_fields = fields


class JobSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)
    schedule = serializers.CharField(read_only=True, help_text="The schedule in words; empty cron: on demand only.")
    cron = serializers.CharField(read_only=True, help_text='Crontab fields "minute hour day month weekday".')
    next_run_at = serializers.DateTimeField(read_only=True, allow_null=True)
    last_run = JobRunSerializer(read_only=True, allow_null=True)


class JobRunRequestSerializer(serializers.Serializer):
    kwargs = serializers.DictField(required=False, default=dict, help_text="Keyword arguments for the job.")
