"""Customer services in the API (API.md): /api/v1/services/ with the actions of s003/5 §3.3
(`assign`, `handle`, `feedback`). A step the status does not allow answers 409
`illegal_transition`. Service agreements (SRV-6): /api/v1/service-agreements/, read with
`service.agreement.view`, written with `service.agreement.edit` (administrators)."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from crm.core.api.pagination import ListPagination
from crm.core.api.viewsets import ERRORS, CrmModelViewSet, CrmViewSet
from crm.identity.models import User
from crm.service import selectors, services
from crm.service.api import serializers as s
from crm.service.models import Service, ServiceAgreement
from crm.service.permissions import AGREEMENT, SERVICE


@extend_schema_view(
    list=extend_schema(summary="List services", parameters=[s.ServiceFilterSerializer]),
    create=extend_schema(
        summary="Create a service",
        description="Status new; the number, the creator and the time are the system's.",
        responses={201: s.ServiceDetailSerializer, **ERRORS},
    ),
    retrieve=extend_schema(
        summary="Get a service with every handling round", responses={200: s.ServiceDetailSerializer}
    ),
)
class ServiceViewSet(mixins.CreateModelMixin, mixins.RetrieveModelMixin, mixins.ListModelMixin, CrmViewSet):
    """Customer services (SRV-1…SRV-5) in your data scope."""

    resource = SERVICE
    serializer_class = s.ServiceSerializer
    pagination_class = ListPagination
    queryset = Service.objects.none()

    def get_serializer_class(self):
        return s.ServiceSerializer if self.action == "list" else s.ServiceDetailSerializer

    def get_queryset(self):
        data = {}
        if self.action == "list":
            data = self.valid(s.ServiceFilterSerializer, self.request.query_params)
        return selectors.service_list(user=self.request.user, filters=data)

    def get_object(self):
        return selectors.service_get(user=self.request.user, pk=self.kwargs["pk"])

    def _answer(self, service, status_code=status.HTTP_200_OK):
        service = selectors.service_get(user=self.request.user, pk=service.pk)
        serializer = s.ServiceDetailSerializer(service, context=self.get_serializer_context())
        return Response(serializer.data, status=status_code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        customer = data.pop("customer")
        service = services.service_create(actor=request.user, customer=customer, data=data)
        return self._answer(service, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Assign to a person",
        description="New → assigned (an assigned one is reassigned). The time is recorded, the person told.",
        request=s.ServiceAssignSerializer,
        responses={200: s.ServiceDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], required_action="assign")
    def assign(self, request, pk=None):
        service = self.get_object()
        data = self.valid(s.ServiceAssignSerializer)
        assignee = User.objects.filter(pk=data["assignee"]).first()
        services.service_assign(actor=request.user, service=service, assignee=assignee)
        return self._answer(service)

    @extend_schema(
        summary="Record the handling",
        description="Assigned → handled; by the assignee or their supervisor. Handler and time are recorded.",
        request=s.ServiceHandleSerializer,
        responses={200: s.ServiceDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], required_action="handle")
    def handle(self, request, pk=None):
        service = self.get_object()
        data = self.valid(s.ServiceHandleSerializer)
        services.service_handle(actor=request.user, service=service, handling=data["handling"])
        return self._answer(service)

    @extend_schema(
        summary="Record the customer's feedback",
        description="Handled → archived when satisfaction ≥ 3, else back to assigned to be handled again.",
        request=s.ServiceFeedbackSerializer,
        responses={200: s.ServiceDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], required_action="feedback")
    def feedback(self, request, pk=None):
        service = self.get_object()
        data = self.valid(s.ServiceFeedbackSerializer)
        services.service_feedback(
            actor=request.user, service=service, result=data["result"], satisfaction=data["satisfaction"]
        )
        return self._answer(service)


@extend_schema_view(
    list=extend_schema(summary="List service agreements"),
    retrieve=extend_schema(summary="Get a service agreement"),
    create=extend_schema(summary="Add a service agreement", responses={201: s.ServiceAgreementSerializer, **ERRORS}),
    update=extend_schema(summary="Change a service agreement", responses={200: s.ServiceAgreementSerializer, **ERRORS}),
    partial_update=extend_schema(
        summary="Change some fields of a service agreement", responses={200: s.ServiceAgreementSerializer, **ERRORS}
    ),
    destroy=extend_schema(summary="Remove a service agreement", responses={204: None, **ERRORS}),
)
class ServiceAgreementViewSet(CrmModelViewSet):
    """Service agreements 服务协议 (SRV-6): response and resolution deadlines in working hours for a
    service type, optionally for one customer level; the most specific active one applies to new services."""

    resource = AGREEMENT
    serializer_class = s.ServiceAgreementSerializer
    pagination_class = ListPagination
    queryset = ServiceAgreement.objects.none()

    @property
    def required_action(self):
        return "view" if self.request.method in ("GET", "HEAD", "OPTIONS") else "edit"

    def get_queryset(self):
        return selectors.agreement_list(user=self.request.user)

    def get_object(self):
        return selectors.agreement_get(user=self.request.user, pk=self.kwargs["pk"])

    def perform_create(self, serializer):
        serializer.instance = services.agreement_create(actor=self.request.user, data=dict(serializer.validated_data))

    def perform_update(self, serializer):
        serializer.instance = services.agreement_update(
            actor=self.request.user, agreement=serializer.instance, data=dict(serializer.validated_data)
        )

    def perform_destroy(self, instance):
        services.agreement_delete(actor=self.request.user, agreement=instance)
