"""REST API of the customers app (API.md, CH-3; CUS-1…CUS-16).

Every read goes through the selectors and every write through the services, so the API follows
the same rules as the pages: the permission engine's data scope (a customer outside it is a 404,
on every endpoint), function permissions (403), field rules (masked, hidden, read-only), the
duplicate check (409 `duplicate` / `duplicate_warning` with `error.details.duplicates`).

Layout: `/customers/{id}/<things>/` lists a customer's contacts, follow-ups, interaction records,
attachments and contracts and creates new ones; each of those records then lives at its own
address (`/contacts/{id}/`, `/follow-ups/{id}/`, `/interactions/{id}/`, `/attachments/{id}/`,
`/contracts/{id}/`) for reading, changing and deleting.
"""

import contextlib

from django.db import IntegrityError
from django.db.models import Q
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from crm.access.engine import access_for
from crm.core.api.idempotency import PARAMETER as IDEMPOTENCY_KEY
from crm.core.api.idempotency import IdempotencyMixin
from crm.core.api.pagination import ListPagination
from crm.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from crm.core.pagination import ListPaginator
from crm.customers.api import serializers as s
from crm.customers.models import (
    Attachment,
    Contact,
    Contract,
    Customer,
    CustomerEvent,
    CustomField,
    DuplicateRule,
    FollowUp,
    Interaction,
    Pool,
    SavedView,
    Tag,
    TransferRequest,
)
from crm.customers.permissions import (
    ATTACHMENT,
    CONTACT,
    CONTRACT,
    CUSTOM_FIELD,
    CUSTOMER,
    DUPLICATE_RULE,
    FOLLOWUP,
    INTERACTION,
    POOL,
    TAG,
    TRANSFER,
)
from crm.customers.selectors import related
from crm.customers.selectors.customers import CustomerFilters, customer_get, customer_list
from crm.customers.selectors.pool import pool_customers
from crm.customers.selectors.scope import customer_queryset, pools_open_to
from crm.customers.selectors.transfers import transfer_list, visible_customer_ids
from crm.customers.services import (
    activities,
    config,
    contacts,
    customers,
    duplicates,
    files,
    merge,
    ownership,
    transfers,
)
from crm.customers.services import pool as pool_service

