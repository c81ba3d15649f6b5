"""One decorator declares what a page needs: `@crm_view("customers.customer.edit", methods=...)`.

It answers 403 unless the user's roles give the function permission (None: any logged-in user;
"customers.pool.*": any action of that resource) and 405 for other HTTP methods. Domain errors
raised inside (NotFound, PermissionDenied, ...) become error pages in one place, the middleware
`crm.core.middleware.DomainErrorMiddleware`; tests/test_views_declared.py checks that every page
is declared.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.views.decorators.http import require_http_methods

from crm.access import registry
from crm.access.engine import access_for


def may_use(access, code: str | None) -> bool:
    if code is None:
        return True
    if code.endswith(".*"):
        return any(access.can(function) for function in registry.get(code[:-2]).function_codes())
    return access.can(code)


def crm_view(function: str | None = None, *, methods=("GET",)):
    """403 without the function permission, 405 for a method not in `methods` (GET allows HEAD)."""
    allowed = [*methods, "HEAD"] if "GET" in methods else list(methods)

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not may_use(access_for(request.user), function):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.crm_function = function
        return require_http_methods(allowed)(wrapper)

    return decorator
