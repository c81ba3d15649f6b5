"""服务协议 under System (SRV-6), for administrators: the agreements in a list, added, changed and
removed in dialogs. Changes apply to services created afterwards."""

from django.contrib import messages
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from crm.access.decorators import crm_view
from crm.core.views.flows import dialog, go
from crm.service import selectors, services
from crm.service.forms import AgreementForm
from crm.service.permissions import AGREEMENT

EDIT = f"{AGREEMENT}.edit"


@crm_view(EDIT)
def agreement_list(request):
    return render(request, "service/agreements.html", {"agreements": selectors.agreement_list(user=request.user)})


@crm_view(EDIT, methods=("GET", "POST"))
def agreement_create(request):
    form = AgreementForm(request.POST or None)
    return dialog(
        request,
        form=form,
        save=lambda: services.agreement_create(actor=request.user, data=form.service_data()),
        success=lambda agreement: _("Service agreement added: %(name)s.") % {"name": agreement},
        next_url=reverse("service:agreements"),
        title=_("Add a service agreement"),
        intro=_(
            "Hours are working hours of the working calendar. Services created from now on take their deadlines "
            "from the most specific agreement: type and customer level before type alone."
        ),
        leave=True,
    )


@crm_view(EDIT, methods=("GET", "POST"))
def agreement_edit(request, pk):
    agreement = selectors.agreement_get(user=request.user, pk=pk)
    form = AgreementForm(request.POST or None, instance=agreement)
    return dialog(
        request,
        form=form,
        save=lambda: services.agreement_update(actor=request.user, agreement=agreement, data=form.service_data()),
        success=_("Saved."),
        next_url=reverse("service:agreements"),
        title=_("Edit the service agreement %(name)s") % {"name": agreement},
        intro=_("Services created before keep their deadlines."),
        leave=True,
    )


@crm_view(EDIT, methods=("POST",))
def agreement_delete(request, pk):
    agreement = selectors.agreement_get(user=request.user, pk=pk)
    services.agreement_delete(actor=request.user, agreement=agreement)
    messages.success(request, _("Service agreement removed: %(name)s.") % {"name": agreement})
    return go(request, reverse("service:agreements"))