CUSTOMER_PK = OpenApiParameter("customer_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="Customer id.")
ERRORS = {
    400: OpenApiResponse(s.ApiErrorSerializer, description="Bad input: error.fields says what."),
    403: OpenApiResponse(s.ApiErrorSerializer, description="The function is not allowed."),
    404: OpenApiResponse(s.ApiErrorSerializer, description="Does not exist, or is outside your data scope."),
    409: OpenApiResponse(s.ApiErrorSerializer, description="Not allowed in the current state, or a duplicate."),
}
# Everything the customer serializer reads, in one query with the page.


def post_schema(**kwargs):
    """extend_schema for a POST: documents the optional Idempotency-Key header."""
    return extend_schema(parameters=[IDEMPOTENCY_KEY, *kwargs.pop("parameters", [])], **kwargs)


def _fake(view) -> bool:
    """Schema generation runs the views without a user."""
    return getattr(view, "swagger_fake_view", False)


def _valid(serializer_class, request, context: dict | None = None) -> dict:
    serializer = serializer_class(data=request.data, context=context or {"request": request})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class CustomerApiViewSet(IdempotencyMixin, viewsets.GenericViewSet):
    # Base of the customers API's viewsets: function permissions per resource (`resource`,
    # `required_action`), JSON errors, Idempotency-Key on POSTs.

    required_action = None  # None: by HTTP method (FunctionPermission); actions name their own


# --- customers -----------------------------------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(
        summary="List customers",
        description=(
            "The customers in your data scope (and those of the public pools open to you), filtered and sorted "
            "like the list page. Custom fields filter as `custom.<key>=<value>` (exact value). `count` stops at "
            f"{ListPaginator.cap:,} (`count_capped`); `next` leads on while customers follow, to the "
            f"{ListPaginator.reach:,}th."
        ),
        parameters=[s.CustomerFilterSerializer],
    ),
    retrieve=extend_schema(summary="Get a customer", responses={200: s.CustomerDetailSerializer, 404: ERRORS[404]}),
    create=post_schema(
        summary="Create a customer, or update the one with this external_id",
        description=(
            "Runs the duplicate check: a match of a rule in mode warn answers 409 `duplicate_warning` with "
            "`error.details.duplicates` unless the body has `confirm_duplicates: true`; a match of a rule in "
            "mode block answers 409 `duplicate` (nothing is written). Upsert: when `external_id` names a "
            "customer in your scope, that customer is updated with the fields given and the answer is 200."
        ),
        responses={201: s.CustomerDetailSerializer, 200: s.CustomerDetailSerializer, **ERRORS},
    ),
    update=extend_schema(summary="Replace a customer's fields", responses={200: s.CustomerDetailSerializer, **ERRORS}),
    partial_update=extend_schema(
        summary="Change some of a customer's fields", responses={200: s.CustomerDetailSerializer, **ERRORS}
    ),
    destroy=extend_schema(
        summary="Delete a customer", description="A customer with contracts is kept (409 has_contracts)."
    ),
)
class CustomerViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    CustomerApiViewSet,
):
    """Customers (CUS-1, CUS-2, CUS-8, CUS-14, CUS-15) and what is done to them: share, hand over,
    claim from and release to the public pool, merge duplicates."""

    resource = CUSTOMER
    serializer_class = s.CustomerSerializer
    pagination_class = ListPagination
    filter_backends = []
    queryset = Customer.objects.none()

    def get_serializer_class(self):
        return s.CustomerDetailSerializer if self.action == "retrieve" else s.CustomerSerializer

    def get_queryset(self):
        if _fake(self):
            return Customer.objects.none()
        filters = CustomerFilters.from_params(self.request.query_params)
        return customer_list(user=self.request.user, filters=filters).prefetch_related("tags")

    def get_object(self):
        return customer_get(user=self.request.user, pk=self.kwargs["pk"])

    def _answer(self, customer, status_code=status.HTTP_200_OK) -> Response:
        """The customer in its new state, as the caller may see it."""
        # An action may have taken it out of the caller's scope (released to a pool not open to them).
        with contextlib.suppress(NotFound):
            customer = customer_get(user=self.request.user, pk=customer.pk)
        serializer = s.CustomerDetailSerializer(customer, context=self.get_serializer_context())
        return Response(serializer.data, status=status_code)

    def _by_external_id(self, external_id: str):
        """The customer in scope with this external_id, None when there is none; one outside the
        scope cannot be updated and blocks the id: 409."""
        pk = customer_queryset(self.request.user).filter(external_id=external_id).values_list("pk", flat=True).first()
        if pk is not None:
            return customer_get(user=self.request.user, pk=pk)
        if Customer.objects.filter(external_id=external_id).exists():
            raise Conflict(
                _("A customer outside your data scope already has this external ID."), code="external_id_taken"
            )
        return None

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        external_id = (serializer.validated_data.get("external_id") or "").strip()
        if external_id:
            existing = self._by_external_id(external_id)
            if existing is not None:
                return self._update(existing, request.data, partial=True)
        try:
            customer = customers.customer_create(actor=request.user, **serializer.service_arguments())
        except (IntegrityError, Conflict, ValidationFailed):
            # A concurrent request created the customer with this external_id first (then this one is a
            # duplicate, or its external_id is taken): update that customer instead.
            existing = self._by_external_id(external_id) if external_id else None
            if existing is None:
                raise
            return self._update(existing, request.data, partial=True)
        return self._answer(customer, status.HTTP_201_CREATED)

    def _update(self, customer, data, *, partial: bool) -> Response:
        serializer = self.get_serializer(customer, data=data, partial=partial)
        serializer.is_valid(raise_exception=True)
        arguments = serializer.service_arguments()
        manager = arguments.pop("manager", customer.manager)
        if getattr(manager, "pk", None) != customer.manager_id:
            raise ValidationFailed(
                fields={"manager": [_("The manager changes by handover: POST /api/v1/customers/{id}/handover/.")]}
            )
        customers.customer_update(actor=self.request.user, customer=customer, **arguments)
        return self._answer(customer)

    def update(self, request, *args, **kwargs):
        return self._update(self.get_object(), request.data, partial=kwargs.pop("partial", False))

    def destroy(self, request, *args, **kwargs):
        customers.customer_delete(actor=request.user, customer=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    # --- actions on one customer ----------------------------------------------------------------------------
    @post_schema(
        summary="Share a customer with colleagues",
        request=s.ShareRequestSerializer,
        responses={200: s.CustomerDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], required_action="share")
    def share(self, request, pk=None):
        customer = self.get_object()
        data = _valid(s.ShareRequestSerializer, request)
        ownership.customer_share(
            actor=request.user, customer=customer, users=list(data["users"]), can_edit=data["can_edit"]
        )
        return self._answer(customer)

    @post_schema(
        summary="Stop sharing a customer with a colleague",
        request=s.UnshareRequestSerializer,
        responses={200: s.CustomerDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], required_action="share")
    def unshare(self, request, pk=None):
        customer = self.get_object()
        data = _valid(s.UnshareRequestSerializer, request)
        ownership.customer_unshare(actor=request.user, customer=customer, user=data["user"])
        return self._answer(customer)

    @post_schema(
        summary="Hand a customer over to another manager",
        description="With its history, its contracts in progress and whatever other modules hand over with it.",
        request=s.HandoverRequestSerializer,
        responses={200: s.CustomerDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], required_action="handover")
    def handover(self, request, pk=None):
        customer = self.get_object()
        data = _valid(s.HandoverRequestSerializer, request)
        access_for(request.user).check(CUSTOMER, "handover", customer)  # seen, but not theirs to give: 403
        moved = ownership.customers_handover(
            actor=request.user, customers=[customer], to_manager=data["manager"], note=data["note"]
        )
        if not moved:
            raise Conflict(_("The customer could not be handed over."), code="not_handed_over")
        return self._answer(customer)

    @post_schema(
        summary="Claim a customer from the public pool",
        request=None,
        responses={200: s.CustomerDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], required_action="claim")
    def claim(self, request, pk=None):
        customer = self.get_object()
        return self._answer(pool_service.customer_claim(actor=request.user, customer=customer))

    @post_schema(
        summary="Release a customer to the public pool",
        request=s.ReleaseRequestSerializer,
        responses={200: s.CustomerDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], required_action="release")
    def release(self, request, pk=None):
        customer = self.get_object()
        data = _valid(s.ReleaseRequestSerializer, request)
        return self._answer(pool_service.customer_release(actor=request.user, customer=customer, reason=data["reason"]))

    # --- actions on many customers --------------------------------------------------------------------------
    @post_schema(
        operation_id="v1_customers_bulk_handover",
        summary="Hand many customers over to another manager",
        description="Customers outside your scope are left out; `count` says how many moved.",
        request=s.BulkHandoverSerializer,
        responses={200: s.CountSerializer, **ERRORS},
    )
    @action(detail=False, methods=["post"], url_path="handover", url_name="bulk-handover", required_action="handover")
    def bulk_handover(self, request):
        data = _valid(s.BulkHandoverSerializer, request)
        moved = ownership.customers_handover(
            actor=request.user, customers=data["customers"], to_manager=data["manager"], note=data["note"]
        )
        return Response({"count": moved})

    @post_schema(
        summary="Assign public-pool customers to a manager",
        request=s.AssignRequestSerializer,
        responses={200: s.CountSerializer, **ERRORS},
    )
    @action(detail=False, methods=["post"], required_action="assign")
    def assign(self, request):
        data = _valid(s.AssignRequestSerializer, request)
        count = pool_service.customers_assign_from_pool(
            actor=request.user, customers=data["customers"], manager=data["manager"]
        )
        return Response({"count": count})

    @extend_schema(
        summary="Check for duplicates",
        description="The customers like the one described, as the duplicate check on create sees them.",
        parameters=[s.DuplicateQuerySerializer],
        responses={200: s.DuplicatesSerializer, 400: ERRORS[400], 403: ERRORS[403]},
    )
    @action(detail=False, methods=["get"], required_action="view")
    def duplicates(self, request):
        params = s.DuplicateQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        report = duplicates.duplicate_find(
            actor=request.user,
            name=data.get("name", ""),
            phone=data.get("phone", ""),
            email=data.get("email", ""),
            credit_code=data.get("credit_code", ""),
            exclude_id=data.get("exclude"),
        )
        return Response(duplicates.report_details(report, actor=request.user))

    @post_schema(
        summary="Merge duplicate customers",
        description=(
            "Folds `others` into `target`: their contacts, follow-ups, files, contracts and the records of "
            "other modules move to the target; they are deleted. Answers the merged customer."
        ),
        request=s.MergeRequestSerializer,
        responses={200: s.CustomerDetailSerializer, **ERRORS},
    )
    @action(detail=False, methods=["post"], required_action="merge")
    def merge(self, request):
        data = _valid(s.MergeRequestSerializer, request)
        target = customer_get(user=request.user, pk=data["target"])
        merged = merge.customers_merge(
            actor=request.user, target=target, others=data["others"], choices=data["choices"]
        )
        return self._answer(merged)


@extend_schema_view(
    list=extend_schema(
        summary="List the customers of the public pools open to me",
        description="Longest waiting first. Needs the function claim or assign.",
        parameters=[s.PoolFilterSerializer],
    )
)
class PoolCustomerViewSet(mixins.ListModelMixin, CustomerApiViewSet):
    """Customers waiting in the public pools open to you (CUS-13): claim them with POST
    /api/v1/customers/{id}/claim/, or assign them with POST /api/v1/customers/assign/."""

    serializer_class = s.PoolCustomerSerializer
    pagination_class = ListPagination
    filter_backends = []
    queryset = Customer.objects.none()

    def get_queryset(self):
        if _fake(self):
            return Customer.objects.none()
        access = access_for(self.request.user)
        if not (access.can(f"{CUSTOMER}.claim") or access.can(f"{CUSTOMER}.assign")):
            raise PermissionDenied()
        params = s.PoolFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        pool = None
        if params.validated_data.get("pool"):
            pool = next((p for p in pools_open_to(self.request.user) if p.pk == params.validated_data["pool"]), None)
            if pool is None:
                return Customer.objects.none()
        queryset = pool_customers(user=self.request.user, pool=pool, query=params.validated_data.get("search", ""))
        return queryset.prefetch_related("tags")


# --- what hangs off one customer ------------------------------------------------------------------------------
# /customers/{customer_pk}/<things>/ lists and creates; /<things>/{id}/ reads, changes and deletes. Each
# viewset names its selectors (`list_records`, `get_record`: both scoped through the customer) and
# says in `save` / `remove` which service writes.
def _without_custom(validated: dict) -> tuple[dict, dict | None]:
    data = dict(validated)
    return data, data.pop("custom", None)


class CustomerChildViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, CustomerApiViewSet):
    list_records = None  # selector(user=, customer=)
    get_record = None  # selector(user=, pk=)
    filter_backends = []

    def customer(self) -> Customer:
        """The customer of the URL, in the caller's scope, or NotFound."""
        if not hasattr(self, "_customer"):
            self._customer = customer_get(user=self.request.user, pk=self.kwargs["customer_pk"])
        return self._customer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not _fake(self) and "customer_pk" in self.kwargs:
            context["customer"] = self.customer()
        return context

    def get_queryset(self):
        if _fake(self):
            return self.queryset
        return type(self).list_records(user=self.request.user, customer=self.customer())

    def save(self, serializer):
        raise NotImplementedError

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = self.save(serializer)
        fresh = type(self).get_record(user=request.user, pk=record.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)


