"""/api/v1/reports/…: the four reports of s003/5 §3.4, with the pages' filters and scope.

contribution and churn are paged lists (`count`, `next`, `previous`, `results`); composition and
services answer their few groups at once with the total (an action named `report`, not `list`:
the schema would describe a paged list)."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.response import Response

from crm.churn.models import ChurnWarning
from crm.core.api.pagination import ListPagination
from crm.core.api.viewsets import ERRORS, CrmViewSet
from crm.customers.models import Customer
from crm.orders.models import OrderLine
from crm.reports import dashboard, funnel, periods, products, selectors, work
from crm.reports.api import serializers as s
from crm.reports.permissions import CHURN, COMPOSITION, CONTRIBUTION, DASHBOARD, FUNNEL, PRODUCTS, SERVICES, WORK


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


# --- the sales reports (RPT-5…7) and the dashboard ----------------------------------------------
def _leaderboards(user, period) -> dict:
    return {
        key: [{"key": row.key, "name": row.name, "value": row.values[key]}
              for row in work.leaderboard(key, user=user, period=period)]
        for key in ("won_amount", "new_customers", "followups")
    }


class WorkViewSet(CrmViewSet):
    resource = WORK
    required_action = "view"
    serializer_class = s.WorkReportSerializer

    @extend_schema(
        summary="Salesperson work (销售人员工作汇总)",
        description="Per person or team of your data scope, in a period (this month by default): new customers, "
        "follow-ups, customers contacted, plan items done, new opportunities, won amount, services handled.",
        parameters=[s.WorkFilterSerializer],
        responses={200: s.WorkReportSerializer, **ERRORS},
    )
    def report(self, request):
        checked = s.WorkFilterSerializer(data=request.query_params)
        checked.is_valid(raise_exception=True)
        period = checked.period(periods.this_month())
        team = checked.validated_data.get("team")
        group = work.grouping(checked.validated_data.get("group"), team)
        report = work.work_report(user=request.user, period=period, group=group, team=team)
        data = {"period": period, "group": group, "rows": report.rows, "totals": report.totals}
        return Response(s.WorkReportSerializer(data).data)


class ProductsViewSet(PagedReportViewSet):
    resource = PRODUCTS
    serializer_class = s.ProductRowSerializer
    queryset = OrderLine.objects.none()
    filters = s.ProductsFilterSerializer

    @extend_schema(
        summary="Sales by product (产品销售统计)",
        description="Order lines of shipped and paid orders of your data scope's customers, summed by period "
        "(year, month or day) and product, the latest period first. This year by default.",
        parameters=[s.ProductsFilterSerializer],
        responses={200: s.ProductRowSerializer(many=True), **ERRORS},
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def read(self, user, filters: dict):
        return products.by_period_and_product(user=user, filters=products.filters_of(filters))


class FunnelViewSet(CrmViewSet):
    resource = FUNNEL
    required_action = "view"
    serializer_class = s.FunnelSerializer

    @extend_schema(
        summary="Sales funnel (销售漏斗)",
        description="Opportunities of your data scope created in the period (this year by default) by stage with "
        "the conversion to the next; the forecast of the six months from this one; won and lost in the period, "
        "by reason and by competitor; the leaders of the period.",
        parameters=[s.FunnelFilterSerializer],
        responses={200: s.FunnelSerializer, **ERRORS},
    )
    def report(self, request):
        checked = s.FunnelFilterSerializer(data=request.query_params)
        checked.is_valid(raise_exception=True)
        period = checked.period(periods.this_year())
        pipeline = funnel.pipeline_chosen(checked.validated_data.get("pipeline"))
        user = request.user
        data = {
            "pipeline": pipeline,
            "period": period,
            "steps": funnel.funnel(user=user, pipeline=pipeline, period=period) if pipeline else [],
            "forecast": funnel.forecast(user=user, pipeline=pipeline, start=timezone.localdate()),
            "closed": funnel.closed_totals(user=user, pipeline=pipeline, period=period),
            "lost_by_reason": funnel.lost_by_reason(user=user, pipeline=pipeline, period=period),
            "by_competitor": funnel.by_competitor(user=user, pipeline=pipeline, period=period),
            "leaderboards": _leaderboards(user, period),
        }
        return Response(s.FunnelSerializer(data).data)


class DashboardViewSet(CrmViewSet):
    resource = DASHBOARD
    required_action = "view"
    serializer_class = s.DashboardSerializer

    @extend_schema(
        summary="Management dashboard (管理驾驶舱)",
        description="Your team's figures for today, this week, this month and this year against the same stretch "
        "of the period before; this month's leaders; this year's funnel of the default pipeline; `blocks`: what "
        "other apps add, by key (`salesadmin.targets`: the team's targets against actuals this month, quarter "
        "and year).",
        responses={200: s.DashboardSerializer, **ERRORS},
    )
    def report(self, request):
        user = request.user
        pipeline = funnel.pipeline_chosen(None)
        year = periods.this_year()
        data = {
            "cards": dashboard.dashboard(user=user),
            "blocks": {block.key: data for block, data in dashboard.blocks(user=user)},
            "funnel": funnel.funnel(user=user, pipeline=pipeline, period=year) if pipeline else [],
            "leaderboards": _leaderboards(user, periods.this_month()),
        }
        return Response(s.DashboardSerializer(data).data)
