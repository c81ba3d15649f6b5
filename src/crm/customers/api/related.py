"""What hangs off one customer in the API (CUS-3, CUS-4, CUS-5, CUS-12, CUS-16): its timeline,
contacts, follow-ups, interaction records, attachments and contracts.

`/customers/{id}/<things>/` lists a customer's records and creates new ones; each record then
lives at its own address (`/contacts/{id}/`, `/follow-ups/{id}/`, `/interactions/{id}/`,
`/attachments/{id}/`, `/contracts/{id}/`) for reading, changing and deleting. Each kind of record
is declared once, as a ChildApi naming its shape, selectors and services; its viewsets point at it
(`child = CONTACTS`) and add only their documentation. Every read is scoped through the customer
(outside the caller's scope: 404), and every write asks the engine in the service.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import F, Q
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from crm.access.engine import access_for
from crm.core.api.errors import ApiErrorSerializer
from crm.core.api.pagination import ListPagination
from crm.core.api.viewsets import ERRORS, CrmViewSet
from crm.core.errors import ValidationFailed
from crm.core.uploads import stored_file
from crm.customers.api.serializers import related as s
from crm.customers.models import Customer, CustomerEvent
from crm.customers.permissions import ATTACHMENT, CONTACT, CONTRACT, CUSTOMER, FOLLOWUP, INTERACTION
from crm.customers.selectors import related
from crm.customers.selectors.customers import customer_get
from crm.customers.selectors.related import SIGNED
from crm.customers.services import activities, contacts, contracts, files

CUSTOMER_PK = OpenApiParameter("customer_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="Customer id.")


@dataclass(frozen=True)
class ChildApi:
    """One kind of record that hangs off a customer: its function permissions (`resource`), its
    shape, and what reads and writes it. The services take the record by its model's name
    (`contact=`, `followup=`) and its values as `data`, custom field values apart (`custom=`)
    where the shape has them."""

    resource: str
    serializer: type
    list: Callable  # selector(user=, customer=)
    get: Callable  # selector(user=, pk=): NotFound when its customer is outside the scope
    create: Callable | None  # service(actor=, customer=, data=[, custom=])
    update: Callable | None  # service(actor=, <record>=, data=[, custom=])
    delete: Callable  # service(actor=, <record>=)

    @property
    def record(self) -> str:
        return self.serializer.Meta.model._meta.model_name


CONTACTS = ChildApi(
    CONTACT,
    s.ContactSerializer,
    list=related.contact_list,
    get=related.contact_get,
    create=contacts.contact_create,
    update=contacts.contact_update,
    delete=contacts.contact_delete,
)
FOLLOWUPS = ChildApi(
    FOLLOWUP,
    s.FollowUpSerializer,
    list=related.followup_list,
    get=related.followup_get,
    create=activities.followup_create,
    update=activities.followup_update,
    delete=activities.followup_delete,
)
INTERACTIONS = ChildApi(
    INTERACTION,
    s.InteractionSerializer,
    list=related.interaction_list,
    get=related.interaction_get,
    create=activities.interaction_create,
    update=activities.interaction_update,
    delete=activities.interaction_delete,
)
ATTACHMENTS = ChildApi(
    ATTACHMENT,
    s.AttachmentSerializer,
    list=related.attachment_list,
    get=related.attachment_get,
    create=None,  # an upload: CustomerAttachmentViewSet.create
    update=None,
    delete=files.attachment_delete,
)
CONTRACTS = ChildApi(
    CONTRACT,
    s.ContractSerializer,
    list=related.contract_list,
    get=related.contract_get,
    create=contracts.contract_create,
    update=contracts.contract_update,
    delete=contracts.contract_delete,
)


class ChildViewSet(CrmViewSet):
    # The viewsets of one ChildApi (`child`), which gives their resource, shape and model. DRF's
    # mixins call the perform_* hooks, which call its services: the mixins come after this class
    # among the bases, or their own hooks would win.

    child: ChildApi

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "child" in cls.__dict__:
            cls.resource, cls.serializer_class = cls.child.resource, cls.child.serializer
            cls.queryset = cls.child.serializer.Meta.model.objects.none()  # the schema's; selectors read

    def arguments(self, serializer) -> dict:
        """The services' keyword arguments: the values as `data`, custom field values apart."""
        data = {name: value for name, value in serializer.validated_data.items() if name != "customer"}
        return {"data": data, "custom": data.pop("custom", None)} if "custom" in serializer.fields else {"data": data}

    def perform_create(self, serializer):
        customer = self.parent(serializer)  # the customer the new record hangs off
        record = self.child.create(actor=self.request.user, customer=customer, **self.arguments(serializer))
        serializer.instance = self.child.get(user=self.request.user, pk=record.pk)

    def perform_update(self, serializer):
        record = serializer.instance
        self.child.update(actor=self.request.user, **{self.child.record: record}, **self.arguments(serializer))
        serializer.instance = self.child.get(user=self.request.user, pk=record.pk)

    def perform_destroy(self, instance):
        self.child.delete(actor=self.request.user, **{self.child.record: instance})