class ChildRecordViewSet(mixins.RetrieveModelMixin, mixins.DestroyModelMixin, CustomerApiViewSet):
    get_record = None  # selector(user=, pk=): NotFound when its customer is outside the scope

    def get_object(self):
        if not hasattr(self, "_record"):
            self._record = type(self).get_record(user=self.request.user, pk=self.kwargs["pk"])
        return self._record

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not _fake(self) and "pk" in self.kwargs:
            context["customer"] = self.get_object().customer  # a contact chosen must be one of its own
        return context

    def remove(self, record) -> None:
        raise NotImplementedError

    def destroy(self, request, *args, **kwargs):
        self.remove(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class EditableChildViewSet(mixins.UpdateModelMixin, ChildRecordViewSet):
    def change(self, record, serializer) -> None:
        raise NotImplementedError

    def update(self, request, *args, **kwargs):
        record = self.get_object()
        serializer = self.get_serializer(record, data=request.data, partial=kwargs.pop("partial", False))
        serializer.is_valid(raise_exception=True)
        self.change(record, serializer)
        fresh = type(self).get_record(user=request.user, pk=record.pk)
        return Response(self.get_serializer(fresh).data)


def _detail_schema(noun: str, serializer):
    return extend_schema_view(
        retrieve=extend_schema(summary=f"Get {noun}"),
        update=extend_schema(summary=f"Replace {noun}", responses={200: serializer, **ERRORS}),
        partial_update=extend_schema(summary=f"Change {noun}", responses={200: serializer, **ERRORS}),
        destroy=extend_schema(summary=f"Delete {noun}"),
    )


@extend_schema(parameters=[CUSTOMER_PK])
@extend_schema_view(list=extend_schema(summary="A customer's timeline (events, newest first)"))
class CustomerTimelineViewSet(mixins.ListModelMixin, CustomerApiViewSet):
    """What happened to the customer: created, changed, shared, handed over, claimed, merged …"""

    resource = CUSTOMER
    required_action = "view"
    serializer_class = s.CustomerEventSerializer
    filter_backends = []
    queryset = CustomerEvent.objects.none()

    def get_queryset(self):
        if _fake(self):
            return CustomerEvent.objects.none()
        customer = customer_get(user=self.request.user, pk=self.kwargs["customer_pk"])
        return related.timeline(user=self.request.user, customer=customer)


@extend_schema(parameters=[CUSTOMER_PK])
@extend_schema_view(
    list=extend_schema(summary="A customer's contacts"),
    create=post_schema(summary="Add a contact to a customer", responses={201: s.ContactSerializer, **ERRORS}),
)
class CustomerContactViewSet(CustomerChildViewSet):
    """The people at a customer (CUS-3); each one then lives at /api/v1/contacts/{id}/."""

    resource = CONTACT
    serializer_class = s.ContactSerializer
    queryset = Contact.objects.none()
    list_records = staticmethod(related.contact_list)
    get_record = staticmethod(related.contact_get)

    def save(self, serializer):
        data, custom = _without_custom(serializer.validated_data)
        return contacts.contact_create(actor=self.request.user, customer=self.customer(), data=data, custom=custom)


@_detail_schema("a contact", s.ContactSerializer)
class ContactViewSet(EditableChildViewSet):
    """A contact, as far as its customer is in your scope (else 404). New ones: POST
    /api/v1/customers/{id}/contacts/."""

    resource = CONTACT
    serializer_class = s.ContactSerializer
    queryset = Contact.objects.none()
    get_record = staticmethod(related.contact_get)

    def change(self, record, serializer) -> None:
        data, custom = _without_custom(serializer.validated_data)
        contacts.contact_update(actor=self.request.user, contact=record, data=data, custom=custom)

    def remove(self, record) -> None:
        contacts.contact_delete(actor=self.request.user, contact=record)


@extend_schema(parameters=[CUSTOMER_PK])
@extend_schema_view(
    list=extend_schema(summary="A customer's follow-ups (newest first)"),
    create=post_schema(
        summary="Record a follow-up",
        description="Also sets the customer's last follow-up time and next follow-up date.",
        responses={201: s.FollowUpSerializer, **ERRORS},
    ),
)
class CustomerFollowUpViewSet(CustomerChildViewSet):
    """Follow-ups of a customer (CUS-5); each one then lives at /api/v1/follow-ups/{id}/."""

    resource = FOLLOWUP
    serializer_class = s.FollowUpSerializer
    queryset = FollowUp.objects.none()
    list_records = staticmethod(related.followup_list)
    get_record = staticmethod(related.followup_get)

    def save(self, serializer):
        data = dict(serializer.validated_data)
        return activities.followup_create(actor=self.request.user, customer=self.customer(), data=data)


@_detail_schema("a follow-up", s.FollowUpSerializer)
class FollowUpViewSet(EditableChildViewSet):
    """A follow-up, as far as its customer is in your scope (else 404)."""

    resource = FOLLOWUP
    serializer_class = s.FollowUpSerializer
    queryset = FollowUp.objects.none()
    get_record = staticmethod(related.followup_get)

    def change(self, record, serializer) -> None:
        activities.followup_update(actor=self.request.user, followup=record, data=dict(serializer.validated_data))

    def remove(self, record) -> None:
        activities.followup_delete(actor=self.request.user, followup=record)


@extend_schema(parameters=[CUSTOMER_PK])
@extend_schema_view(
    list=extend_schema(summary="A customer's interaction records"),
    create=post_schema(summary="Add an interaction record", responses={201: s.InteractionSerializer, **ERRORS}),
)
class CustomerInteractionViewSet(CustomerChildViewSet):
    """Interaction records of a customer (CUS-4); each one then lives at /api/v1/interactions/{id}/."""

    resource = INTERACTION
    serializer_class = s.InteractionSerializer
    queryset = Interaction.objects.none()
    list_records = staticmethod(related.interaction_list)
    get_record = staticmethod(related.interaction_get)

    def save(self, serializer):
        data = dict(serializer.validated_data)
        return activities.interaction_create(actor=self.request.user, customer=self.customer(), data=data)


@_detail_schema("an interaction record", s.InteractionSerializer)
class InteractionViewSet(EditableChildViewSet):
    """An interaction record, as far as its customer is in your scope (else 404)."""

    resource = INTERACTION
    serializer_class = s.InteractionSerializer
    queryset = Interaction.objects.none()
    get_record = staticmethod(related.interaction_get)

    def change(self, record, serializer) -> None:
        data = dict(serializer.validated_data)
        activities.interaction_update(actor=self.request.user, interaction=record, data=data)

    def remove(self, record) -> None:
        activities.interaction_delete(actor=self.request.user, interaction=record)


@extend_schema(parameters=[CUSTOMER_PK])
@extend_schema_view(
    list=extend_schema(summary="A customer's attachments"),
    create=post_schema(
        summary="Upload an attachment",
        description="multipart/form-data. Over the size limit: 413; content that does not match the name: 400.",
        request=s.AttachmentUploadSerializer,
        responses={
            201: s.AttachmentSerializer,
            **ERRORS,
            413: OpenApiResponse(s.ApiErrorSerializer, description="The file is too large."),
        },
    ),
)
class CustomerAttachmentViewSet(CustomerChildViewSet):
    """Files of a customer (CUS-12): quotes, contracts, others. Each one then lives at
    /api/v1/attachments/{id}/ and downloads from /api/v1/attachments/{id}/download/."""

    resource = ATTACHMENT
    serializer_class = s.AttachmentSerializer
    parser_classes = [MultiPartParser, FormParser]
    queryset = Attachment.objects.none()
    list_records = staticmethod(related.attachment_list)
    get_record = staticmethod(related.attachment_get)

    def get_serializer_class(self):
        return s.AttachmentUploadSerializer if self.action == "create" else s.AttachmentSerializer

    def create(self, request, *args, **kwargs):
        data = _valid(s.AttachmentUploadSerializer, request, self.get_serializer_context())
        attachment = files.attachment_upload(
            actor=request.user,
            customer=self.customer(),
            upload=data["file"],
            kind=data["kind"],
            description=data["description"],
            contract=data.get("contract"),
        )
        fresh = related.attachment_get(user=request.user, pk=attachment.pk)
        return Response(s.AttachmentSerializer(fresh, context=self.get_serializer_context()).data, status=201)


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

    resource = ATTACHMENT
    serializer_class = s.AttachmentSerializer
    queryset = Attachment.objects.none()
    get_record = staticmethod(related.attachment_get)

    def remove(self, record) -> None:
        files.attachment_delete(actor=self.request.user, attachment=record)

    @extend_schema(
        summary="Download an attachment",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: ERRORS[404]},
    )
    @action(detail=True, methods=["get"], content_negotiation_class=_AnyContent)
    def download(self, request, pk=None):
        attachment = self.get_object()
        return FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )


