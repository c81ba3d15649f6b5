"""The staff side of the portal, on the customer 360 page: invite a contact, deactivate an account.
For whoever may edit the customer (the engine decides: function and data scope)."""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from crm.access.decorators import crm_view
from crm.core.errors import DomainError
from crm.customers.models import Contact
from crm.customers.permissions import CUSTOMER
from crm.customers.selectors.customers import customer_get
from crm.portal.extensions import SECTION_TEMPLATE, section_context
from crm.portal.forms import InviteForm
from crm.portal.models import PortalAccount
from crm.portal.services import portal_deactivate, portal_invite


def _section(request, customer, **extra):
    context = {"customer": customer, **section_context(request.user, customer), **extra}
    return render(request, SECTION_TEMPLATE, context)


@crm_view(f"{CUSTOMER}.edit", methods=("POST",))
def invite(request, customer_pk):
    customer = customer_get(user=request.user, pk=customer_pk)
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _section(request, customer, error=" ".join(m for ms in form.errors.values() for m in ms))
    contact = Contact.objects.filter(customer=customer, pk=form.cleaned_data["contact"]).first()
    if contact is None:
        raise Http404
    try:
        account, link = portal_invite(
            actor=request.user,
            contact=contact,
            email=form.cleaned_data["email"],
            link_for=lambda token: request.build_absolute_uri(reverse("portal:accept", args=[token])),
        )
    except DomainError as exc:
        return _section(request, customer, error=exc.summary())
    return _section(request, customer, invited=account, invite_link=link)


@crm_view(f"{CUSTOMER}.edit", methods=("POST",))
def deactivate(request, pk):
    account = PortalAccount.objects.filter(pk=pk).first()
    if account is None:
        raise Http404
    customer = customer_get(user=request.user, pk=account.customer_id)  # 404 outside the scope
    try:
        portal_deactivate(actor=request.user, account=account)
    except DomainError as exc:
        return _section(request, customer, error=exc.summary())
    return _section(request, customer)
