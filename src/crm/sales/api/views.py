"""Payments and invoices in the API (API.md): a contract's payment plans, receipts and invoice
requests (`/api/v1/contracts/{id}/payment-plans/`, `…/receipts/`, `…/invoices/`), each record at its
own address, the lists `/api/v1/receipts/` and `/api/v1/invoices/`, a customer's invoicing details
(`/api/v1/customers/{id}/invoicing/`) and the ageing report (`/api/v1/reports/ageing/`). A contract
outside the caller's scope is 404; every rule answers 400 with the field."""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from crm.access.engine import access_for
from crm.core.api.pagination import ListPagination
from crm.core.api.viewsets import ERRORS, CrmViewSet
from crm.core.errors import PermissionDenied, ValidationFailed
from crm.customers.selectors import related
from crm.customers.selectors.customers import customer_get
from crm.opportunities.models import Opportunity
from crm.sales import printing, selectors
from crm.sales.api import serializers as s
from crm.sales.models import Invoice, InvoicingDetails, PaymentPlan, Quote, Receipt
from crm.sales.permissions import INVOICE, PLAN, QUOTE, RECEIPT
from crm.sales.services import invoices, payments, quotes
from crm.sales.services.contract_lines import contract_lines_save


class ContractChild(CrmViewSet):
    """The records of one contract, found through the contract (404 outside its scope)."""

    pagination_class = ListPagination

    def contract(self):
        return related.contract_get(user=self.request.user, pk=self.kwargs["contract_pk"])


