"""Page flows every app's views share: a safe `next`, a redirect that htmx follows too, a form in
the shared dialog, a form page and a delete. Services raise domain errors; these put them on the
form or in a message, so a refusal is shown, never a 500."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from crm.core.errors import DomainError
from crm.core.forms import errors_onto_form
from crm.core.htmx import htmx_redirect, htmx_saved, is_htmx


def safe_next(request, default: str) -> str:
    """The `next` the request names, if it stays on this site; else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def go(request, url: str):
    """Redirect, also for htmx requests (which follow HX-Redirect instead of a 302)."""
    return htmx_redirect(url) if is_htmx(request) else redirect(url)


def dialog(
    request,
    *,
    form,
    title: str,
    save,
    success,
    next_url,
    submit: str = "",
    intro: str = "",
    multipart=False,
    field_map=None,
    action: str = "",
    leave: bool = False,
):
    """A form in the shared modal (htmx) or as a page: on a valid POST `save()` runs and the
    dialog closes (sections listening for crm:saved reload) or the page goes to `next_url`.
    `success` and `next_url` may be functions of what `save()` returned. The form posts back
    to the URL that showed it, unless `action` says otherwise; with `leave`, htmx too goes on
    to `next_url` (a record created from a list opens its page). A page whose form has
    errors answers 400; htmx gets 200, as it swaps only 2xx answers into the dialog."""
    if request.method == "POST" and form.is_valid():
        try:
            result = save()
        except DomainError as exc:
            errors_onto_form(form, exc, field_map=field_map)
        else:
            message = success(result) if callable(success) else success
            if is_htmx(request) and not leave:
                return htmx_saved(message)
            messages.success(request, message)
            return go(request, next_url(result) if callable(next_url) else next_url)
    action = action or request.get_full_path()
    context = {"form": form, "title": title, "action": action, "submit": submit, "intro": intro, "multipart": multipart}
    if is_htmx(request):
        return render(request, "core/partials/dialog.html", context)
    # As a page, the form posts plainly: saved, the browser goes on to `next_url`.
    context["as_page"] = True
    return render(request, "core/dialog_page.html", context, status=400 if request.method == "POST" else 200)


def form_flow(request, form, *, save, success, done, page, field_map=None):
    """GET: the form (`page(status)`). POST: `save()` when the form is valid, then the
    `success(result)` message and a redirect to `done` (or `done(result)`); otherwise the form
    again with its errors and status 400."""
    if request.method != "POST":
        return page(200)
    if form.is_valid():
        try:
            result = save()
        except DomainError as exc:
            errors_onto_form(form, exc, field_map=field_map)
        else:
            messages.success(request, success(result))
            return redirect(done(result) if callable(done) else done)
    return page(400)


def delete_flow(request, *, delete, success: str, done: str, refused: str | None = None):
    """POST: `delete()`, then `success` and on to `done`; a refusal becomes an error message and
    goes to `refused` (default `done`)."""
    try:
        delete()
    except DomainError as exc:
        messages.error(request, exc.summary())
        return go(request, refused or done)
    messages.success(request, success)
    return go(request, done)
