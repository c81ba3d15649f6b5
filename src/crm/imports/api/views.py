"""Imports and exports over the API (API.md, IMP-1, IMP-2): upload, map, preview, start, status,
errors and the rejects file; background exports and their files. Everyone sees only their own
imports and exports; the record types' permissions decide what may be imported or exported."""

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from crm.core.api.parsers import BoundedJSONParser
from crm.core.api.viewsets import CrmReadOnlyViewSet, CrmViewSet
from crm.core.errors import NotFound
from crm.core.uploads import stored_file
from crm.imports import files, registry
from crm.imports.api.serializers import (
    ExportJobSerializer,
    ExportRequestSerializer,
    ImportDecideSerializer,
    ImportIssueSerializer,
    ImportJobSerializer,
    ImportMapSerializer,
    ImportStartSerializer,
    ImportTypeSerializer,
    ImportUploadSerializer,
    PreviewSerializer,
    SavedMappingSerializer,
)
from crm.imports.models import ExportJob, ImportJob, IssueKind, SavedMapping
from crm.imports.selectors import (
    export_get,
    export_list,
    import_get,
    import_issues,
    import_list,
    saved_mapping_get,
    saved_mappings,
)
from crm.imports.services import exports as export_service
from crm.imports.services import lifecycle as service

FILE_RESPONSE = OpenApiResponse(OpenApiTypes.BINARY, description="The file (XLSX or CSV).")


def _spec(spec) -> dict:
    return {
        "key": spec.key,
        "label": str(spec.label),
        "required": spec.required,
        "kind": spec.kind,
        "aliases": list(spec.aliases),
        "allow_default": spec.allow_default,
        "help": str(spec.help or ""),
    }


class ImportTypeViewSet(CrmViewSet):
    """The record types the caller may import, with their fields and recognised headers."""

    serializer_class = ImportTypeSerializer
    pagination_class = None

    def list(self, request):
        data = [
            {
                "code": entry.code,
                "label": str(entry.label),
                "fields": [_spec(s) for s in entry.writable_fields(request.user)],
            }
            for entry in registry.types_for(request.user)
        ]
        return Response(ImportTypeSerializer(data, many=True).data)