@extend_schema_view(
    list=extend_schema(summary="A contract's payment plans"),
    create=extend_schema(summary="Add an instalment", request=s.PlanWriteSerializer,
                         responses={201: s.PlanSerializer, **ERRORS}),
)
class ContractPlanViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, ContractChild):
    resource = PLAN
    serializer_class = s.PlanSerializer
    queryset = PaymentPlan.objects.none()

    def get_queryset(self):
        return selectors.plans_of(user=self.request.user, contract=self.contract())

    def create(self, request, *args, **kwargs):
        contract = self.contract()  # 404 before anything is read of the body
        data = self.valid(s.PlanWriteSerializer)
        plan = payments.plan_create(actor=request.user, contract=contract, data=data)
        return Response(s.PlanSerializer(plan).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    retrieve=extend_schema(summary="Get an instalment"),
    partial_update=extend_schema(summary="Change an instalment", request=s.PlanPatchSerializer,
                                 responses={200: s.PlanSerializer, **ERRORS}),
    destroy=extend_schema(summary="Delete an instalment without money on it", responses={204: None, **ERRORS}),
)
class PlanViewSet(mixins.RetrieveModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin, CrmViewSet):
    resource = PLAN
    serializer_class = s.PlanSerializer
    queryset = PaymentPlan.objects.none()
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_object(self):
        return access_for(self.request.user).get(PLAN, self.kwargs["pk"], queryset=PaymentPlan.objects.select_related(
            "contract"))

    def partial_update(self, request, *args, **kwargs):
        data = self.valid(s.PlanPatchSerializer)
        plan = payments.plan_update(actor=request.user, plan=self.get_object(), data=data)
        return Response(s.PlanSerializer(plan).data)

    def destroy(self, request, *args, **kwargs):
        payments.plan_delete(actor=request.user, plan=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(summary="A contract's receipts"),
    create=extend_schema(
        summary="Record a receipt",
        description="Matched to the named instalment first, then by due date. Beyond the contract amount "
        "`over_reason` is required. With an approval flow for receipts the receipt is `in_approval` until approved.",
        request=s.ReceiptWriteSerializer,
        responses={201: s.ReceiptSerializer, **ERRORS},
    ),
)
class ContractReceiptViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, ContractChild):
    resource = RECEIPT
    serializer_class = s.ReceiptSerializer
    queryset = Receipt.objects.none()

    def get_queryset(self):
        return selectors.receipts_of(user=self.request.user, contract=self.contract()).prefetch_related(
            "allocations__plan")

    def create(self, request, *args, **kwargs):
        contract = self.contract()  # 404 before anything is read of the body
        data = self.valid(s.ReceiptWriteSerializer)
        receipt = payments.receipt_create(actor=request.user, contract=contract, data=data)
        return Response(s.ReceiptSerializer(receipt).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="List receipts", parameters=[s.ReceiptFilterSerializer]),
    retrieve=extend_schema(summary="Get a receipt"),
    destroy=extend_schema(summary="Delete a receipt recorded in error", responses={204: None, **ERRORS}),
)
class ReceiptViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, CrmViewSet):
    resource = RECEIPT
    serializer_class = s.ReceiptSerializer
    pagination_class = ListPagination
    queryset = Receipt.objects.none()

    def get_queryset(self):
        filters = self.valid(s.ReceiptFilterSerializer, self.request.query_params) if self.action == "list" else {}
        return selectors.receipt_list(user=self.request.user, filters=filters).prefetch_related("allocations__plan")

    def get_object(self):
        return access_for(self.request.user).get(RECEIPT, self.kwargs["pk"], queryset=Receipt.objects.select_related(
            "contract"))

    def destroy(self, request, *args, **kwargs):
        payments.receipt_delete(actor=request.user, receipt=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(summary="A contract's invoice requests"),
    create=extend_schema(
        summary="Request an invoice",
        description="The buyer's details default to the customer's saved ones; given ones are saved. Beyond the "
        "contract amount `over_reason` is required; a special VAT invoice needs the full details.",
        request=s.InvoiceWriteSerializer,
        responses={201: s.InvoiceSerializer, **ERRORS},
    ),
)
class ContractInvoiceViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, ContractChild):
    resource = INVOICE
    serializer_class = s.InvoiceSerializer
    queryset = Invoice.objects.none()

    def get_queryset(self):
        return selectors.invoices_of(user=self.request.user, contract=self.contract())

    def create(self, request, *args, **kwargs):
        contract = self.contract()  # 404 before anything is read of the body
        data = self.valid(s.InvoiceWriteSerializer)
        invoice = invoices.invoice_request(actor=request.user, contract=contract, data=data)
        return Response(s.InvoiceSerializer(invoice).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="List invoice requests", parameters=[s.InvoiceFilterSerializer]),
    retrieve=extend_schema(summary="Get an invoice request"),
)
class InvoiceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CrmViewSet):
    resource = INVOICE
    serializer_class = s.InvoiceSerializer
    pagination_class = ListPagination
    queryset = Invoice.objects.none()

    def get_queryset(self):
        filters = self.valid(s.InvoiceFilterSerializer, self.request.query_params) if self.action == "list" else {}
        return selectors.invoice_list(user=self.request.user, filters=filters)

    def get_object(self):
        return access_for(self.request.user).get(INVOICE, self.kwargs["pk"], queryset=Invoice.objects.select_related(
            "contract"))

    @extend_schema(summary="Mark issued (with the invoice number)", request=s.IssueSerializer,
                   responses={200: s.InvoiceSerializer, **ERRORS})
    @action(detail=True, methods=["post"], required_action="issue")
    def issue(self, request, pk=None):
        data = self.valid(s.IssueSerializer)
        invoice = invoices.invoice_issue(actor=request.user, invoice=self.get_object(), **data)
        return Response(s.InvoiceSerializer(invoice).data)

    @extend_schema(summary="Return (退票)", request=s.ReasonSerializer, responses={200: s.InvoiceSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="return", required_action="issue")
    def return_(self, request, pk=None):
        data = self.valid(s.ReasonSerializer)
        invoice = invoices.invoice_return(actor=request.user, invoice=self.get_object(), reason=data["reason"])
        return Response(s.InvoiceSerializer(invoice).data)


class ContractLinesView(APIView):
    """A contract's lines (合同明细): GET; PUT replaces them on a draft and sets the amount to their sum
    (an empty list removes them). Priced on the server like a quote's lines."""

    def _contract(self, request, pk):
        contract = related.contract_get(user=request.user, pk=pk)
        if "amount" in access_for(request.user).concealed_fields("customers.contract"):
            raise PermissionDenied()  # the prices add up to the amount this caller may not see
        return contract

    def _answer(self, contract):
        lines = selectors.contract_lines(contract)
        return Response(s.ContractLinesSerializer({"lines": lines, "amount": contract.amount}).data)

    @extend_schema(summary="A contract's lines", responses={200: s.ContractLinesSerializer, **ERRORS})
    def get(self, request, contract_pk):
        return self._answer(self._contract(request, contract_pk))

    @extend_schema(summary="Replace a draft contract's lines", request=s.ContractLinesSerializer,
                   responses={200: s.ContractLinesSerializer, **ERRORS})
    def put(self, request, contract_pk):
        contract = self._contract(request, contract_pk)
        serializer = s.ContractLinesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        contract_lines_save(actor=request.user, contract=contract, lines=serializer.validated_data["lines"])
        return self._answer(contract)


class InvoicingDetailsView(APIView):
    """A customer's invoicing details 开票信息 (GET; PUT replaces them, validated)."""

    @extend_schema(summary="A customer's invoicing details (blank when none are saved)",
                   responses={200: s.DetailsSerializer, **ERRORS})
    def get(self, request, customer_pk):
        customer = customer_get(user=request.user, pk=customer_pk)
        details = InvoicingDetails.objects.filter(customer=customer).first() or InvoicingDetails()
        return Response(s.DetailsSerializer(details).data)

    @extend_schema(summary="Save a customer's invoicing details", request=s.DetailsSerializer,
                   responses={200: s.DetailsSerializer, **ERRORS})
    def put(self, request, customer_pk):
        customer = customer_get(user=request.user, pk=customer_pk)
        serializer = s.DetailsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        details = invoices.details_save(actor=request.user, customer=customer, data=serializer.validated_data)
        return Response(s.DetailsSerializer(details).data)


class AgeingView(APIView):
    """应收账龄: the open part of every instalment in scope, by days past due, per customer or owner."""

    @extend_schema(summary="Receivables ageing", parameters=[s.AgeingQuerySerializer],
                   responses={200: s.AgeingRowSerializer(many=True), **ERRORS})
    def get(self, request):
        access_for(request.user).require(f"{RECEIPT}.view")
        query = s.AgeingQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = selectors.ageing(user=request.user, today=timezone.localdate(), group=query.validated_data["group"],
                                limit=1000)
        return Response(s.AgeingRowSerializer(rows, many=True).data)


@extend_schema_view(
    list=extend_schema(summary="List quotes"),
    retrieve=extend_schema(summary="Get a quote with its lines"),
    create=extend_schema(
        summary="Create a quote",
        description="`customer` is required. Line amounts, tax and total are computed by the server.",
        request=s.QuoteWriteSerializer,
        responses={201: s.QuoteSerializer, **ERRORS},
    ),
    update=extend_schema(summary="Replace a draft quote and its lines", request=s.QuoteWriteSerializer,
                         responses={200: s.QuoteSerializer, **ERRORS}),
)
class QuoteViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                   mixins.UpdateModelMixin, CrmViewSet):
    """Quotes 报价单 of the customers in your scope, and your own."""

    resource = QUOTE
    serializer_class = s.QuoteSerializer
    pagination_class = ListPagination
    queryset = Quote.objects.none()
    http_method_names = ["get", "post", "put", "head", "options"]

    def get_queryset(self):
        return selectors.quote_list(user=self.request.user, listing=True).prefetch_related("lines")

    def get_object(self):
        return selectors.quote_get(user=self.request.user, pk=self.kwargs["pk"])

    def _data(self, customer):
        data = self.valid(s.QuoteWriteSerializer)
        lines = [dict(line) for line in data.pop("lines")]
        opportunity = data.pop("opportunity", None)
        data["opportunity"] = Opportunity.objects.filter(pk=opportunity).first() if opportunity else None
        if opportunity and data["opportunity"] is None:
            raise ValidationFailed(fields={"opportunity": [_("The opportunity does not exist.")]})
        return data, lines

    def create(self, request, *args, **kwargs):
        customer = customer_get(user=request.user, pk=request.data.get("customer") or 0)
        data, lines = self._data(customer)
        quote = quotes.quote_create(actor=request.user, customer=customer, data=data, lines=lines)
        return Response(s.QuoteSerializer(quote).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        quote = self.get_object()
        data, lines = self._data(quote.customer)
        quote = quotes.quote_update(actor=request.user, quote=quote, data=data, lines=lines)
        return Response(s.QuoteSerializer(quote).data)

    @extend_schema(summary="Submit for approval (or ready to send when no flow applies)", request=None,
                   responses={200: s.QuoteSerializer, **ERRORS})
    @action(detail=True, methods=["post"], required_action="edit")
    def submit(self, request, pk=None):
        quote = self.get_object()
        quotes.quote_submit(actor=request.user, quote=quote)
        return Response(s.QuoteSerializer(Quote.objects.get(pk=quote.pk)).data)

    @extend_schema(summary="The customer's answer", request=s.QuoteAnswerSerializer,
                   responses={200: s.QuoteSerializer, **ERRORS})
    @action(detail=True, methods=["post"], required_action="edit")
    def answer(self, request, pk=None):
        data = self.valid(s.QuoteAnswerSerializer)
        quote = quotes.quote_answer(actor=request.user, quote=self.get_object(), action=data["answer"])
        return Response(s.QuoteSerializer(quote).data)

    @extend_schema(summary="Convert an accepted quote into a draft contract", request=None,
                   responses={201: s.QuoteSerializer, **ERRORS})
    @action(detail=True, methods=["post"], required_action="edit")
    def convert(self, request, pk=None):
        quote = self.get_object()
        quotes.quote_convert(actor=request.user, quote=quote)
        return Response(s.QuoteSerializer(Quote.objects.get(pk=quote.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="The quote as a PDF", responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        quote = self.get_object()
        response = HttpResponse(printing.document_pdf("quote", quote), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{quote.number}.pdf"'
        return response
