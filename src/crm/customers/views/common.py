"""Helpers shared by the customer pages."""

from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from crm.core.htmx import htmx_redirect, is_htmx


def safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def go(request, url: str):
    """Redirect, also for htmx requests (which follow HX-Redirect instead of a 302)."""
    return htmx_redirect(url) if is_htmx(request) else redirect(url)
