"""Commissions 提成 in the API (SADM-4): rules, months (calculate, review, lock, adjustments) and
their lines with how each was computed. Lines outside the caller's scope do not exist (404); a
locked month refuses every change (409); bad input 400 with the field."""

import datetime

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from crm.core.api.pagination import ListPagination
from crm.core.api.viewsets import ERRORS, CrmViewSet
from crm.core.errors import NotFound
from crm.identity.models import User
from crm.salesadmin.commission_models import CommissionBasis, CommissionLine, CommissionMonth, CommissionRule
from crm.salesadmin.permissions import COMMISSION, COMMISSION_RULE
from crm.salesadmin.selectors import commissions as selectors
from crm.salesadmin.services import commissions as services

MONTH = r"\d{4}-\d{2}"


class CommissionTierSerializer(serializers.Serializer):
    # "from" is a Python keyword: the field is declared below under its JSON name.
    rate = serializers.DecimalField(max_digits=5, decimal_places=2, help_text="Percent paid, 0–100.")


CommissionTierSerializer._declared_fields["from"] = serializers.DecimalField(
    max_digits=7, decimal_places=2, help_text="Attainment in percent where the tier starts (inclusive).")


class CommissionRuleSerializer(serializers.ModelSerializer):
    tiers = CommissionTierSerializer(many=True)

    class Meta:
        model = CommissionRule
        fields = ["id", "name", "basis", "category", "tiers", "active", "created_at", "updated_at"]
        read_only_fields = fields


class CommissionRuleWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    basis = serializers.ChoiceField(choices=CommissionBasis.choices)
    category = serializers.CharField(max_length=100, required=False, allow_blank=True,
                                     help_text="A product category; empty for the whole amount.")
    tiers = serializers.ListField(child=serializers.DictField(), min_length=1, max_length=10,
                                  help_text='[{"from": "0", "rate": "2"}, {"from": "80", "rate": "3"}, …]')
    active = serializers.BooleanField(default=True)


class CommissionLineSerializer(serializers.ModelSerializer):
    month = serializers.DateField(source="period.month", read_only=True)
    user_name = serializers.CharField(source="user.__str__", read_only=True)
    corrects = serializers.SerializerMethodField()

    class Meta:
        model = CommissionLine
        fields = ["id", "month", "user", "user_name", "kind", "rule", "rule_name", "basis", "category",
                  "basis_amount", "target", "actual", "attainment", "tier_from", "rate", "amount", "reason",
                  "corrects", "created_at"]
        read_only_fields = fields

    def get_corrects(self, line) -> str | None:
        return line.corrects.month.strftime("%Y-%m") if line.corrects_id else None


class CommissionLineDetailSerializer(CommissionLineSerializer):
    class Meta(CommissionLineSerializer.Meta):
        fields = [*CommissionLineSerializer.Meta.fields, "explanation"]
        read_only_fields = fields


class CommissionMonthSerializer(serializers.ModelSerializer):
    class Meta:
        model = CommissionMonth
        fields = ["month", "status", "calculated_at", "calculated_by", "reviewed_at", "reviewed_by", "locked_at",
                  "locked_by"]
        read_only_fields = fields


class CommissionDepartmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="department.pk")
    name = serializers.CharField(source="department.name")
    people = serializers.IntegerField()
    total = serializers.DecimalField(max_digits=16, decimal_places=2)


class CommissionMonthDetailSerializer(CommissionMonthSerializer):
    lines = serializers.SerializerMethodField()
    departments = serializers.SerializerMethodField()
    total = serializers.SerializerMethodField()

    class Meta(CommissionMonthSerializer.Meta):
        fields = [*CommissionMonthSerializer.Meta.fields, "total", "departments", "lines"]
        read_only_fields = fields

    def _view(self, row):
        if not hasattr(self, "_month_view"):
            self._month_view = selectors.month_view(user=self.context["request"].user, period=row)
        return self._month_view

    def get_lines(self, row) -> CommissionLineSerializer(many=True):
        lines = [line for person in self._view(row)["people"] for line in person.lines]
        return CommissionLineSerializer(lines, many=True).data

    def get_departments(self, row) -> CommissionDepartmentSerializer(many=True):
        return CommissionDepartmentSerializer(self._view(row)["departments"], many=True).data

    def get_total(self, row) -> serializers.DecimalField(max_digits=16, decimal_places=2):
        return str(self._view(row)["total"])


class CommissionAdjustmentSerializer(serializers.Serializer):
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    amount = serializers.DecimalField(max_digits=10, decimal_places=2, help_text="Negative to take back.")
    reason = serializers.CharField(max_length=500)


