"""The customers API's customers (API.md, CH-3; CUS-1, CUS-2, CUS-8, CUS-13, CUS-14, CUS-15).

Every read goes through the selectors and every write through the services, so the API follows
the same rules as the pages: the permission engine's data scope (a customer outside it is a 404,
on every endpoint), function permissions (403), field rules (masked, hidden, read-only), the
duplicate check (409 `duplicate` / `duplicate_warning` with `error.details.duplicates`). What hangs
off a customer is in `related`, the settings in `settings`, transfer requests in `transfers`.
"""

import contextlib

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle

from crm.access.engine import access_for
from crm.core.api.pagination import ListPagination
from crm.core.api.viewsets import ERRORS, CrmModelViewSet, CrmViewSet
from crm.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from crm.core.pagination import ListPaginator
from crm.customers.api.rows import customer_rows, page_rows
from crm.customers.api.serializers import customers as s
from crm.customers.models import Customer
from crm.customers.permissions import CUSTOMER
from crm.customers.selectors.customers import CustomerFilters, customer_get, customer_list_by_branch
from crm.customers.selectors.pool import pool_customers
from crm.customers.selectors.scope import pools_open_to
from crm.customers.services import customers, duplicates, merge, ownership
from crm.customers.services import pool as pool_service


class DuplicateCheckThrottle(UserRateThrottle):
    """Each answer of the duplicate check confirms or refutes a guess: a budget per user
    (CRM_DUPLICATE_CHECK_RATE, as the page's live check)."""

    scope = "duplicate_check"

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
    create=extend_schema(
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
class CustomerViewSet(CrmModelViewSet):
    """Customers (CUS-1, CUS-2, CUS-8, CUS-14, CUS-15) and what is done to them: share, hand over,
    claim from and release to the public pool, merge duplicates."""

    resource = CUSTOMER
    serializer_class = s.CustomerSerializer
    pagination_class = ListPagination
    queryset = Customer.objects.none()

    def get_serializer_class(self):
        return s.CustomerDetailSerializer if self.action == "retrieve" else s.CustomerSerializer

    def get_queryset(self):
        filters = CustomerFilters.from_params(self.request.query_params)
        return customer_rows(customer_list_by_branch(user=self.request.user, filters=filters))

    def get_object(self):
        return customer_get(user=self.request.user, pk=self.kwargs["pk"])

    def _answer(self, customer, status_code=status.HTTP_200_OK) -> Response:
        """The customer in its new state, as the caller may see it."""
        # An action may have taken it out of the caller's scope (released to a pool not open to them).
        with contextlib.suppress(NotFound):
            customer = customer_get(user=self.request.user, pk=customer.pk)
        serializer = s.CustomerDetailSerializer(customer, context=self.get_serializer_context())
        return Response(serializer.data, status=status_code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        external_id = (serializer.validated_data.get("external_id") or "").strip()

        def create():
            return customers.customer_create(actor=request.user, **serializer.service_arguments())

        if not external_id:
            return self._answer(create(), status.HTTP_201_CREATED)
        customer, created = customers.customer_upsert(
            actor=request.user,
            external_id=external_id,
            create=create,
            update=lambda existing: self._change(existing, request.data, partial=True),
        )
        return self._answer(customer, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def _update(self, customer, data, *, partial: bool) -> Response:
        return self._answer(self._change(customer, data, partial=partial))

    def _change(self, customer, data, *, partial: bool):
        serializer = self.get_serializer(customer, data=data, partial=partial)
        serializer.is_valid(raise_exception=True)
        arguments = serializer.service_arguments()
        manager = arguments.pop("manager", customer.manager)
        if getattr(manager, "pk", None) != customer.manager_id:
            raise ValidationFailed(
                fields={"manager": [_("The manager changes by handover: POST /api/v1/customers/{id}/handover/.")]}
            )
        return customers.customer_update(actor=self.request.user, customer=customer, **arguments)

    def update(self, request, *args, **kwargs):
        return self._update(self.get_object(), request.data, partial=kwargs.pop("partial", False))

    def perform_destroy(self, instance):
        customers.customer_delete(actor=self.request.user, customer=instance)

    # --- actions on one customer ----------------------------------------------------------------------------
    @extend_schema(
        summary="Share a customer with colleagues",
        request=s.ShareRequestSerializer,
        responses={200: s.CustomerDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], required_action="share")
    def share(self, request, pk=None):
        customer = self.get_object()
        data = self.valid(s.ShareRequestSerializer)
        ownership.customer_share(
            actor=request.user, customer=customer, users=list(data["users"]), can_edit=data["can_edit"]
        )
        return self._answer(customer)

    @extend_schema(
        summary="Stop sharing a customer with a colleague",
        request=s.UnshareRequestSerializer,
        responses={200: s.CustomerDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], required_action="share")
    def unshare(self, request, pk=None):
        customer = self.get_object()
        data = self.valid(s.UnshareRequestSerializer)
        ownership.customer_unshare(actor=request.user, customer=customer, user=data["user"])
        return self._answer(customer)

    @extend_schema(
        summary="Hand a customer over to another manager",
        description="With its history, its contracts in progress and whatever other modules hand over with it.",
        request=s.HandoverRequestSerializer,
        responses={200: s.CustomerDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], required_action="handover")
    def handover(self, request, pk=None):
        customer = self.get_object()
        data = self.valid(s.HandoverRequestSerializer)
        access_for(request.user).check(CUSTOMER, "handover", customer)  # seen, but not theirs to give: 403
        moved = ownership.customers_handover(
            actor=request.user, customers=[customer], to_manager=data["manager"], note=data["note"]
        )
        if not moved:
            raise Conflict(_("The customer could not be handed over."), code="not_handed_over")
        return self._answer(customer)

    @extend_schema(
        summary="Claim a customer from the public pool",
        request=None,
        responses={200: s.CustomerDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], required_action="claim")
    def claim(self, request, pk=None):
        customer = self.get_object()
        return self._answer(pool_service.customer_claim(actor=request.user, customer=customer))

    @extend_schema(
        summary="Release a customer to the public pool",
        request=s.ReleaseRequestSerializer,
        responses={200: s.CustomerDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], required_action="release")
    def release(self, request, pk=None):
        customer = self.get_object()
        data = self.valid(s.ReleaseRequestSerializer)
        return self._answer(pool_service.customer_release(actor=request.user, customer=customer, reason=data["reason"]))

    # --- actions on many customers --------------------------------------------------------------------------
    @extend_schema(
        operation_id="v1_customers_bulk_handover",
        summary="Hand many customers over to another manager",
        description="Customers outside your scope are left out; `count` says how many moved.",
        request=s.BulkHandoverSerializer,
        responses={200: s.CountSerializer, **ERRORS},
    )
    @action(detail=False, methods=["post"], url_path="handover", url_name="bulk-handover", required_action="handover")
    def bulk_handover(self, request):
        data = self.valid(s.BulkHandoverSerializer)
        moved = ownership.customers_handover(
            actor=request.user, customers=data["customers"], to_manager=data["manager"], note=data["note"]
        )
        return Response({"count": moved})

    @extend_schema(
        summary="Assign public-pool customers to a manager",
        request=s.AssignRequestSerializer,
        responses={200: s.CountSerializer, **ERRORS},
    )
    @action(detail=False, methods=["post"], required_action="assign")
    def assign(self, request):
        data = self.valid(s.AssignRequestSerializer)
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
    @action(detail=False, methods=["get"], required_action="view", throttle_classes=[DuplicateCheckThrottle])
    def duplicates(self, request):
        data = self.valid(s.DuplicateQuerySerializer, request.query_params)
        report = duplicates.duplicate_find(
            actor=request.user,
            name=data.get("name", ""),
            phone=data.get("phone", ""),
            email=data.get("email", ""),
            credit_code=data.get("credit_code", ""),
            exclude_id=data.get("exclude"),
        )
        return Response(duplicates.report_details(report, actor=request.user))

    @extend_schema(
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
        data = self.valid(s.MergeRequestSerializer)
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
class PoolCustomerViewSet(mixins.ListModelMixin, CrmViewSet):
    """Customers waiting in the public pools open to you (CUS-13): claim them with POST
    /api/v1/customers/{id}/claim/, or assign them with POST /api/v1/customers/assign/."""

    serializer_class = s.PoolCustomerSerializer
    pagination_class = ListPagination
    queryset = Customer.objects.none()

    def get_queryset(self):
        access = access_for(self.request.user)
        if not (access.can(f"{CUSTOMER}.claim") or access.can(f"{CUSTOMER}.assign")):
            raise PermissionDenied()
        params = self.valid(s.PoolFilterSerializer, self.request.query_params)
        pool = None
        if params.get("pool"):
            pool = next((p for p in pools_open_to(self.request.user) if p.pk == params["pool"]), None)
            if pool is None:
                return Customer.objects.none()
        queryset = pool_customers(user=self.request.user, pool=pool, query=params.get("search", ""))
        return page_rows(queryset)
