"""Background jobs over the API: the registered jobs, "run now", and the run log."""

from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from crm.core.api.viewsets import FILTERS, CrmReadOnlyViewSet, CrmViewSet
from crm.jobs.api.serializers import JobRunRequestSerializer, JobRunSerializer, JobSerializer
from crm.jobs.models import JobRun, JobRunStatus
from crm.jobs.selectors import job_get, job_list, job_run_list
from crm.jobs.services import job_run_now

NAME_PARAMETER = OpenApiParameter("name", OpenApiTypes.STR, OpenApiParameter.PATH, description="Job name")


class JobViewSet(CrmViewSet):
    """The registered jobs with their schedule, last run and next due time."""

    resource = "jobs.job"
    serializer_class = JobSerializer
    lookup_field = "name"
    lookup_value_regex = r"[\w.\-]+"

    def list(self, request):
        page = self.paginate_queryset(job_list(user=request.user))
        return self.get_paginated_response(JobSerializer(page, many=True).data)

    @extend_schema(parameters=[NAME_PARAMETER], responses=JobSerializer)
    def retrieve(self, request, name=None):
        return Response(JobSerializer(job_get(user=request.user, name=name)).data)

    @extend_schema(
        parameters=[NAME_PARAMETER],
        request=JobRunRequestSerializer,
        responses={202: JobRunSerializer},
        description="Start the job now. Answers 202 with the run; 409 while a run is queued or running.",
    )
    @action(detail=True, methods=["post"], required_action="run")
    def run(self, request, name=None):
        kwargs = self.valid(JobRunRequestSerializer).get("kwargs") or None
        run = job_run_now(actor=request.user, name=name, kwargs=kwargs)
        run.refresh_from_db()
        return Response(JobRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class JobRunFilter(filters.FilterSet):
    job = filters.CharFilter()
    status = filters.ChoiceFilter(choices=JobRunStatus.choices)

    class Meta:
        model = JobRun
        fields = ["job", "status"]


class JobRunViewSet(CrmReadOnlyViewSet):
    """The job-run log: start, end, outcome and error of every run."""

    resource = "jobs.job"
    serializer_class = JobRunSerializer
    filter_backends = FILTERS
    filterset_class = JobRunFilter
    ordering_fields = ["id", "created_at", "finished_at"]
    ordering = ["-id"]
    search_fields = ["job"]

    def get_queryset(self):
        return job_run_list(user=self.request.user)