class CustomerChildViewSet(ChildViewSet, mixins.ListModelMixin, mixins.CreateModelMixin):
    # /customers/{customer_pk}/<things>/: the customer's records, and new ones.

    def customer(self) -> Customer:
        """The customer of the URL, in the caller's scope, or NotFound."""
        if not hasattr(self, "_customer"):
            self._customer = customer_get(user=self.request.user, pk=self.kwargs["customer_pk"])
        return self._customer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not self.for_schema and "customer_pk" in self.kwargs:
            context["customer"] = self.customer()
        return context

    def get_queryset(self):
        return self.child.list(user=self.request.user, customer=self.customer())

    def parent(self, serializer) -> Customer:
        return self.customer()


class ChildRecordViewSet(ChildViewSet, mixins.RetrieveModelMixin, mixins.DestroyModelMixin):
    # /<things>/{id}/: one record, as far as its customer is in the caller's scope.

    def get_object(self):
        if not hasattr(self, "_record"):
            self._record = self.child.get(user=self.request.user, pk=self.kwargs["pk"])
        return self._record

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not self.for_schema and "pk" in self.kwargs:
            context["customer"] = self.get_object().customer  # a contact chosen must be one of its own
        return context


def _nested_schema(serializer, list_summary: str, create_summary: str, **create):
    """The schema of /customers/{customer_pk}/<things>/."""
    create.setdefault("responses", {201: serializer, **ERRORS})
    views = extend_schema_view(
        list=extend_schema(summary=list_summary), create=extend_schema(summary=create_summary, **create)
    )
    return lambda viewset: extend_schema(parameters=[CUSTOMER_PK])(views(viewset))


def _detail_schema(noun: str, serializer):
    """The schema of /<things>/{id}/."""
    return extend_schema_view(
        retrieve=extend_schema(summary=f"Get {noun}"),
        update=extend_schema(summary=f"Replace {noun}", responses={200: serializer, **ERRORS}),
        partial_update=extend_schema(summary=f"Change {noun}", responses={200: serializer, **ERRORS}),
        destroy=extend_schema(summary=f"Delete {noun}"),
    )


@extend_schema(parameters=[CUSTOMER_PK])
@extend_schema_view(list=extend_schema(summary="A customer's timeline (events, newest first)"))
class CustomerTimelineViewSet(mixins.ListModelMixin, CrmViewSet):
    """What happened to the customer: created, changed, shared, handed over, claimed, merged …"""

    resource = CUSTOMER
    required_action = "view"
    serializer_class = s.CustomerEventSerializer
    queryset = CustomerEvent.objects.none()

    def get_queryset(self):
        customer = customer_get(user=self.request.user, pk=self.kwargs["customer_pk"])
        return related.timeline(user=self.request.user, customer=customer)


