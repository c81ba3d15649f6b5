"""Failed-login lockout: after N failures for a username or from an address, wait a while.

Counts live in the cache (Redis in production), so they hold across processes.
"""

from django.conf import settings
from django.contrib.auth import authenticate, user_login_failed
from django.core.cache import cache

from crm.core.middleware import client_ip


class LockedOut(Exception):
    """Too many failed logins for this username or from this address: wait and try again."""


def authenticate_with_lockout(request, username: str, password: str):
    """The login check shared by the login page and the token endpoint.

    Returns the user, or None for wrong credentials (counted towards the lockout); raises
    LockedOut while locked. A refused attempt is still a failed login in the audit log (ORG-8).
    """
    ip = client_ip(request)
    if is_locked(username, ip):
        user_login_failed.send(sender=__name__, credentials={"username": username, "locked": True}, request=request)
        raise LockedOut
    user = authenticate(request, username=username, password=password)
    if user is None:
        record_failure(username, ip)
        return None
    clear(username)
    return user


def _keys(username: str, ip: str | None) -> list[str]:
    keys = [f"crm:login-fail:user:{username.lower()[:150]}"]
    if ip:
        keys.append(f"crm:login-fail:ip:{ip}")
    return keys


def is_locked(username: str, ip: str | None) -> bool:
    limit = settings.CRM_LOGIN_MAX_FAILURES
    # An address may try several usernames; give it more room than one account.
    limits = [limit, limit * 4]
    return any((cache.get(key) or 0) >= lim for key, lim in zip(_keys(username, ip), limits, strict=False))


def record_failure(username: str, ip: str | None) -> None:
    for key in _keys(username, ip):
        cache.add(key, 0, settings.CRM_LOGIN_LOCKOUT_SECONDS)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, settings.CRM_LOGIN_LOCKOUT_SECONDS)


def clear(username: str) -> None:
    cache.delete(_keys(username, None)[0])
