"""Failed-login lockout: after N failures for a username (4N from an address), wait a while.

Each attempt is counted before its password is checked, with one UPDATE in the database, so 40
simultaneous guesses check at most N passwords: the attempts past the limit are refused unread.
A successful login clears its username's count and gives its address's attempt back.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate, user_login_failed
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from crm.core.middleware import client_ip
from crm.identity.models import LoginFailures


class LockedOut(Exception):
    """Too many failed logins for this username or from this address: wait and try again."""


def authenticate_with_lockout(request, username: str, password: str):
    """The login check shared by the login page and the token endpoint.

    Returns the user, or None for wrong credentials (counted towards the lockout); raises
    LockedOut while locked. A refused attempt is still a failed login in the audit log (ORG-8).
    """
    limit = settings.CRM_LOGIN_MAX_FAILURES
    user_key, ip_key = _keys(username, client_ip(request))
    counts = [_count(user_key), _count(ip_key) if ip_key else 0]
    if counts[0] > limit or counts[1] > limit * 4:  # an address may try several usernames
        user_login_failed.send(sender=__name__, credentials={"username": username, "locked": True}, request=request)
        raise LockedOut
    user = authenticate(request, username=username, password=password)
    if user is not None:
        LoginFailures.objects.filter(key=user_key).delete()
        if ip_key:
            LoginFailures.objects.filter(key=ip_key, count__gt=0).update(count=F("count") - 1)
    return user


def _keys(username: str, ip: str | None) -> tuple[str, str | None]:
    return f"user:{username.lower()[:150]}", f"ip:{ip}" if ip else None


def _count(key: str) -> int:
    """This attempt's number in the key's window, counted atomically."""
    now = timezone.now()
    window = now + timedelta(seconds=settings.CRM_LOGIN_LOCKOUT_SECONDS)
    with transaction.atomic():
        rows = LoginFailures.objects.filter(key=key)
        if not rows.update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    LoginFailures.objects.create(key=key, count=1, reset_at=window)
                LoginFailures.objects.filter(reset_at__lt=now).delete()  # windows nobody came back to
                return 1
            except IntegrityError:  # created meanwhile by a simultaneous attempt
                rows.update(count=F("count") + 1)
        rows.filter(reset_at__lte=now).update(count=1, reset_at=window)  # the window passed: start anew
        return rows.values_list("count", flat=True).get()
