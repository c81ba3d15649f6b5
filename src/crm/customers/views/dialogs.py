"""Dialog forms (contacts, follow-ups, interaction records, share, hand over, release): shown in
the shared modal with htmx, posted back to the same URL; on success the dialog closes and the
page's sections reload (crm.core.htmx.htmx_saved). Without htmx they work as plain pages."""

from django.contrib import messages
from django.shortcuts import render

from crm.core.errors import DomainError
from crm.core.forms import errors_onto_form
from crm.core.htmx import htmx_saved, is_htmx
from crm.customers.views.common import go


def dialog(
    request,
    *,
    form,
    title: str,
    action: str,
    save,
    success: str,
    next_url: str,
    submit: str = "",
    intro: str = "",
    multipart=False,
    field_map=None,
):
    """Render the dialog, or run `save()` on a valid POST and close it."""
    if request.method == "POST" and form.is_valid():
        try:
            save()
        except DomainError as exc:
            errors_onto_form(form, exc, field_map=field_map)
        else:
            if is_htmx(request):
                return htmx_saved(success)
            messages.success(request, success)
            return go(request, next_url)
    context = {"form": form, "title": title, "action": action, "submit": submit, "intro": intro, "multipart": multipart}
    if is_htmx(request):
        return render(request, "customers/partials/dialog.html", context)
    return render(request, "customers/dialog_page.html", context)