# --- contacts, follow-ups, interaction records --------------------------------------------------------------
@_nested_schema(s.ContactSerializer, "A customer's contacts", "Add a contact to a customer")
class CustomerContactViewSet(CustomerChildViewSet):
    """The people at a customer (CUS-3); each one then lives at /api/v1/contacts/{id}/."""

    child = CONTACTS


@_detail_schema("a contact", s.ContactSerializer)
class ContactViewSet(ChildRecordViewSet, mixins.UpdateModelMixin):
    """A contact, as far as its customer is in your scope (else 404). New ones: POST
    /api/v1/customers/{id}/contacts/."""

    child = CONTACTS


@_nested_schema(
    s.FollowUpSerializer,
    "A customer's follow-ups (newest first)",
    "Record a follow-up",
    description="Also sets the customer's last follow-up time and next follow-up date.",
)
class CustomerFollowUpViewSet(CustomerChildViewSet):
    """Follow-ups of a customer (CUS-5); each one then lives at /api/v1/follow-ups/{id}/."""

    child = FOLLOWUPS


@_detail_schema("a follow-up", s.FollowUpSerializer)
class FollowUpViewSet(ChildRecordViewSet, mixins.UpdateModelMixin):
    """A follow-up, as far as its customer is in your scope (else 404)."""

    child = FOLLOWUPS


@_nested_schema(s.InteractionSerializer, "A customer's interaction records", "Add an interaction record")
class CustomerInteractionViewSet(CustomerChildViewSet):
    """Interaction records of a customer (CUS-4); each one then lives at /api/v1/interactions/{id}/."""

    child = INTERACTIONS


@_detail_schema("an interaction record", s.InteractionSerializer)
class InteractionViewSet(ChildRecordViewSet, mixins.UpdateModelMixin):
    """An interaction record, as far as its customer is in your scope (else 404)."""

    child = INTERACTIONS


# --- attachments ----------------------------------------------------------------------------------------------
@_nested_schema(
    s.AttachmentSerializer,
    "A customer's attachments",
    "Upload an attachment",
    description="multipart/form-data. Over the size limit: 413; content that does not match the name: 400.",
    request=s.AttachmentUploadSerializer,
    responses={
        201: s.AttachmentSerializer,
        **ERRORS,
        413: OpenApiResponse(ApiErrorSerializer, description="The file is too large."),
    },
)
class CustomerAttachmentViewSet(CustomerChildViewSet):
    """Files of a customer (CUS-12): quotes, contracts, others. Each one then lives at
    /api/v1/attachments/{id}/ and downloads from /api/v1/attachments/{id}/download/."""

    child = ATTACHMENTS
    parser_classes = [MultiPartParser, FormParser]

    def create(self, request, *args, **kwargs):
        data = self.valid(s.AttachmentUploadSerializer)
        attachment = files.attachment_upload(
            actor=request.user,
            customer=self.customer(),
            upload=data["file"],
            kind=data["kind"],
            description=data["description"],
            contract=data.get("contract"),
        )
        fresh = self.child.get(user=request.user, pk=attachment.pk)
        return Response(self.get_serializer(fresh).data, status=201)


