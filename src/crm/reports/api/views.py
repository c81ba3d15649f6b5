"""/api/v1/reports/…: the four reports of s003/5 §3.4, with the pages' filters and scope.

contribution and churn are paged lists (`count`, `next`, `previous`, `results`); composition and
services answer their few groups at once with the total (an action named `report`, not `list`:
the schema would describe a paged list)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.response import Response

from crm.churn.models import ChurnWarning
from crm.core.api.pagination import ListPagination
from crm.core.api.viewsets import ERRORS, CrmViewSet
from crm.customers.models import Customer
from crm.reports import selectors
from crm.reports.api import serializers as s
from crm.reports.permissions import CHURN, COMPOSITION, CONTRIBUTION, SERVICES


class PagedReportViewSet(mixins.ListModelMixin, CrmViewSet):
    """A report answered as a paged list: `filters` checks the query string, `read` the selector."""

    required_action = "view"
    pagination_class = ListPagination
    filters = None  # the serializer of the query parameters

    def read(self, user, filters: dict):
        raise NotImplementedError

    def get_queryset(self):
        if self.for_schema:
            return self.queryset
        return self.read(self.request.user, self.valid(self.filters, self.request.query_params))


class ContributionViewSet(PagedReportViewSet):
    resource = CONTRIBUTION
    serializer_class = s.ContributionRowSerializer
    queryset = Customer.objects.none()
    filters = s.ContributionFilterSerializer

    @extend_schema(
        summary="Customer contribution (客户贡献分析)",
        description="Every customer in your data scope with its total of shipped and paid orders.",
        parameters=[s.ContributionFilterSerializer],
        responses={200: s.ContributionRowSerializer(many=True), **ERRORS},
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def read(self, user, filters: dict):
        customer, ordering = filters.get("customer", ""), filters.get("ordering", "")
        return selectors.contribution(user=user, customer=customer, year=filters.get("year"), ordering=ordering)


class CompositionViewSet(CrmViewSet):
    resource = COMPOSITION
    required_action = "view"
    serializer_class = s.CompositionSerializer

    @extend_schema(
        summary="Customer composition (客户构成分析)",
        description="Customers of your data scope counted by level, credit or satisfaction, with shares.",
        parameters=[s.CompositionFilterSerializer],
        responses={200: s.CompositionSerializer, **ERRORS},
    )
    def report(self, request):
        by = self.valid(s.CompositionFilterSerializer, request.query_params).get("by") or "level"
        groups = selectors.composition(user=request.user, by=by)
        data = {"by": by, "total": sum(group.count for group in groups), "results": groups}
        return Response(s.CompositionSerializer(data).data)


class ServicesViewSet(CrmViewSet):
    resource = SERVICES
    required_action = "view"
    serializer_class = s.ServicesSerializer

    @extend_schema(
        summary="Service composition (客户服务分析)",
        description="Services of your data scope counted by type, of one year (by creation) or of all.",
        parameters=[s.YearSerializer],
        responses={200: s.ServicesSerializer, **ERRORS},
    )
    def report(self, request):
        year = self.valid(s.YearSerializer, request.query_params).get("year")
        groups = selectors.service_composition(user=request.user, year=year)
        data = {"year": year, "total": sum(group.count for group in groups), "results": groups}
        return Response(s.ServicesSerializer(data).data)


class ChurnViewSet(PagedReportViewSet):
    resource = CHURN
    serializer_class = s.ChurnRecordSerializer
    queryset = ChurnWarning.objects.none()
    filters = s.ChurnFilterSerializer

    @extend_schema(
        summary="Churn analysis (客户流失分析)",
        description="The confirmed churn records of your data scope, newest confirmation first.",
        parameters=[s.ChurnFilterSerializer],
        responses={200: s.ChurnRecordSerializer(many=True), **ERRORS},
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def read(self, user, filters: dict):
        customer, manager = filters.get("customer", ""), filters.get("manager", "")
        return selectors.churn_records(user=user, customer=customer, manager=manager)