@extend_schema(parameters=[CUSTOMER_PK])
@extend_schema_view(
    list=extend_schema(summary="A customer's contracts"),
    create=post_schema(summary="Add a contract to a customer", responses={201: s.ContractSerializer, **ERRORS}),
)
class CustomerContractViewSet(CustomerChildViewSet):
    """Contracts of a customer (CUS-16); each one then lives at /api/v1/contracts/{id}/."""

    resource = CONTRACT
    serializer_class = s.ContractSerializer
    queryset = Contract.objects.none()
    list_records = staticmethod(related.contract_list)
    get_record = staticmethod(related.contract_get)

    def save(self, serializer):
        return files.contract_create(actor=self.request.user, customer=self.customer(), data=serializer.service_data())


@extend_schema_view(
    list=extend_schema(summary="List contracts", parameters=[s.ContractFilterSerializer]),
    create=post_schema(
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
class ContractViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, EditableChildViewSet):
    """Contracts (CUS-16) of the customers in your scope."""

    resource = CONTRACT
    serializer_class = s.ContractSerializer
    pagination_class = ListPagination
    filter_backends = []
    queryset = Contract.objects.none()
    get_record = staticmethod(related.contract_get)

    def get_queryset(self):
        if _fake(self):
            return Contract.objects.none()
        queryset = related.contract_list(user=self.request.user)
        params = s.ContractFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        if data.get("customer"):
            queryset = queryset.filter(customer_id=data["customer"])
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
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

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        customer = serializer.validated_data.get("customer")
        if customer is None:
            raise ValidationFailed(fields={"customer": [_("This field is required.")]})
        contract = files.contract_create(actor=request.user, customer=customer, data=serializer.service_data())
        fresh = related.contract_get(user=request.user, pk=contract.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)

    def change(self, record, serializer) -> None:
        files.contract_update(actor=self.request.user, contract=record, data=serializer.service_data())

    def remove(self, record) -> None:
        files.contract_delete(actor=self.request.user, contract=record)


# --- settings -------------------------------------------------------------------------------------------------
class SettingsViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    CustomerApiViewSet,
):
    # Customer settings: the function permissions of their resource decide; no data scope.

    def get_object(self):
        try:
            return self.get_queryset().get(pk=self.kwargs["pk"])
        except (self.get_queryset().model.DoesNotExist, ValueError) as exc:
            raise NotFound() from exc


