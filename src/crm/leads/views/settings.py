"""The lead pool's rules and the public web form (OPP-13), for administrators."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from crm.access.decorators import crm_view
from crm.leads.forms import RegionRuleForm, SettingsForm
from crm.leads.models import LeadRegionRule, LeadSettings
from crm.leads.permissions import SETTINGS
from crm.leads.services import lead_settings_update, region_rule_set


@crm_view(f"{SETTINGS}.edit", methods=("GET", "POST"))
def lead_settings(request):
    current = LeadSettings.current()
    if request.method == "POST" and "province" in request.POST:
        return _save_rule(request)
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        lead_settings_update(actor=request.user, data=form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("leads:settings")
    context = {
        "form": form,
        "web_form_url": request.build_absolute_uri(reverse("leads:web_form")),
        "rules": LeadRegionRule.objects.select_related("province", "owner").order_by("province__code"),
        "rule_form": RegionRuleForm(),
    }
    return render(request, "leads/settings.html", context, status=400 if form.errors else 200)


def _save_rule(request):
    """A region rule set (a person for the province) or removed (no person)."""
    form = RegionRuleForm(request.POST)
    if form.is_valid():
        region_rule_set(actor=request.user, province=form.cleaned_data["province"], owner=form.cleaned_data["owner"])
        messages.success(request, _("Saved."))
    else:
        messages.error(request, _("Choose a province."))
    return redirect("leads:settings")
