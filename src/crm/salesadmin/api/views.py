"""Sales administration in the API (API.md): targets and the board of targets against actuals,
monthly reviews, work reports, expense claims with submit and paid, expense statistics. Records
outside the caller's scope are 404; bad input 400 with the field; a state conflict 409."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from crm.access.engine import access_for
from crm.core.api.pagination import ListPagination
from crm.core.api.viewsets import ERRORS, CrmViewSet
from crm.salesadmin.api import serializers as s
from crm.salesadmin.models import ExpenseClaim, Target, WorkReport
from crm.salesadmin.periods import SPANS
from crm.salesadmin.permissions import CLAIM, REPORT, TARGET
from crm.salesadmin.selectors import claims as claim_selectors
from crm.salesadmin.selectors import reports as report_selectors
from crm.salesadmin.selectors import targets as target_selectors
from crm.salesadmin.services import claims, reports, targets


@extend_schema_view(
    list=extend_schema(summary="List monthly sales targets of the people and departments in your scope"),
    create=extend_schema(summary="Set a month's target of a salesperson or a department",
                         request=s.TargetWriteSerializer, responses={201: s.TargetSerializer, **ERRORS}),
)
class TargetViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, CrmViewSet):
    resource = TARGET
    serializer_class = s.TargetSerializer
    pagination_class = ListPagination
    queryset = Target.objects.none()

    def get_permissions(self):
        self.required_action = "edit" if self.action == "create" else None  # targets are set, not created
        return super().get_permissions()

    def get_queryset(self):
        user = self.request.user
        people = target_selectors.people_in_scope(user).values("pk")
        departments = target_selectors.departments_in_scope(user).values("pk")
        return (Target.objects.filter(user__in=people) | Target.objects.filter(department__in=departments)
                ).order_by("-month", "id")

    def create(self, request, *args, **kwargs):
        data = self.valid(s.TargetWriteSerializer)
        target = targets.target_set(actor=request.user, month=data["month"], user=data.get("user"),
                                    department=data.get("department"), data=data)
        return Response(s.TargetSerializer(target).data, status=status.HTTP_201_CREATED)


def _period_query(request, function: str, serializer_class):
    """The function asked, the query checked (400), and the month, quarter or year it names."""
    access_for(request.user).require(function)
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    data = query.validated_data
    return data, SPANS[data["span"]](data.get("month") or timezone.localdate())


class BoardView(APIView):
    @extend_schema(summary="Targets against actuals for a month, quarter or year",
                   parameters=[s.BoardQuerySerializer], responses={200: s.TargetBoardSerializer, **ERRORS})
    def get(self, request):
        data, period = _period_query(request, f"{TARGET}.view", s.BoardQuerySerializer)
        department = None
        if data.get("department"):
            department = target_selectors.department_get(user=request.user, pk=data["department"])
        board = target_selectors.board(user=request.user, period=period, department=department)
        return Response(s.TargetBoardSerializer({"start": period.start, "end": period.end, **board}).data)


@extend_schema_view(
    create=extend_schema(summary="Score a salesperson's month (业务员月度考核); again to correct it",
                         request=s.ReviewWriteSerializer, responses={200: s.ReviewSerializer, **ERRORS}),
)
class ReviewViewSet(mixins.CreateModelMixin, CrmViewSet):
    resource = TARGET
    required_action = "review"
    serializer_class = s.ReviewSerializer
    queryset = Target.objects.none()

    def create(self, request, *args, **kwargs):
        data = self.valid(s.ReviewWriteSerializer)
        review = targets.review_save(actor=request.user, user=data["user"], month=data["month"],
                                     score=data["score"], comment=data.get("comment", ""))
        return Response(s.ReviewSerializer(review).data)


@extend_schema_view(
    list=extend_schema(summary="List work reports: yours (tab=mine), your team's (team), to score (to_review)"),
    retrieve=extend_schema(summary="Get a work report"),
    create=extend_schema(summary="Write a weekly or monthly report (figures are counted by the server)",
                         request=s.ReportWriteSerializer, responses={201: s.ReportSerializer, **ERRORS}),
    update=extend_schema(summary="Change (and submit) your draft", request=s.ReportTextSerializer,
                         responses={200: s.ReportSerializer, **ERRORS}),
)
class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    mixins.UpdateModelMixin, CrmViewSet):
    resource = REPORT
    serializer_class = s.ReportSerializer
    pagination_class = ListPagination
    queryset = WorkReport.objects.none()
    http_method_names = ["get", "post", "put", "head", "options"]
    required_action = None

    def get_permissions(self):
        if self.action == "update":
            self.required_action = "view"  # the author changes their own draft; the service checks
        return super().get_permissions()

    def get_queryset(self):
        tab = self.request.query_params.get("tab")
        return report_selectors.report_list(user=self.request.user, tab=tab if tab in report_selectors.TABS
                                            else "mine")

    def get_object(self):
        return report_selectors.report_get(user=self.request.user, pk=self.kwargs["pk"])

    def create(self, request, *args, **kwargs):
        data = self.valid(s.ReportWriteSerializer)
        report = reports.report_create(actor=request.user, kind=data["kind"], period_start=data["period_start"],
                                       data=data, submit=data["submit"])
        return Response(s.ReportSerializer(report).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        report = self.get_object()
        data = self.valid(s.ReportTextSerializer)
        report = reports.report_update(actor=request.user, report=report, data=data, submit=data["submit"])
        return Response(s.ReportSerializer(report).data)

    @extend_schema(summary="Comment and score a submitted report", request=s.ReportReviewSerializer,
                   responses={200: s.ReportSerializer, **ERRORS})
    @action(detail=True, methods=["post"], required_action="review")
    def review(self, request, pk=None):
        data = self.valid(s.ReportReviewSerializer)
        report = reports.report_review(actor=request.user, report=self.get_object(), score=data["score"],
                                       comment=data.get("comment", ""))
        return Response(s.ReportSerializer(report).data)


@extend_schema_view(
    list=extend_schema(summary="List expense claims in your scope"),
    retrieve=extend_schema(summary="Get an expense claim with its lines"),
    create=extend_schema(summary="Create an expense claim (a draft)", request=s.ClaimWriteSerializer,
                         responses={201: s.ClaimSerializer, **ERRORS}),
    update=extend_schema(summary="Replace a draft claim's title and lines", request=s.ClaimWriteSerializer,
                         responses={200: s.ClaimSerializer, **ERRORS}),
    destroy=extend_schema(summary="Delete a draft claim", responses={204: None, **ERRORS}),
)
class ClaimViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                   mixins.UpdateModelMixin, mixins.DestroyModelMixin, CrmViewSet):
    resource = CLAIM
    serializer_class = s.ClaimSerializer
    pagination_class = ListPagination
    queryset = ExpenseClaim.objects.none()
    http_method_names = ["get", "post", "put", "delete", "head", "options"]

    def get_queryset(self):
        status_filter = self.request.query_params.get("status") or ""
        return claim_selectors.claim_list(user=self.request.user, status=status_filter).prefetch_related(
            "lines__expense_type")

    def get_object(self):
        return claim_selectors.claim_get(user=self.request.user, pk=self.kwargs["pk"])

    def _lines(self, data) -> list[dict]:
        return claims.resolve_lines([dict(line) for line in data["lines"]])

    def create(self, request, *args, **kwargs):
        data = self.valid(s.ClaimWriteSerializer)
        claim = claims.claim_create(actor=request.user, data=data, lines=self._lines(data))
        return Response(s.ClaimSerializer(claim).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        claim = self.get_object()
        data = self.valid(s.ClaimWriteSerializer)
        claim = claims.claim_update(actor=request.user, claim=claim, data=data, lines=self._lines(data))
        return Response(s.ClaimSerializer(claim).data)

    def destroy(self, request, *args, **kwargs):
        claims.claim_delete(actor=request.user, claim=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary="Submit for approval (approved at once when no flow applies)", request=None,
                   responses={200: s.ClaimSerializer, **ERRORS})
    @action(detail=True, methods=["post"], required_action="edit")
    def submit(self, request, pk=None):
        claim = self.get_object()
        claims.claim_submit(actor=request.user, claim=claim)
        return Response(s.ClaimSerializer(ExpenseClaim.objects.get(pk=claim.pk)).data)

    @extend_schema(summary="Attach a receipt photo or PDF to a line of a draft claim",
                   request={"multipart/form-data": s.ReceiptUploadSerializer},
                   responses={200: s.ClaimSerializer, **ERRORS})
    @action(detail=True, methods=["post"], required_action="edit", parser_classes=[MultiPartParser],
            url_path=r"lines/(?P<line_pk>[0-9]+)/receipt")
    def receipt(self, request, pk=None, line_pk=None):
        claim = self.get_object()
        claims.line_receipt_attach(actor=request.user, claim=claim, line_id=line_pk,
                                   upload=request.FILES.get("file"))
        return Response(s.ClaimSerializer(ExpenseClaim.objects.get(pk=claim.pk)).data)

    @extend_schema(summary="Mark an approved claim paid (or unpaid)", request=s.PaySerializer,
                   responses={200: s.ClaimSerializer, **ERRORS})
    @action(detail=True, methods=["post"], required_action="pay")
    def paid(self, request, pk=None):
        data = self.valid(s.PaySerializer)
        claim = claims.claim_pay(actor=request.user, claim=self.get_object(), paid=data["paid"],
                                 paid_on=data.get("paid_on"))
        return Response(s.ClaimSerializer(ExpenseClaim.objects.get(pk=claim.pk)).data)


class ClaimStatsView(APIView):
    @extend_schema(summary="Approved expenses by type, person, department, customer or month",
                   parameters=[s.StatsQuerySerializer], responses={200: s.StatsRowSerializer(many=True), **ERRORS})
    def get(self, request):
        data, period = _period_query(request, f"{CLAIM}.view", s.StatsQuerySerializer)
        rows = claim_selectors.claim_stats(user=request.user, period=period, group=data["group"])
        return Response(s.StatsRowSerializer(rows, many=True).data)
