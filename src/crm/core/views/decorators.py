"""View decorators over the permission engine."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404

from crm.access.engine import access_for
from crm.core.errors import NotFound
from crm.core.errors import PermissionDenied as DomainPermissionDenied


def require_function(code: str):
    """403 unless the user's roles give this function permission."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not access_for(request.user).can(code):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def domain_errors_as_http(view):
    """NotFound -> 404 page, PermissionDenied -> 403 page, for views that call services."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404 from exc
        except DomainPermissionDenied as exc:
            raise PermissionDenied from exc

    return wrapper
