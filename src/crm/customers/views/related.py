"""Contacts (CUS-3), follow-ups (CUS-5) and interaction records (CUS-4): dialogs on the 360 page
and, for follow-ups, straight from a row of the list (one dialog, s003/1 §3.2)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from crm.access.decorators import crm_view
from crm.access.engine import access_for
from crm.core.views.flows import delete_flow, dialog, safe_next
from crm.customers.forms import ContactForm, FollowUpForm, InteractionForm
from crm.customers.permissions import CONTACT, FOLLOWUP, INTERACTION
from crm.customers.selectors import related
from crm.customers.selectors.customers import customer_get
from crm.customers.services import activities, contacts


def _back(request, customer) -> str:
    return safe_next(request, reverse("customers:detail", args=[customer.pk]))


@crm_view(f"{CONTACT}.create", methods=("GET", "POST"))
def contact_create(request, pk):
    customer = customer_get(user=request.user, pk=pk)
    locked = access_for(request.user).concealed_fields(CONTACT)
    form = ContactForm(request.POST or None, locked=locked, initial={"gender": "male"})

    def save():
        contacts.contact_create(
            actor=request.user, customer=customer, data=form.service_data(), custom=form.custom_values()
        )

    return dialog(
        request,
        form=form,
        title=_("New contact of %(name)s") % {"name": customer.name},
        save=save,
        success=_("Contact added."),
        next_url=_back(request, customer),
        field_map=_custom_map(form),
    )


@crm_view(f"{CONTACT}.edit", methods=("GET", "POST"))
def contact_edit(request, pk):
    contact = related.contact_get(user=request.user, pk=pk)
    locked = access_for(request.user).readonly_fields(CONTACT)
    form = ContactForm(request.POST or None, instance=contact, locked=locked)

    def save():
        contacts.contact_update(
            actor=request.user,
            contact=related.contact_get(user=request.user, pk=pk),
            data=form.service_data(),
            custom=form.custom_values(),
        )

    return dialog(
        request,
        form=form,
        title=_("Edit contact %(name)s") % {"name": contact.name},
        save=save,
        success=_("Contact saved."),
        next_url=_back(request, contact.customer),
        field_map=_custom_map(form),
    )


def _custom_map(form) -> dict:
    return {f"custom.{d.key}": f"custom_{d.key}" for d in getattr(form, "custom_definitions", [])}


@crm_view(f"{CONTACT}.delete", methods=("POST",))
def contact_delete(request, pk):
    contact = related.contact_get(user=request.user, pk=pk)
    return delete_flow(
        request,
        delete=lambda: contacts.contact_delete(actor=request.user, contact=contact),
        success=_("Contact %(name)s deleted.") % {"name": contact.name},
        done=_back(request, contact.customer),
    )


@crm_view(f"{FOLLOWUP}.create", methods=("GET", "POST"))
def followup_create(request, pk):
    customer = customer_get(user=request.user, pk=pk)
    form = FollowUpForm(request.POST or None, customer=customer)

    def save():
        activities.followup_create(actor=request.user, customer=customer, data=form.cleaned_data)

    return dialog(
        request,
        form=form,
        title=_("Follow up %(name)s") % {"name": customer.name},
        save=save,
        success=_("Follow-up of %(name)s recorded.") % {"name": customer.name},
        next_url=_back(request, customer),
    )


@crm_view(f"{INTERACTION}.create", methods=("GET", "POST"))
def interaction_create(request, pk):
    customer = customer_get(user=request.user, pk=pk)
    form = InteractionForm(request.POST or None)

    def save():
        activities.interaction_create(actor=request.user, customer=customer, data=form.cleaned_data)

    return dialog(
        request,
        form=form,
        title=_("New interaction record of %(name)s") % {"name": customer.name},
        save=save,
        success=_("Interaction record added."),
        next_url=_back(request, customer),
    )


@crm_view(f"{INTERACTION}.edit", methods=("GET", "POST"))
def interaction_edit(request, pk):
    record = related.interaction_get(user=request.user, pk=pk)
    initial = {name: getattr(record, name) for name in activities.INTERACTION_FIELDS}
    form = InteractionForm(request.POST or None, initial=initial)

    def save():
        activities.interaction_update(actor=request.user, interaction=record, data=form.cleaned_data)

    return dialog(
        request,
        form=form,
        title=_("Edit interaction record"),
        save=save,
        success=_("Interaction record saved."),
        next_url=_back(request, record.customer),
    )
