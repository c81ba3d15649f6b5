"""Leads in the API (OPP-13): /api/v1/leads/ with `claim/`, `release/`, `assign/`, `follow-ups/`,
`convert/` and `disqualify/`. Capture from other systems posts here too (channel api)."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from crm.core.api.pagination import ListPagination
from crm.core.api.viewsets import ERRORS, CrmModelViewSet
from crm.identity.models import User
from crm.leads import selectors, services
from crm.leads.api import serializers as s
from crm.leads.models import Lead, LeadChannel
from crm.leads.permissions import LEAD


@extend_schema_view(
    list=extend_schema(summary="List leads", parameters=[s.LeadFilterSerializer]),
    create=extend_schema(
        summary="Capture a lead",
        description="409 duplicate_warning with error.details.duplicates unless confirm_duplicates is true.",
        responses={201: s.LeadSerializer, **ERRORS},
    ),
    retrieve=extend_schema(summary="Get a lead"),
    update=extend_schema(summary="Replace a lead's fields"),
    partial_update=extend_schema(summary="Change a lead"),
    destroy=extend_schema(summary="Delete a lead"),
)
class LeadViewSet(CrmModelViewSet):
    """Leads in your scope, and the lead pool if you may claim."""

    resource = LEAD
    serializer_class = s.LeadSerializer
    pagination_class = ListPagination
    queryset = Lead.objects.none()

    def get_queryset(self):
        data = self.valid(s.LeadFilterSerializer, self.request.query_params) if self.action == "list" else {}
        return selectors.lead_list(user=self.request.user, filters={"view": "all", **data, "q": data.get("search")})

    def get_object(self):
        return selectors.lead_get(user=self.request.user, pk=self.kwargs["pk"])

    def _answer(self, lead, code=status.HTTP_200_OK):
        lead = selectors.lead_get(user=self.request.user, pk=lead.pk)
        return Response(s.LeadSerializer(lead, context=self.get_serializer_context()).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        to_pool, confirm = data.pop("to_pool", False), data.pop("confirm_duplicates", False)
        lead = services.lead_create(
            actor=request.user, data=data, to_pool=to_pool, channel=LeadChannel.API, confirm_duplicates=confirm
        )
        return self._answer(lead, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        lead = self.get_object()
        serializer = self.get_serializer(lead, data=request.data, partial=kwargs.pop("partial", False))
        serializer.is_valid(raise_exception=True)
        data = {k: v for k, v in serializer.validated_data.items() if k not in ("to_pool", "confirm_duplicates")}
        services.lead_update(actor=request.user, lead=lead, data=data)
        return self._answer(lead)

    def perform_destroy(self, instance):
        services.lead_delete(actor=self.request.user, lead=instance)

    @extend_schema(summary="Claim from the lead pool", request=None, responses={200: s.LeadSerializer, **ERRORS})
    @action(detail=True, methods=["post"], required_action="claim")
    def claim(self, request, pk=None):
        return self._answer(services.lead_claim(actor=request.user, lead=self.get_object()))

    @extend_schema(
        summary="Return to the lead pool", request=s.LeadReasonSerializer, responses={200: s.LeadSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"], required_action="edit")
    def release(self, request, pk=None):
        data = self.valid(s.LeadReasonSerializer)
        lead = services.lead_release(actor=request.user, lead=self.get_object(), reason=data.get("reason", ""))
        return Response(s.LeadSerializer(lead, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="Assign to a person", request=s.LeadAssignSerializer, responses={200: s.LeadSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"], required_action="assign")
    def assign(self, request, pk=None):
        lead = self.get_object()
        owner = User.objects.filter(pk=self.valid(s.LeadAssignSerializer)["owner"]).first()
        services.leads_assign(actor=request.user, leads=[lead], owner=owner)
        return self._answer(lead)

    @extend_schema(summary="Disqualify", request=s.LeadReasonSerializer, responses={200: s.LeadSerializer, **ERRORS})
    @action(detail=True, methods=["post"], required_action="edit")
    def disqualify(self, request, pk=None):
        data = self.valid(s.LeadReasonSerializer)
        lead = services.lead_disqualify(actor=request.user, lead=self.get_object(), reason=data.get("reason", ""))
        return self._answer(lead)

    @extend_schema(
        summary="Convert into customer, contact and opportunity",
        description="The customer the duplicate check finds is used, else one is created (region required then).",
        request=s.LeadConvertSerializer,
        responses={200: s.LeadSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], required_action="convert")
    def convert(self, request, pk=None):
        data = self.valid(s.LeadConvertSerializer)
        customer_data = {name: data[name] for name in ("region", "level") if data.get(name)}
        summary = (data.get("opportunity_summary") or "").strip()
        opportunity = {"summary": summary, "probability": data["opportunity_probability"]} if summary else None
        lead = services.lead_convert(
            actor=request.user, lead=self.get_object(), customer_data=customer_data, opportunity=opportunity
        )
        return self._answer(lead)

    @extend_schema(
        summary="Follow-ups of a lead (GET), or a new one (POST)",
        request=s.LeadActivitySerializer,
        responses={200: s.LeadActivitySerializer(many=True), 201: s.LeadActivitySerializer, **ERRORS},
    )
    @action(detail=True, methods=["get", "post"], url_path="follow-ups", required_action="view")
    def follow_ups(self, request, pk=None):
        lead = self.get_object()
        if request.method == "GET":
            rows = lead.activities.select_related("created_by")[:200]
            return Response(s.LeadActivitySerializer(rows, many=True).data)
        data = self.valid(s.LeadActivitySerializer)
        activity = services.lead_follow_up(
            actor=request.user, lead=lead, content=data["content"], next_on=data.get("next_on")
        )
        return Response(s.LeadActivitySerializer(activity).data, status=status.HTTP_201_CREATED)
