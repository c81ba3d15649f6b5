from rest_framework import serializers

from crm.imports.models import DuplicatePolicy, ExportJob, ImportIssue, ImportJob, SavedMapping
from crm.imports.services.lifecycle import is_interrupted


class FieldSpecSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    required = serializers.BooleanField()
    kind = serializers.CharField()
    aliases = serializers.ListField(child=serializers.CharField())
    allow_default = serializers.BooleanField()
    help = serializers.CharField()


class ImportTypeSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    fields = FieldSpecSerializer(many=True)


class ImportJobSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    percent = serializers.IntegerField(read_only=True)
    rejects_url = serializers.SerializerMethodField()
    interrupted = serializers.SerializerMethodField(
        help_text="Its process is gone (or it failed part-way): POST …/resume/ continues from the checkpoint."
    )

    class Meta:
        model = ImportJob
        fields = [
            "id", "record_type", "status", "status_display", "original_name", "file_format", "encoding", "sheet",
            "header_row", "headers", "samples", "total_rows", "mapping", "defaults", "policy", "dry_run", "next_row",
            "percent", "created_count", "updated_count", "skipped_count", "rejected_count", "waiting_count", "error",
            "rejects_url", "interrupted", "created_at", "started_at", "finished_at",
        ]
        read_only_fields = fields

    def get_interrupted(self, job) -> bool:
        return is_interrupted(job)

    def get_rejects_url(self, job) -> str | None:
        if not job.rejects:
            return None
        request = self.context.get("request")
        path = f"/api/v1/imports/{job.pk}/rejects/"
        return request.build_absolute_uri(path) if request else path


class ImportUploadSerializer(serializers.Serializer):
    record_type = serializers.CharField(help_text="customers, contacts, … (GET /api/v1/import-types/)")
    file = serializers.FileField(help_text="CSV (UTF-8 or GBK) or XLSX")


class ImportMapSerializer(serializers.Serializer):
    mapping = serializers.DictField(
        child=serializers.CharField(allow_blank=True), help_text='{"column index": "field key"}, e.g. {"0": "name"}'
    )
    defaults = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False, help_text="Values for rows without one."
    )
    policy = serializers.ChoiceField(choices=DuplicatePolicy.choices, required=False)
    save_as = serializers.CharField(required=False, allow_blank=True, max_length=50)
    mapping_name = serializers.CharField(
        required=False, allow_blank=True, help_text="Apply a saved mapping instead of `mapping`."
    )


class ImportStartSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField(default=False)


class ImportDecideSerializer(serializers.Serializer):
    decisions = serializers.DictField(
        child=serializers.ChoiceField(choices=["skip", "update", "create"]),
        required=False,
        help_text='{"row index": "skip" | "update" | "create"}',
    )
    everything = serializers.ChoiceField(choices=["", "skip", "update", "create"], required=False, default="")


class PreviewRowSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    number = serializers.IntegerField()
    outcome = serializers.CharField()
    message = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    values = serializers.DictField(child=serializers.CharField())
    record_number = serializers.CharField(allow_blank=True)


class PreviewSerializer(serializers.Serializer):
    fields = FieldSpecSerializer(many=True)
    rows = PreviewRowSerializer(many=True)


class ImportIssueSerializer(serializers.ModelSerializer):
    decision = serializers.CharField(read_only=True, help_text="skip, update, create, or empty while undecided")

    class Meta:
        model = ImportIssue
        fields = ["row_index", "row_number", "kind", "values", "message", "matches", "decision"]
        read_only_fields = fields


class SavedMappingSerializer(serializers.ModelSerializer):
    class Meta:
        model = SavedMapping
        fields = ["id", "record_type", "name", "columns", "defaults", "policy", "updated_at"]
        read_only_fields = fields


class ExportJobSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = [
            "id", "record_type", "file_format", "params", "status", "status_display", "rows", "error", "download_url",
            "created_at", "finished_at", "expires_at",
        ]
        read_only_fields = fields

    def get_download_url(self, job) -> str | None:
        if job.status != "succeeded" or not job.file:
            return None
        request = self.context.get("request")
        path = f"/api/v1/exports/{job.pk}/download/"
        return request.build_absolute_uri(path) if request else path


class ExportRequestSerializer(serializers.Serializer):
    record_type = serializers.CharField(default="customers")
    format = serializers.ChoiceField(choices=["xlsx", "csv"], default="xlsx")
    params = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="The list's filters as a query string, e.g. level=3&q=华信",
    )
