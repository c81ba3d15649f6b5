"""The lead pool's rules and the public web form (OPP-13), for administrators."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from crm.access.decorators import crm_view
from crm.audit.services import audit_update
from crm.core.services import model_update
from crm.leads.forms import SettingsForm
from crm.leads.models import LeadSettings
from crm.leads.permissions import SETTINGS


@crm_view(f"{SETTINGS}.edit", methods=("GET", "POST"))
def lead_settings(request):
    current = LeadSettings.current()
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.fields}
        changes = model_update(instance=current, data=data, fields=list(data))
        audit_update(actor=request.user, instance=current, changes=changes)
        messages.success(request, _("Saved."))
        return redirect("leads:settings")
    context = {"form": form, "web_form_url": request.build_absolute_uri(reverse("leads:web_form"))}
    return render(request, "leads/settings.html", context, status=400 if form.errors else 200)
