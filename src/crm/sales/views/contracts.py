"""The payment and invoice dialogs on a contract's page: plans (add, change, delete), receipts
(record, delete), invoice requests (request, mark issued, return). The contract is found through
the permission engine first (404 outside the scope); the services decide the rest."""

from django.db.models import F
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from crm.access.decorators import crm_view
from crm.access.engine import access_for
from crm.core.views.flows import delete_flow, dialog
from crm.customers.selectors import related
from crm.identity.models import User
from crm.sales import selectors
from crm.sales.forms import InvoiceForm, IssueForm, PlanForm, ReasonForm, ReceiptForm
from crm.sales.models import Invoice, InvoicingDetails, PaymentPlan, Receipt
from crm.sales.permissions import INVOICE, PLAN, RECEIPT
from crm.sales.services import invoices, payments


def _back(contract) -> str:
    return reverse("customers:contract_detail", args=[contract.pk])


def _owners(user, contract):
    users = access_for(user).users_in_scope("customers.customer", User.objects.active())
    return User.objects.filter(pk__in=[*users.values_list("pk", flat=True)[:500], contract.owner_id or 0])


@crm_view(f"{PLAN}.create", methods=("GET", "POST"))
def plan_create(request, pk):
    contract = related.contract_get(user=request.user, pk=pk)
    form = PlanForm(request.POST or None, owners=_owners(request.user, contract),
                    initial={"owner": contract.owner_id})
    return dialog(
        request, form=form, title=_("New instalment"),
        save=lambda: payments.plan_create(actor=request.user, contract=contract, data=form.cleaned_data),
        success=lambda plan: _("Instalment %(n)d added.") % {"n": plan.sequence},
        next_url=_back(contract),
    )


def _plan(user, pk) -> PaymentPlan:
    plan = get_object_or_404(PaymentPlan.objects.select_related("contract"), pk=pk)
    related.contract_get(user=user, pk=plan.contract_id)  # 404 outside the contract's scope
    return plan


@crm_view(f"{PLAN}.edit", methods=("GET", "POST"))
def plan_edit(request, pk):
    plan = _plan(request.user, pk)
    initial = {"amount": plan.amount, "due_on": plan.due_on, "owner": plan.owner_id, "notes": plan.notes}
    form = PlanForm(request.POST or None, owners=_owners(request.user, plan.contract), initial=initial)
    return dialog(
        request, form=form, title=_("Instalment %(n)d") % {"n": plan.sequence},
        save=lambda: payments.plan_update(actor=request.user, plan=plan, data=form.cleaned_data),
        success=_("Instalment saved."), next_url=_back(plan.contract),
    )


@crm_view(f"{PLAN}.delete", methods=("POST",))
def plan_delete(request, pk):
    plan = _plan(request.user, pk)
    return delete_flow(request, delete=lambda: payments.plan_delete(actor=request.user, plan=plan),
                       success=_("Instalment deleted."), done=_back(plan.contract))


@crm_view(f"{RECEIPT}.create", methods=("GET", "POST"))
def receipt_create(request, pk):
    contract = related.contract_get(user=request.user, pk=pk)
    open_plans = selectors.plans_of(user=request.user, contract=contract).filter(received__lt=F("amount"))
    form = ReceiptForm(request.POST or None, plans=open_plans)
    return dialog(
        request, form=form, title=_("Record a receipt"),
        intro=_("Money beyond the contract amount needs a reason; with an approval flow for receipts it counts "
                "once approved."),
        save=lambda: payments.receipt_create(actor=request.user, contract=contract, data=form.cleaned_data),
        success=lambda receipt: _("Receipt %(number)s recorded.") % {"number": receipt.number},
        next_url=_back(contract),
    )


@crm_view(f"{RECEIPT}.delete", methods=("POST",))
def receipt_delete(request, pk):
    receipt = get_object_or_404(Receipt.objects.select_related("contract"), pk=pk)
    related.contract_get(user=request.user, pk=receipt.contract_id)
    return delete_flow(request, delete=lambda: payments.receipt_delete(actor=request.user, receipt=receipt),
                       success=_("Receipt %(number)s deleted.") % {"number": receipt.number},
                       done=_back(receipt.contract))


@crm_view(f"{INVOICE}.create", methods=("GET", "POST"))
def invoice_create(request, pk):
    contract = related.contract_get(user=request.user, pk=pk)
    saved = InvoicingDetails.objects.filter(customer_id=contract.customer_id).first()
    if saved:
        initial = {key: getattr(saved, key) for key in invoices.DETAIL_FIELDS}
    else:
        initial = {"name": contract.customer.name}
        if "credit_code" not in access_for(request.user).concealed_fields("customers.customer"):
            initial["tax_id"] = contract.customer.credit_code  # a masked code is never put in a field
    outstanding = contract.amount - contract.invoiced_amount
    if outstanding > 0:
        initial["amount"] = outstanding
    form = InvoiceForm(request.POST or None, initial=initial)
    return dialog(
        request, form=form, title=_("Request an invoice"),
        intro=_("The buyer's details are kept with the customer for the next invoice."),
        save=lambda: invoices.invoice_request(actor=request.user, contract=contract, data=form.cleaned_data),
        success=lambda invoice: _("Invoice request %(number)s sent.") % {"number": invoice.number},
        next_url=_back(contract),
    )


def _invoice(user, pk):
    invoice = get_object_or_404(Invoice.objects.select_related("contract"), pk=pk)
    related.contract_get(user=user, pk=invoice.contract_id)
    return invoice


@crm_view(f"{INVOICE}.issue", methods=("GET", "POST"))
def invoice_issue(request, pk):
    invoice = _invoice(request.user, pk)
    form = IssueForm(request.POST or None)
    return dialog(
        request, form=form, title=_("Invoice %(number)s issued") % {"number": invoice.number},
        save=lambda: invoices.invoice_issue(actor=request.user, invoice=invoice, invoice_no=form.cleaned_data[
            "invoice_no"], issued_on=form.cleaned_data["issued_on"]),
        success=_("Invoice marked issued."), next_url=_back(invoice.contract),
    )


@crm_view(f"{INVOICE}.issue", methods=("GET", "POST"))
def invoice_return(request, pk):
    invoice = _invoice(request.user, pk)
    form = ReasonForm(request.POST or None)
    return dialog(
        request, form=form, title=_("Return invoice %(number)s") % {"number": invoice.number},
        save=lambda: invoices.invoice_return(actor=request.user, invoice=invoice, reason=form.cleaned_data["reason"]),
        success=_("Invoice returned."), next_url=_back(invoice.contract),
    )