@extend_schema_view(
    list=extend_schema(summary="List customer tags"),
    create=post_schema(summary="Create a tag", responses={201: s.TagSerializer, **ERRORS}),
)
class TagViewSet(SettingsViewSet):
    """Tags on customers (CUS-15)."""

    resource = TAG
    serializer_class = s.TagSerializer
    queryset = Tag.objects.none()
    search_fields = ["name", "group"]
    ordering_fields = ["name", "group", "sort_order", "id"]
    filterset_fields = ["group"]

    def get_queryset(self):
        return Tag.objects.order_by("group", "sort_order", "name")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tag = config.tag_create(actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(tag).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        tag = self.get_object()
        serializer = self.get_serializer(tag, data=request.data, partial=kwargs.pop("partial", False))
        serializer.is_valid(raise_exception=True)
        tag = config.tag_update(actor=request.user, tag=tag, data=serializer.validated_data)
        return Response(self.get_serializer(tag).data)

    def destroy(self, request, *args, **kwargs):
        config.tag_delete(actor=request.user, tag=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(summary="List custom fields"),
    create=post_schema(summary="Define a custom field", responses={201: s.CustomFieldSerializer, **ERRORS}),
    partial_update=extend_schema(
        summary="Change a custom field",
        description="Key, record type and type stay as defined (409 frozen).",
        responses={200: s.CustomFieldSerializer, **ERRORS},
    ),
)
class CustomFieldViewSet(SettingsViewSet):
    """Fields administrators add to customers and contacts (CUS-14); values go in `custom`."""

    resource = CUSTOM_FIELD
    serializer_class = s.CustomFieldSerializer
    queryset = CustomField.objects.none()
    filterset_fields = ["resource", "is_active", "field_type"]
    search_fields = ["key", "label"]
    ordering_fields = ["resource", "sort_order", "id"]

    def get_queryset(self):
        return CustomField.objects.order_by("resource", "sort_order", "id")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        definition = config.custom_field_create(actor=request.user, data=dict(serializer.validated_data))
        return Response(self.get_serializer(definition).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        definition = self.get_object()
        serializer = self.get_serializer(definition, data=request.data, partial=kwargs.pop("partial", False))
        serializer.is_valid(raise_exception=True)
        config.custom_field_update(actor=request.user, definition=definition, data=dict(serializer.validated_data))
        return Response(self.get_serializer(definition).data)

    def destroy(self, request, *args, **kwargs):
        config.custom_field_delete(actor=request.user, definition=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(summary="List public pools"),
    create=post_schema(summary="Create a public pool", responses={201: s.PoolSerializer, **ERRORS}),
    destroy=extend_schema(summary="Delete an empty public pool", description="A pool holding customers: 409."),
)
class PoolViewSet(SettingsViewSet):
    """Public pools and their rules (CUS-13)."""

    resource = POOL
    serializer_class = s.PoolSerializer
    queryset = Pool.objects.none()
    filterset_fields = ["is_active", "is_default"]
    search_fields = ["name"]
    ordering_fields = ["sort_order", "name", "id"]

    def get_queryset(self):
        return Pool.objects.prefetch_related("departments").order_by("sort_order", "id")

    def _split(self, serializer) -> tuple[dict, list | None]:
        data = dict(serializer.validated_data)
        return data, data.pop("departments", None)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data, departments = self._split(serializer)
        created = pool_service.pool_create(actor=request.user, data=data, departments=departments or [])
        fresh = self.get_queryset().get(pk=created.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        pool = self.get_object()
        serializer = self.get_serializer(pool, data=request.data, partial=kwargs.pop("partial", False))
        serializer.is_valid(raise_exception=True)
        data, departments = self._split(serializer)
        pool_service.pool_update(actor=request.user, pool=pool, data=data, departments=departments)
        return Response(self.get_serializer(self.get_queryset().get(pk=pool.pk)).data)

    def destroy(self, request, *args, **kwargs):
        pool_service.pool_delete(actor=request.user, pool=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(summary="List the duplicate rules"),
    retrieve=extend_schema(summary="Get a duplicate rule"),
    partial_update=extend_schema(
        summary="Set a duplicate rule's mode or threshold",
        description=(
            "mode: block, warn or off; threshold (similar names): 50–100. Similar names can only warn "
            "(409 invalid_mode)."
        ),
        responses={200: s.DuplicateRuleSerializer, **ERRORS},
    ),
)
class DuplicateRuleViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, CustomerApiViewSet
):
    """How each kind of match is treated by the duplicate check (CUS-8)."""

    resource = DUPLICATE_RULE
    serializer_class = s.DuplicateRuleSerializer
    lookup_field = "kind"
    lookup_value_regex = r"[a-z_]+"
    http_method_names = ["get", "patch", "head", "options"]
    filter_backends = []
    queryset = DuplicateRule.objects.none()

    def get_queryset(self):
        return duplicates.duplicate_rules()

    def get_object(self):
        rule = next((r for r in duplicates.duplicate_rules() if r.kind == self.kwargs["kind"]), None)
        if rule is None:
            raise NotFound()
        return rule

    def partial_update(self, request, *args, **kwargs):
        rule = self.get_object()
        serializer = self.get_serializer(rule, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        changed = duplicates.duplicate_rule_set(
            actor=request.user, kind=rule.kind, mode=data.get("mode", rule.mode), threshold=data.get("threshold")
        )
        return Response(self.get_serializer(changed).data)


@extend_schema_view(
    list=extend_schema(
        summary="List transfer requests",
        description="The ones I made, the ones I decide, and the others my data scope reaches (as on the page).",
        parameters=[s.TransferFilterSerializer],
    ),
    retrieve=extend_schema(summary="Get a transfer request"),
    create=post_schema(
        summary="Ask for a customer someone else owns",
        description=(
            "With the transfer_token of a duplicate match. The owner's supervisor decides (approve or reject)."
        ),
        request=s.TransferCreateSerializer,
        responses={201: s.TransferRequestSerializer, **ERRORS},
    ),
)
class TransferRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, CustomerApiViewSet
):
    """Requests for a customer someone else owns, after the duplicate check blocked (CUS-8)."""

    resource = TRANSFER
    serializer_class = s.TransferRequestSerializer
    filter_backends = []
    queryset = TransferRequest.objects.none()

    def get_queryset(self):
        if _fake(self):
            return TransferRequest.objects.none()
        box = None
        if self.action == "list":
            params = s.TransferFilterSerializer(data=self.request.query_params)
            params.is_valid(raise_exception=True)
            box = params.validated_data.get("box")
        return transfer_list(user=self.request.user, box=box)

    def _data(self, rows, *, many: bool = False):
        visible = visible_customer_ids(self.request.user, rows if many else [rows])
        context = {**self.get_serializer_context(), "visible_customers": visible}
        return s.TransferRequestSerializer(rows, many=many, context=context).data

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self._data(page, many=True))

    def retrieve(self, request, *args, **kwargs):
        return Response(self._data(self.get_object()))

    def create(self, request, *args, **kwargs):
        data = _valid(s.TransferCreateSerializer, request)
        try:
            customer = duplicates.customer_from_transfer_token(actor=request.user, token=data["transfer_token"])
        except NotFound as exc:
            raise ValidationFailed(
                fields={"transfer_token": [_("The token is not valid, or it has expired; check for duplicates again.")]}
            ) from exc
        created = transfers.transfer_request_create(actor=request.user, customer=customer, reason=data["reason"])
        return Response(self._data(self.get_queryset().get(pk=created.pk)), status=status.HTTP_201_CREATED)

    def _decide(self, request, *, approve: bool) -> Response:
        transfer = self.get_object()
        data = _valid(s.DecisionSerializer, request)
        transfers.transfer_request_decide(actor=request.user, request=transfer, approve=approve, note=data["note"])
        return Response(self._data(self.get_queryset().get(pk=transfer.pk)))

    @post_schema(
        summary="Approve a transfer request: the customer is handed over to the requester",
        request=s.DecisionSerializer,
        responses={200: s.TransferRequestSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], required_action="approve")
    def approve(self, request, pk=None):
        return self._decide(request, approve=True)

    @post_schema(
        summary="Reject a transfer request",
        request=s.DecisionSerializer,
        responses={200: s.TransferRequestSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], required_action="approve")
    def reject(self, request, pk=None):
        return self._decide(request, approve=False)


@extend_schema_view(
    list=extend_schema(summary="List my saved customer views (and the shared ones)"),
    create=post_schema(summary="Save a customer view", responses={201: s.SavedViewSerializer, **ERRORS}),
)
class SavedViewViewSet(SettingsViewSet):
    """The caller's saved list views; views shared with everyone are listed too, but only their
    owner changes them. Sharing a view with everyone needs "edit customers in any status"."""

    resource = CUSTOMER
    required_action = "view"
    serializer_class = s.SavedViewSerializer
    queryset = SavedView.objects.none()
    filter_backends = []

    def get_queryset(self):
        if _fake(self):
            return SavedView.objects.none()
        user = self.request.user
        return SavedView.objects.filter(Q(owner=user) | Q(is_shared=True), resource=CUSTOMER).order_by("name", "id")

    def _save(self, serializer, view=None) -> SavedView:
        data = dict(serializer.validated_data)
        if data.get("is_shared") and not access_for(self.request.user).can(f"{CUSTOMER}.manage"):
            raise PermissionDenied()
        return config.saved_view_save(actor=self.request.user, data=data, view=view)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(self.get_serializer(self._save(serializer)).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        view = self.get_object()
        serializer = self.get_serializer(view, data=request.data, partial=kwargs.pop("partial", False))
        serializer.is_valid(raise_exception=True)
        return Response(self.get_serializer(self._save(serializer, view)).data)

    def destroy(self, request, *args, **kwargs):
        config.saved_view_delete(actor=request.user, view=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
