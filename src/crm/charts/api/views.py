"""/api/v1/charts/<list>/: a list's chart, from the list's own filters, in the caller's scope."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from crm.charts import selectors
from crm.charts.api.serializers import ChartQuerySerializer, ChartSerializer
from crm.core.api.viewsets import ERRORS, CrmViewSet


class ChartViewSet(CrmViewSet):
    # No resource: each list's own view function is asked by the selector (403 without it).
    serializer_class = ChartSerializer

    @extend_schema(
        summary="A list's chart (列表图表)",
        description=(
            "The records of a list (customers, opportunities, leads, services, contracts) as its "
            "query string filters them, in your data scope, grouped by one or two fields, counted or "
            "with the sum or average of a number field. The top 10 groups (6 series) are kept, the rest "
            "are folded into others. The list's own filters are accepted besides these parameters. "
            "Fields you see hidden or masked cannot be grouped or summed (400)."
        ),
        parameters=[
            ChartQuerySerializer,
            OpenApiParameter("list", str, OpenApiParameter.PATH, enum=["customers", "opportunities", "leads",
                                                                        "services", "contracts"]),
        ],
        responses={200: ChartSerializer, **ERRORS},
    )
    def chart(self, request, list):
        source = selectors.chart_source(user=request.user, code=list)
        params = request.query_params
        settings = selectors.chart_settings(user=request.user, source=source, params=params, required=True)
        return Response(selectors.chart_data(user=request.user, source=source, settings=settings, params=params))
