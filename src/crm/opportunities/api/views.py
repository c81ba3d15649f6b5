"""Opportunities in the API (API.md): /api/v1/opportunities/ with the actions of s003/5 §3.1
(`assign`, `succeed`, `fail`) and the development plan at /api/v1/opportunities/{id}/plan-items/.
An action the status does not allow answers 409 with the reason."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from crm.core.api.pagination import ListPagination
from crm.core.api.viewsets import ERRORS, CrmModelViewSet, CrmReadOnlyViewSet, CrmViewSet
from crm.core.errors import ValidationFailed
from crm.identity.models import User
from crm.opportunities import selectors, services
from crm.opportunities.api import serializers as s
from crm.opportunities.models import Opportunity, OpportunityTag, Pipeline, PlanItem, Stage
from crm.opportunities.permissions import OPPORTUNITY, PLAN_ITEM


@extend_schema_view(
    list=extend_schema(summary="List opportunities", parameters=[s.OpportunityFilterSerializer]),
    create=extend_schema(
        summary="Create an opportunity",
        description="Unassigned until a supervisor assigns it; with `customer`, on that customer and developed by you.",
        responses={201: s.OpportunitySerializer, **ERRORS},
    ),
    retrieve=extend_schema(summary="Get an opportunity"),
    update=extend_schema(
        summary="Replace an unassigned opportunity's fields", responses={200: s.OpportunitySerializer, **ERRORS}
    ),
    partial_update=extend_schema(
        summary="Change an unassigned opportunity",
        description="Only while unassigned (409 otherwise).",
        responses={200: s.OpportunitySerializer, **ERRORS},
    ),
    destroy=extend_schema(summary="Delete an unassigned opportunity", description="Only by its creator (403)."),
)
class OpportunityViewSet(CrmModelViewSet):
    """Sales opportunities (OPP-1…OPP-8) in your data scope."""

    resource = OPPORTUNITY
    serializer_class = s.OpportunitySerializer
    pagination_class = ListPagination
    queryset = Opportunity.objects.none()

    def get_queryset(self):
        data = {}
        if self.action == "list":
            data = self.valid(s.OpportunityFilterSerializer, self.request.query_params)
        queryset = selectors.opportunity_list(user=self.request.user, filters={**data, "q": data.get("search")})
        if data.get("customer"):
            queryset = queryset.filter(customer_id=data["customer"])
        return queryset.select_related("stage").prefetch_related("competitors", "tags")

    def get_object(self):
        return selectors.opportunity_get(user=self.request.user, pk=self.kwargs["pk"])

    def _answer(self, opportunity, status_code=status.HTTP_200_OK, serializer_class=None, **extra):
        opportunity = selectors.opportunity_get(user=self.request.user, pk=opportunity.pk)
        for name, value in extra.items():
            setattr(opportunity, name, value)
        serializer = (serializer_class or s.OpportunitySerializer)(opportunity, context=self.get_serializer_context())
        return Response(serializer.data, status=status_code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        customer, related = data.pop("customer", None), self._pop_related(data)
        opportunity = services.opportunity_create(actor=request.user, data=data, customer=customer)
        self._set_related(opportunity, {name: chosen for name, chosen in related.items() if chosen})
        return self._answer(opportunity, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        opportunity = self.get_object()
        serializer = self.get_serializer(opportunity, data=request.data, partial=kwargs.pop("partial", False))
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        deal = {name: data.pop(name) for name in services.DEAL_FIELDS if name in data}
        related = self._pop_related(data)
        if data:
            opportunity = services.opportunity_update(actor=request.user, opportunity=opportunity, data=data)
        if deal:
            services.opportunity_update_deal(actor=request.user, opportunity=opportunity, data=deal)
        self._set_related(opportunity, related)
        return self._answer(opportunity)

    RELATED_SETTERS = {
        "competitors": services.opportunity_set_competitors,
        "tags": services.opportunity_set_tags,
    }

    def _pop_related(self, data: dict) -> dict:
        return {name: data.pop(name) for name in self.RELATED_SETTERS if name in data}

    def _set_related(self, opportunity, related: dict) -> None:
        for name, chosen in related.items():
            self.RELATED_SETTERS[name](actor=self.request.user, opportunity=opportunity, **{name: chosen})

    def perform_destroy(self, instance):
        services.opportunity_delete(actor=self.request.user, opportunity=instance)

    @extend_schema(
        summary="Assign to an account manager",
        description="Unassigned → developing; a developing one is reassigned. The time is recorded.",
        request=s.AssignSerializer,
        responses={200: s.OpportunitySerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], required_action="assign")
    def assign(self, request, pk=None):
        opportunity = self.get_object()
        data = self.valid(s.AssignSerializer)
        owner = User.objects.filter(pk=data["owner"]).first()
        services.opportunity_assign(actor=request.user, opportunity=opportunity, owner=owner)
        return self._answer(opportunity)

    @extend_schema(
        summary="Developed successfully",
        description=(
            "The customer named is linked if the duplicate check finds it, else created (with `region`, and "
            "`level`) and owned by the account manager; the contact is added to it."
        ),
        request=s.SucceedSerializer,
        responses={200: s.SucceedAnswerSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], required_action="develop")
    def succeed(self, request, pk=None):
        opportunity = self.get_object()
        data = self.valid(s.SucceedSerializer)
        obtained = services.opportunity_succeed(actor=request.user, opportunity=opportunity, customer_data=data)
        created = bool(obtained and obtained.created)
        return self._answer(opportunity, serializer_class=s.SucceedAnswerSerializer, customer_created=created)

    @extend_schema(
        summary="Development failed",
        request=s.FailSerializer,
        responses={200: s.OpportunitySerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], required_action="develop")
    def fail(self, request, pk=None):
        opportunity = self.get_object()
        data = self.valid(s.FailSerializer)
        services.opportunity_fail(
            actor=request.user,
            opportunity=opportunity,
            reason=data.get("reason", ""),
            lost_reason=data.get("lost_reason"),
            lost_to=data.get("lost_to"),
        )
        return self._answer(opportunity)

    @extend_schema(
        summary="Move to another stage of its pipeline",
        description=(
            "An open stage (won and lost are reached by succeed and fail); the stage's probability is taken. A "
            "stage that requires fields the opportunity lacks answers 400 with error.details.missing."
        ),
        request=s.MoveSerializer,
        responses={200: s.OpportunitySerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], required_action="develop")
    def move(self, request, pk=None):
        opportunity = self.get_object()
        data = self.valid(s.MoveSerializer)
        stage = Stage.objects.filter(pk=data["stage"]).first()
        if stage is None:
            raise ValidationFailed(fields={"stage": [_("Choose an open stage of the opportunity's pipeline.")]})
        services.opportunity_move(actor=request.user, opportunity=opportunity, stage=stage)
        return self._answer(opportunity)


    @extend_schema(
        summary="Share with colleagues",
        description="They see it; with can_edit they develop it too. A supervisor shares a subordinate's.",
        request=s.ShareSerializer,
        responses={200: s.OpportunitySerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], required_action="share")
    def share(self, request, pk=None):
        opportunity = self.get_object()
        data = self.valid(s.ShareSerializer)
        users = list(User.objects.filter(pk__in=data["users"]))
        services.opportunity_share(actor=request.user, opportunity=opportunity, users=users, can_edit=data["can_edit"])
        return self._answer(opportunity)

    @extend_schema(
        summary="Stop sharing with a colleague",
        request=s.UnshareSerializer,
        responses={200: s.OpportunitySerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], required_action="share")
    def unshare(self, request, pk=None):
        opportunity = self.get_object()
        user = User.objects.filter(pk=self.valid(s.UnshareSerializer)["user"]).first()
        if user is not None:
            services.opportunity_unshare(actor=request.user, opportunity=opportunity, user=user)
        return self._answer(opportunity)


@extend_schema_view(
    list=extend_schema(summary="List pipelines and their stages"),
    retrieve=extend_schema(summary="Get a pipeline"),
)
class PipelineViewSet(CrmReadOnlyViewSet):
    """The pipelines (OPP-9) and their stages, in order; every user who sees opportunities reads them."""

    resource = OPPORTUNITY
    required_action = "view"
    serializer_class = s.PipelineSerializer
    queryset = Pipeline.objects.filter(is_active=True).prefetch_related("stages")


@extend_schema_view(
    list=extend_schema(summary="List opportunity tags"),
    retrieve=extend_schema(summary="Get an opportunity tag"),
)
class OpportunityTagViewSet(CrmReadOnlyViewSet):
    """The tags an opportunity may carry (set by administrators under System → Pipelines)."""

    resource = OPPORTUNITY
    required_action = "view"
    serializer_class = s.OpportunityTagSerializer
    queryset = OpportunityTag.objects.all()


@extend_schema_view(
    list=extend_schema(summary="An opportunity's development plan"),
    create=extend_schema(summary="Add a plan item", responses={201: s.PlanItemSerializer, **ERRORS}),
    retrieve=extend_schema(summary="Get a plan item"),
    update=extend_schema(
        summary="Replace a plan item's content and result", responses={200: s.PlanItemSerializer, **ERRORS}
    ),
    partial_update=extend_schema(
        summary="Change a plan item, or record its result",
        description="The date cannot change (400).",
        responses={200: s.PlanItemSerializer, **ERRORS},
    ),
    destroy=extend_schema(summary="Delete a plan item"),
)
class PlanItemViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin, mixins.RetrieveModelMixin,
    mixins.ListModelMixin, CrmViewSet,
):
    """The development plan of an opportunity (OPP-5, OPP-6)."""

    resource = PLAN_ITEM
    serializer_class = s.PlanItemSerializer
    pagination_class = ListPagination
    queryset = PlanItem.objects.none()

    def opportunity(self) -> Opportunity:
        if not hasattr(self, "_opportunity"):
            self._opportunity = selectors.opportunity_get(user=self.request.user, pk=self.kwargs["opportunity_pk"])
        return self._opportunity

    def get_queryset(self):
        if self.for_schema:
            return PlanItem.objects.none()
        return selectors.plan_items(user=self.request.user, opportunity=self.opportunity())

    def get_object(self):
        return selectors.plan_item_get(user=self.request.user, opportunity=self.opportunity(), pk=self.kwargs["pk"])

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.plan_item_add(
            actor=self.request.user, opportunity=self.opportunity(), date=data["date"], content=data["content"]
        )
        if data.get("result"):
            services.plan_item_record_result(actor=self.request.user, item=serializer.instance, result=data["result"])

    def update(self, request, *args, **kwargs):
        item = self.get_object()
        data = {k: v for k, v in request.data.items() if k in ("date", "content", "result")}
        serializer = self.get_serializer(item, data=data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.plan_item_update(actor=request.user, item=item, data={**serializer.validated_data})
        item.refresh_from_db()
        return Response(s.PlanItemSerializer(item, context=self.get_serializer_context()).data)

    def perform_destroy(self, instance):
        services.plan_item_delete(actor=self.request.user, item=instance)