def _month(text: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise NotFound() from None


@extend_schema_view(
    list=extend_schema(summary="List commission rules"),
    retrieve=extend_schema(summary="Get a commission rule"),
    create=extend_schema(summary="Create a commission rule", request=CommissionRuleWriteSerializer,
                         responses={201: CommissionRuleSerializer, **ERRORS}),
    update=extend_schema(summary="Change a commission rule (months already calculated keep theirs)",
                         request=CommissionRuleWriteSerializer, responses={200: CommissionRuleSerializer, **ERRORS}),
)
class CommissionRuleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                            mixins.UpdateModelMixin, CrmViewSet):
    resource = COMMISSION_RULE
    serializer_class = CommissionRuleSerializer
    pagination_class = ListPagination
    queryset = CommissionRule.objects.none()
    http_method_names = ["get", "post", "put", "head", "options"]

    def get_permissions(self):
        if self.action in ("create", "update"):
            self.required_action = "manage"
        return super().get_permissions()

    def get_queryset(self):
        return selectors.rule_list(user=self.request.user)

    def get_object(self):
        return selectors.rule_get(user=self.request.user, pk=self.kwargs["pk"])

    def create(self, request, *args, **kwargs):
        rule = services.rule_save(actor=request.user, data=self.valid(CommissionRuleWriteSerializer))
        return Response(CommissionRuleSerializer(rule).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        data = self.valid(CommissionRuleWriteSerializer)
        rule = services.rule_save(actor=request.user, data=data, rule=self.get_object())
        return Response(CommissionRuleSerializer(rule).data)


MONTH_PARAMETER = OpenApiParameter("month", str, OpenApiParameter.PATH, description="The month, YYYY-MM.")


@extend_schema_view(
    list=extend_schema(summary="List the months with commissions and their status"),
    retrieve=extend_schema(summary="A month's commissions in your scope: lines, departments' totals",
                           parameters=[MONTH_PARAMETER], responses={200: CommissionMonthDetailSerializer, **ERRORS}),
)
class CommissionMonthViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CrmViewSet):
    resource = COMMISSION
    serializer_class = CommissionMonthSerializer
    pagination_class = ListPagination
    queryset = CommissionMonth.objects.none()
    lookup_field = "month"
    lookup_value_regex = MONTH

    def get_queryset(self):
        return selectors.month_list(user=self.request.user)

    def retrieve(self, request, *args, **kwargs):
        row = selectors.month_find(_month(kwargs["month"]))
        if row is None:
            raise NotFound()
        return Response(CommissionMonthDetailSerializer(row, context=self.get_serializer_context()).data)

    def _answer(self, row) -> Response:
        return Response(CommissionMonthDetailSerializer(CommissionMonth.objects.get(pk=row.pk),
                                              context=self.get_serializer_context()).data)

    @extend_schema(summary="Calculate (again) a month that is not locked", request=None, parameters=[MONTH_PARAMETER],
                   responses={200: CommissionMonthDetailSerializer, **ERRORS})
    @action(detail=True, methods=["post"], required_action="calculate")
    def calculate(self, request, month=None):
        return self._answer(services.month_calculate(actor=request.user, month=_month(month)))

    @extend_schema(summary="Mark a calculated draft month reviewed", request=None, parameters=[MONTH_PARAMETER],
                   responses={200: CommissionMonthDetailSerializer, **ERRORS})
    @action(detail=True, methods=["post"], required_action="review")
    def review(self, request, month=None):
        return self._answer(services.month_review(actor=request.user, month=_month(month)))

    @extend_schema(summary="Lock a reviewed month for good", request=None, parameters=[MONTH_PARAMETER],
                   responses={200: CommissionMonthDetailSerializer, **ERRORS})
    @action(detail=True, methods=["post"], required_action="lock")
    def lock(self, request, month=None):
        return self._answer(services.month_lock(actor=request.user, month=_month(month)))

    @extend_schema(summary="Add an adjustment; on a locked month it goes into the next month that is not",
                   request=CommissionAdjustmentSerializer, parameters=[MONTH_PARAMETER],
                   responses={201: CommissionLineDetailSerializer, **ERRORS})
    @action(detail=True, methods=["post"], required_action="calculate")
    def adjustments(self, request, month=None):
        data = self.valid(CommissionAdjustmentSerializer)
        line = services.adjustment_add(actor=request.user, month=_month(month), user=data["user"],
                                       amount=data["amount"], reason=data["reason"])
        return Response(CommissionLineDetailSerializer(line).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="List commission lines in your scope, of one month or of every month (newest first)",
                       parameters=[OpenApiParameter("month", str, description="YYYY-MM")]),
    retrieve=extend_schema(summary="A commission line with how it was computed",
                           responses={200: CommissionLineDetailSerializer, **ERRORS}),
    destroy=extend_schema(summary="Delete an adjustment of a month that is not locked",
                          responses={204: None, **ERRORS}),
)
class CommissionLineViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, CrmViewSet):
    resource = COMMISSION
    serializer_class = CommissionLineSerializer
    pagination_class = ListPagination
    queryset = CommissionLine.objects.none()
    http_method_names = ["get", "delete", "head", "options"]

    def get_permissions(self):
        if self.action == "destroy":
            self.required_action = "calculate"
        return super().get_permissions()

    def get_queryset(self):
        text = self.request.query_params.get("month") or ""
        if not text:
            return selectors.lines_of_every_month(user=self.request.user)
        try:
            day = datetime.datetime.strptime(text, "%Y-%m").date()
        except ValueError:
            raise serializers.ValidationError({"month": [_("Give the month as YYYY-MM.")]}) from None
        return selectors.line_list(user=self.request.user, period=selectors.month_find(day)).select_related("period")

    def retrieve(self, request, *args, **kwargs):
        return Response(CommissionLineDetailSerializer(selectors.line_get(user=request.user, pk=kwargs["pk"])).data)

    def destroy(self, request, *args, **kwargs):
        services.adjustment_delete(actor=request.user, line=selectors.line_get(user=request.user, pk=kwargs["pk"]))
        return Response(status=status.HTTP_204_NO_CONTENT)
