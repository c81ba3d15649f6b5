"""Reads of imports and exports: a user sees their own, nobody else's (a rejected row holds
the file's data, which may reach beyond the reader's scope)."""

from django.db.models import QuerySet

from crm.core.errors import NotFound
from crm.imports.models import ExportJob, ImportIssue, ImportJob, IssueKind, SavedMapping


def import_list(*, user) -> QuerySet:
    return ImportJob.objects.filter(owner=user).order_by("-id")


def import_get(*, user, pk) -> ImportJob:
    try:
        return ImportJob.objects.get(pk=pk, owner=user)
    except (ImportJob.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def import_issues(*, job: ImportJob, kind: str = "") -> QuerySet:
    issues = ImportIssue.objects.filter(job=job)
    if kind in IssueKind.values:
        issues = issues.filter(kind=kind)
    return issues.order_by("row_index")


def saved_mappings(*, user, record_type: str) -> QuerySet:
    return SavedMapping.objects.filter(owner=user, record_type=record_type).order_by("name")


def saved_mapping_get(*, user, pk=None, name: str = "", record_type: str = "") -> SavedMapping:
    queryset = SavedMapping.objects.filter(owner=user)
    if record_type:
        queryset = queryset.filter(record_type=record_type)
    try:
        return queryset.get(pk=pk) if pk is not None else queryset.get(name=name)
    except (SavedMapping.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def export_list(*, user) -> QuerySet:
    return ExportJob.objects.filter(owner=user).order_by("-id")


def export_get(*, user, pk) -> ExportJob:
    try:
        return ExportJob.objects.get(pk=pk, owner=user)
    except (ExportJob.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc
