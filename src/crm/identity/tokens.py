"""Issuing and checking API tokens."""

import hashlib
import secrets

from django.utils import timezone

from crm.identity.models import ApiToken, User


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_issue(*, user: User) -> str:
    """A new token for the user; the clear key is returned once and never stored."""
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, digest=_digest(key))
    return key


def token_user(key: str) -> User | None:
    """The active user a token belongs to, or None."""
    token = ApiToken.objects.select_related("user").filter(digest=_digest(key)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def tokens_revoke(*, user: User, keep: str | None = None) -> int:
    """Delete every token of a user but `keep`; returns how many."""
    tokens = ApiToken.objects.filter(user=user)
    if keep:
        tokens = tokens.exclude(digest=_digest(keep))
    return tokens.delete()[0]


def token_revoke(key: str) -> bool:
    """Delete one token (the caller logs out of the API); True if it existed."""
    deleted, _rows = ApiToken.objects.filter(digest=_digest(key)).delete()
    return bool(deleted)
