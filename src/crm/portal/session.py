"""The portal's own login, kept in the session under its own keys: never Django's auth keys, so a
portal login is nobody on the staff pages and the staff API, and a staff login is nobody here."""

from django.contrib.auth import SESSION_KEY
from django.middleware.csrf import rotate_token
from django.utils.crypto import salted_hmac

from crm.portal.models import PortalAccount

ACCOUNT_KEY = "crm_portal_account"
HASH_KEY = "crm_portal_hash"


def _hash(account: PortalAccount) -> str:
    # Changing the password (or a new invitation accepted) ends the other sessions of the account.
    return salted_hmac("crm.portal.session", account.password, algorithm="sha256").hexdigest()


def portal_login(request, account: PortalAccount) -> None:
    """A fresh session (new key, nothing of a staff login carried over) holding the account."""
    request.session.flush()
    request.session[ACCOUNT_KEY] = account.pk
    request.session[HASH_KEY] = _hash(account)
    rotate_token(request)


def portal_logout(request) -> None:
    request.session.flush()


def current_account(request) -> PortalAccount | None:
    session = request.session
    pk = session.get(ACCOUNT_KEY)
    if pk is None or SESSION_KEY in session:  # a session mixing a staff login is nobody's here
        return None
    account = PortalAccount.objects.select_related("customer", "contact").filter(pk=pk, is_active=True).first()
    if account is None or not account.password or session.get(HASH_KEY) != _hash(account):
        return None
    return account
