"""Failed-login lockout: after N failures for a username or from an address, wait a while.

Counts live in the cache (Redis in production), so they hold across processes.
"""

from django.conf import settings
from django.core.cache import cache


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
