"""The workbench, global search, system settings and the logo."""

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from crm.access.decorators import crm_view
from crm.access.engine import access_for
from crm.console.forms import SystemSettingsForm
from crm.console.services import system_settings_update
from crm.console.workbench import panels_for
from crm.core import extensions
from crm.core.errors import DomainError
from crm.core.selectors import system_settings
from crm.core.uploads import stored_file


@crm_view()
def home(request):
    panels = [{"template": panel.template, **context} for panel, context in panels_for(request.user)]
    return render(request, "console/home.html", {"panels": panels})


@crm_view()
def search(request):
    query = request.GET.get("q", "").strip()[:100]
    access = access_for(request.user)
    groups = []
    if query:
        for provider in extensions.search_providers():
            if provider.permission and not access.can(provider.permission):
                continue
            hits = provider.search(request.user, query, 10)
            if hits:
                groups.append({"key": provider.key, "hits": hits})
    return render(request, "console/search.html", {"search_query": query, "groups": groups})


@crm_view("core.settings.edit", methods=("GET", "POST"))
def settings_edit(request):
    current = system_settings()
    initial = {"name": current.name, "company_name": current.company_name, "logo": current.logo}
    form = SystemSettingsForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            system_settings_update(actor=request.user, data=form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("console:settings")
    return render(request, "console/settings.html", {"form": form})


@login_not_required
def logo(request):
    """The uploaded logo; only raster images are accepted on upload, so this is safe to show."""
    current = system_settings()
    content_type = mimetypes.guess_type(current.logo.name)[0] or "application/octet-stream"
    response = FileResponse(stored_file(current.logo), content_type=content_type)
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response