@extend_schema_view(
    list=extend_schema(summary="My imports"),
    retrieve=extend_schema(summary="One import: status, progress, counts"),
    create=extend_schema(
        summary="Upload a file",
        request={"multipart/form-data": ImportUploadSerializer},
        responses={201: ImportJobSerializer},
        description="Analyses the file (format, encoding, header row) and matches its columns to fields. "
        "413 when over the size limit; 400 when it is no readable CSV or XLSX.",
    ),
)
class ImportViewSet(mixins.CreateModelMixin, CrmReadOnlyViewSet):
    serializer_class = ImportJobSerializer
    parser_classes = [MultiPartParser, FormParser, BoundedJSONParser]
    queryset = ImportJob.objects.none()

    def get_queryset(self):
        return import_list(user=self.request.user)

    def get_object(self):
        return import_get(user=self.request.user, pk=self.kwargs["pk"])

    def create(self, request, *args, **kwargs):
        upload = self.valid(ImportUploadSerializer)
        job = service.import_create(actor=request.user, record_type=upload["record_type"], upload=upload["file"])
        return Response(self._data(job), status=status.HTTP_201_CREATED)

    def _data(self, job):
        return ImportJobSerializer(job, context={"request": self.request}).data

    @extend_schema(request=ImportMapSerializer, responses={200: ImportJobSerializer}, summary="Map the columns")
    @action(detail=True, methods=["post"])
    def map(self, request, pk=None):
        job = self.get_object()
        data = self.valid(ImportMapSerializer)
        if data.get("mapping_name"):
            saved = saved_mapping_get(user=request.user, name=data["mapping_name"], record_type=job.record_type)
            job = service.import_apply_saved(actor=request.user, job=job, saved=saved)
        else:
            job = service.import_map(
                actor=request.user,
                job=job,
                mapping=data["mapping"],
                defaults=data.get("defaults"),
                policy=data.get("policy", ""),
                save_as=data.get("save_as", ""),
            )
        return Response(self._data(job))

    @extend_schema(responses={200: PreviewSerializer}, summary="The first rows as they will be stored")
    @action(detail=True, methods=["get"])
    def preview(self, request, pk=None):
        result = service.import_preview(actor=request.user, job=self.get_object())
        data = {"fields": [_spec(spec) for spec in result["fields"]], "rows": result["rows"]}
        return Response(PreviewSerializer(data).data)

    @extend_schema(
        request=ImportStartSerializer,
        responses={202: ImportJobSerializer},
        summary="Start the import (or a dry run)",
        description="Small files are imported before the answer comes; big ones run in the background: "
        "poll the import for its progress.",
    )
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        dry_run = self.valid(ImportStartSerializer)["dry_run"]
        job = service.import_start(actor=request.user, job=self.get_object(), dry_run=dry_run)
        return Response(self._data(job), status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", OpenApiTypes.STR, enum=IssueKind.values, description="rejected or duplicate")
        ],
        responses={200: ImportIssueSerializer(many=True)},
        summary="Rejected rows (with reasons) and rows waiting for a decision",
    )
    @action(detail=True, methods=["get"])
    def errors(self, request, pk=None):
        issues = import_issues(job=self.get_object(), kind=request.query_params.get("kind", ""))
        page = self.paginate_queryset(issues)
        return self.get_paginated_response(ImportIssueSerializer(page, many=True).data)

    @extend_schema(responses={200: FILE_RESPONSE}, summary="The rejected rows as a file like the uploaded one")
    @action(detail=True, methods=["get"])
    def rejects(self, request, pk=None):
        job = self.get_object()
        if not job.rejects:
            raise NotFound()
        content_type = files.rejects_type(job)
        filename = job.rejects.name.rsplit("/", 1)[-1]
        return FileResponse(stored_file(job.rejects), as_attachment=True, filename=filename, content_type=content_type)

    @extend_schema(
        request=ImportDecideSerializer, responses={200: ImportJobSerializer}, summary="Decide on waiting rows"
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        body = self.valid(ImportDecideSerializer)
        job = service.import_decide(
            actor=request.user,
            job=self.get_object(),
            decisions=body.get("decisions") or {},
            everything=body.get("everything") or "",
        )
        return Response(self._data(job))

    @extend_schema(request=None, responses={200: ImportJobSerializer}, summary="Cancel (imported rows stay)")
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return Response(self._data(service.import_cancel(actor=request.user, job=self.get_object())))

    @extend_schema(request=None, responses={202: ImportJobSerializer}, summary="Resume an interrupted import")
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        job = service.import_resume(actor=request.user, job=self.get_object())
        return Response(self._data(job), status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        parameters=[OpenApiParameter("record_type", OpenApiTypes.STR, OpenApiParameter.PATH)],
        responses={200: FILE_RESPONSE},
        summary="The XLSX template of a record type",
    )
    @action(detail=False, methods=["get"], url_path=r"templates/(?P<record_type>[\w-]+)")
    def template(self, request, record_type=None):
        content, filename = service.import_template(actor=request.user, record_type=record_type)
        response = FileResponse(iter([content]), content_type=files.XLSX_TYPE, as_attachment=True, filename=filename)
        return response


@extend_schema_view(list=extend_schema(summary="My saved column mappings"), destroy=extend_schema(summary="Delete one"))
class SavedMappingViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, CrmViewSet):
    serializer_class = SavedMappingSerializer
    queryset = SavedMapping.objects.none()

    def get_queryset(self):
        record_type = self.request.query_params.get("record_type", "")
        queryset = saved_mappings(user=self.request.user, record_type=record_type) if record_type else None
        if queryset is None:
            queryset = SavedMapping.objects.filter(owner=self.request.user).order_by("record_type", "name")
        return queryset

    def get_object(self):
        return saved_mapping_get(user=self.request.user, pk=self.kwargs["pk"])

    def perform_destroy(self, instance):
        service.saved_mapping_delete(actor=self.request.user, saved=instance)


@extend_schema_view(
    list=extend_schema(summary="My exports"),
    retrieve=extend_schema(summary="One export"),
    create=extend_schema(
        summary="Export a list",
        request=ExportRequestSerializer,
        responses={201: ExportJobSerializer, 202: ExportJobSerializer},
        description="201 with the finished export for small lists; 202 while a big one is made in the background. "
        "Needs the export permission; masked fields stay masked; audited.",
    ),
)
class ExportViewSet(mixins.CreateModelMixin, CrmReadOnlyViewSet):
    serializer_class = ExportJobSerializer
    queryset = ExportJob.objects.none()

    def get_queryset(self):
        return export_list(user=self.request.user)

    def get_object(self):
        return export_get(user=self.request.user, pk=self.kwargs["pk"])

    def create(self, request, *args, **kwargs):
        body = self.valid(ExportRequestSerializer)
        job = export_service.export_start(
            actor=request.user, record_type=body["record_type"], params=body["params"], fmt=body["format"], as_job=True
        )
        code = status.HTTP_201_CREATED if job.status == "succeeded" else status.HTTP_202_ACCEPTED
        return Response(ExportJobSerializer(job, context={"request": request}).data, status=code)

    @extend_schema(responses={200: FILE_RESPONSE}, summary="The export's file")
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        job = export_service.export_download(actor=request.user, job=self.get_object())
        return FileResponse(stored_file(job.file), as_attachment=True, filename=job.filename)
