"""The public web form (OPP-13): visitors of the company's site leave their details; it may be
embedded in any page (an iframe). No login and no CSRF cookie (a third-party frame does not send
one): the signed time stamp, the hidden trap field and a budget per address keep bots out."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from crm.core.errors import NotFound
from crm.core.middleware import CONTENT_SECURITY_POLICY
from crm.core.throttle import within_rate
from crm.leads.forms import PublicLeadForm
from crm.leads.models import LeadSettings
from crm.leads.services import lead_capture_public

RATE = "5/hour"  # posts per client address
EMBEDDABLE = CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'", "frame-ancestors *")


def _page(request, context: dict, status: int = 200):
    response = render(request, "leads/public_form.html", context, status=status)
    response["Content-Security-Policy"] = EMBEDDABLE
    return response


@login_not_required
@csrf_exempt
@xframe_options_exempt
@require_http_methods(["GET", "POST"])
def web_form(request):
    if not LeadSettings.current().web_form_enabled:
        raise NotFound()
    if request.method != "POST":
        return _page(request, {"form": PublicLeadForm()})
    form = PublicLeadForm(request.POST)
    if form.is_spam():
        return _page(request, {"thanks": True})  # a bot learns nothing
    if not within_rate(f"leads.web_form:{request.META.get('REMOTE_ADDR', '')}", RATE):
        return _page(request, {"form": form, "too_many": True}, status=429)
    if not form.is_valid():
        return _page(request, {"form": form}, status=400)
    lead_capture_public(data=form.service_data())
    return _page(request, {"thanks": True})