class _AnyContent(BaseContentNegotiation):
    """A download is the file whatever the client says it accepts."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


@extend_schema_view(
    retrieve=extend_schema(summary="Get an attachment's description"),
    destroy=extend_schema(summary="Delete an attachment"),
)
class AttachmentViewSet(ChildRecordViewSet):
    """An attachment, as far as its customer is in your scope (else 404)."""

    child = ATTACHMENTS

    @extend_schema(
        summary="Download an attachment",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: ERRORS[404]},
    )
    @action(detail=True, methods=["get"], content_negotiation_class=_AnyContent)
    def download(self, request, pk=None):
        attachment = self.get_object()
        return FileResponse(
            stored_file(attachment.file),
            as_attachment=True,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )


# --- contracts ------------------------------------------------------------------------------------------------
@_nested_schema(s.ContractSerializer, "A customer's contracts", "Add a contract to a customer")
class CustomerContractViewSet(CustomerChildViewSet):
    """Contracts of a customer (CUS-16); each one then lives at /api/v1/contracts/{id}/."""

    child = CONTRACTS


@extend_schema_view(
    list=extend_schema(summary="List contracts", parameters=[s.ContractFilterSerializer]),
    create=extend_schema(
        summary="Create a contract",
        description="`customer` is required here.",
        responses={201: s.ContractSerializer, **ERRORS},
    ),
    retrieve=extend_schema(summary="Get a contract"),
    update=extend_schema(summary="Replace a contract's fields", responses={200: s.ContractSerializer, **ERRORS}),
    partial_update=extend_schema(
        summary="Change a contract",
        description="A completed or terminated contract keeps its terms: only status and notes change (409 closed).",
        responses={200: s.ContractSerializer, **ERRORS},
    ),
    destroy=extend_schema(summary="Delete a draft contract", description="Other statuses: 409 not_draft."),
)
class ContractViewSet(ChildRecordViewSet, mixins.ListModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin):
    """Contracts (CUS-16) of the customers in your scope."""

    child = CONTRACTS
    pagination_class = ListPagination

    def get_queryset(self):
        queryset = self.child.list(user=self.request.user)
        data = self.valid(s.ContractFilterSerializer, self.request.query_params)
        if data.get("customer"):
            queryset = queryset.filter(customer_id=data["customer"])
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        if data.get("unpaid") and "amount" not in access_for(self.request.user).concealed_fields(CONTRACT):
            queryset = queryset.filter(status__in=SIGNED, received_amount__lt=F("amount"))
        if data.get("owner"):
            queryset = queryset.filter(owner=self.request.user if data["owner"] == "me" else int(data["owner"]))
        if data.get("signed_from"):
            queryset = queryset.filter(signed_on__gte=data["signed_from"])
        if data.get("signed_to"):
            queryset = queryset.filter(signed_on__lte=data["signed_to"])
        search = (data.get("search") or "").strip()
        if search:
            queryset = queryset.filter(Q(number__istartswith=search) | Q(title__icontains=search))
        ordering = data.get("ordering") or "-id"
        return queryset.order_by(ordering, "-id" if ordering.startswith("-") else "id")

    @extend_schema(
        summary="Submit a draft contract for approval",
        description="Starts the approval flow that applies (201 with the approval's id); with none, the contract "
        "enters into force at once (200). A contract in approval is frozen: changes answer 409 frozen.",
        request=None,
        responses={200: s.ContractSerializer, 201: s.ContractSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], required_action="edit")
    def submit(self, request, pk=None):
        contract = self.get_object()
        approval = contracts.contract_submit(actor=request.user, contract=contract)
        contract.refresh_from_db()
        data = dict(self.get_serializer(contract).data, approval=approval.pk if approval else None)
        return Response(data, status=status.HTTP_201_CREATED if approval else status.HTTP_200_OK)

    @extend_schema(
        summary="Move a contract along its status flow",
        description="sign (draft → signed), activate (→ in force), complete, terminate or void (both with a reason). "
        "A step the flow does not allow answers 409 illegal_transition; what the new status requires and is "
        "missing, 400 on `status`.",
        request=s.ContractTransitionSerializer,
        responses={200: s.ContractSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], required_action="edit")
    def transition(self, request, pk=None):
        contract = self.get_object()
        data = self.valid(s.ContractTransitionSerializer, request.data)
        contracts.contract_transition(actor=request.user, contract=contract, action=data["action"],
                                      reason=data.get("reason", ""))
        contract.refresh_from_db()
        return Response(self.get_serializer(contract).data)

    def parent(self, serializer) -> Customer:
        customer = serializer.validated_data.get("customer")
        if customer is None:
            raise ValidationFailed(fields={"customer": [_("This field is required.")]})
        return customer
