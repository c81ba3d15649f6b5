"""Every write of the portal: invitations, accounts, logins, and the requests and feedback a contact
gives. A contact is not a staff user, so the service app's steps run as a staff actor chosen here
(the customer's account manager, else whoever invited the contact); the portal's own rows record
which contact really acted."""

import logging
import secrets

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.access.engine import access_for
from crm.audit.services import audit_create, audit_update
from crm.core.errors import NotFound, PermissionDenied, ValidationFailed
from crm.customers.permissions import CUSTOMER
from crm.dictionary.models import DictionaryItem
from crm.portal.models import EMAIL_MAX, PortalAccount, PortalFeedback, PortalRequest
from crm.service import services as service_services
from crm.service.models import Service
from crm.service.permissions import SERVICE

logger = logging.getLogger(__name__)

INVITE_SALT = "crm.portal.invitation"
INVITE_MAX_AGE = 7 * 24 * 60 * 60  # seconds: an invitation link works for 7 days
PASSWORD_MAX = 128
SUMMARY_MAX, TEXT_MAX = 200, 5000


class InvitationInvalid(Exception):
    """The link is expired, used, replaced by a newer one, or not ours."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def _normalise_email(value) -> str:
    return (value or "").strip().lower()[: EMAIL_MAX + 1] if isinstance(value, str) else ""


# --- invitations (staff) ----------------------------------------------------------------------------------
@transaction.atomic
def portal_invite(*, actor, contact, email: str, link_for) -> tuple[PortalAccount, str]:
    """Invite `contact` to the portal at `email`: whoever may edit the contact's customer may. The
    account is created (or its invitation renewed: the old link stops working); the link
    (`link_for(token)`) is e-mailed and returned so the inviter can also pass it on."""
    customer = contact.customer
    access_for(actor).check(CUSTOMER, "edit", customer)
    address = _normalise_email(email)
    try:
        if len(address) > EMAIL_MAX:
            raise ValidationError("too long")
        validate_email(address)
    except ValidationError as exc:
        raise ValidationFailed(fields={"email": [_("Enter a valid e-mail address.")]}) from exc
    taken = PortalAccount.objects.filter(email=address).exclude(contact=contact).exists()
    if taken:
        raise ValidationFailed(fields={"email": [_("Another portal account uses this e-mail address.")]})
    account = PortalAccount.objects.select_for_update().filter(contact=contact).first()
    created = account is None
    if created:
        account = PortalAccount(contact=contact, customer=customer)
    account.email = address
    account.is_active = True
    account.invited_by = actor
    account.invited_at = timezone.now()
    account.invite_nonce = secrets.token_urlsafe(24)
    account.save()
    if created:
        audit_create(actor=actor, instance=account, fields=["email", "customer"])
    else:
        audit_update(actor=actor, instance=account, changes={"invited_at": [None, account.invited_at]})
    token = signing.dumps({"a": account.pk, "n": account.invite_nonce}, salt=INVITE_SALT)
    link = link_for(token)
    subject = _("Invitation to the customer self-service portal")
    body = _(
        "%(inviter)s invites you to follow the service requests of %(customer)s online.\n"
        "Open this link within 7 days to set your password:\n%(link)s"
    ) % {"inviter": actor, "customer": customer.name, "link": link}
    transaction.on_commit(lambda: _mail(address, subject, body))
    return account, link


@transaction.atomic
def portal_deactivate(*, actor, account: PortalAccount) -> PortalAccount:
    """The account can no longer log in (and its open invitation stops working)."""
    access_for(actor).check(CUSTOMER, "edit", account.customer)
    PortalAccount.objects.filter(pk=account.pk).update(is_active=False, invite_nonce="")
    account.is_active, account.invite_nonce = False, ""
    audit_update(actor=actor, instance=account, changes={"is_active": [True, False]})
    return account


def invitation_account(token: str) -> PortalAccount:
    """The account a link invites, or InvitationInvalid with the reason to show."""
    try:
        data = signing.loads(token[:500], salt=INVITE_SALT, max_age=INVITE_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise InvitationInvalid(_("This invitation link has expired. Ask your account manager for a new one.")) from exc
    except signing.BadSignature as exc:
        raise InvitationInvalid(_("This invitation link is not valid. Check that you copied all of it.")) from exc
    account = PortalAccount.objects.select_related("customer", "contact").filter(pk=data.get("a")).first()
    if account is None or not account.is_active or not account.invite_nonce:
        raise InvitationInvalid(_("This invitation link has already been used or withdrawn."))
    if not secrets.compare_digest(str(data.get("n", "")), account.invite_nonce):
        raise InvitationInvalid(_("This invitation link has been replaced by a newer one; use the latest e-mail."))
    return account


def _check_password_rules(password: str, password2: str) -> None:
    if not password or len(password) > PASSWORD_MAX:
        raise ValidationFailed(fields={"password": [_("Enter a password of at most 128 characters.")]})
    if password != password2:
        raise ValidationFailed(fields={"password2": [_("The two passwords differ.")]})
    try:
        password_validation.validate_password(password)
    except ValidationError as exc:
        raise ValidationFailed(fields={"password": list(exc.messages)}) from exc


@transaction.atomic
def portal_accept(*, token: str, password: str, password2: str) -> PortalAccount:
    """The contact sets their password from an invitation; the link is spent."""
    account = invitation_account(token)
    _check_password_rules(password, password2)
    account.set_password(password)
    updated = PortalAccount.objects.filter(pk=account.pk, invite_nonce=account.invite_nonce).update(
        password=account.password, invite_nonce=""
    )
    if not updated:  # accepted twice at once: only the first counts
        raise InvitationInvalid(_("This invitation link has already been used or withdrawn."))
    account.invite_nonce = ""
    return account


# --- login ------------------------------------------------------------------------------------------------
def portal_authenticate(*, email: str, password: str) -> PortalAccount | None:
    """The active account with this e-mail and password, else None (the same for every reason)."""
    address = _normalise_email(email)
    password = (password or "")[:PASSWORD_MAX]
    account = PortalAccount.objects.filter(email=address).first() if address and len(address) <= EMAIL_MAX else None
    if account is None or not account.password:
        make_password(password)  # as long as a real check: the time tells nothing
        return None
    if not account.check_password(password) or not account.is_active:
        return None
    PortalAccount.objects.filter(pk=account.pk).update(last_login=timezone.now())
    return account


# --- what a contact sees and does --------------------------------------------------------------------------
def portal_service_list(*, account: PortalAccount):
    return Service.objects.filter(customer_id=account.customer_id).select_related("type").order_by("-id")


def portal_service_get(*, account: PortalAccount, pk) -> Service:
    """One of the account's customer's services; any other id does not exist (404)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    if not 0 < pk < 2**63:
        raise NotFound()
    service = portal_service_list(account=account).filter(pk=pk).first()
    if service is None:
        raise NotFound()
    return service


def _staff_actor(account: PortalAccount, function: str):
    """The staff user a contact's request runs as: the customer's account manager, else whoever
    invited the contact, if active, allowed the function and able to see the customer."""
    customer = account.customer
    for user in (customer.manager, account.invited_by):
        if user is None or not user.is_active:
            continue
        access = access_for(user)
        if access.can(function) and access.allows(CUSTOMER, "view", customer):
            return user
    raise PermissionDenied(
        _("Requests cannot be taken online for your company at the moment; please contact your account manager.")
    )


def _bounded(value, name: str, limit: int, message: str) -> str:
    text = (value or "").strip() if isinstance(value, str) else ""
    if not text:
        raise ValidationFailed(fields={name: [message]})
    if len(text) > limit:
        raise ValidationFailed(fields={name: [_("At most %(limit)d characters.") % {"limit": limit}]})
    return text


@transaction.atomic
def portal_request_create(*, account: PortalAccount, data: dict) -> Service:
    """A contact's request becomes a new service of their customer, created by the staff actor;
    PortalRequest records the contact."""
    actor = _staff_actor(account, f"{SERVICE}.create")
    service_type = data.get("type")
    if not isinstance(service_type, DictionaryItem):
        raise ValidationFailed(fields={"type": [_("Choose a service type from the list.")]})
    values = {
        "type": service_type,
        "summary": _bounded(data.get("summary"), "summary", SUMMARY_MAX, _("Enter the summary.")),
        "request": _bounded(data.get("request"), "request", TEXT_MAX, _("Describe your request.")),
    }
    service = service_services.service_create(actor=actor, customer=account.customer, data=values)
    PortalRequest.objects.create(service=service, account=account)
    return service


@transaction.atomic
def portal_feedback(*, account: PortalAccount, service: Service, result: str, satisfaction) -> Service:
    """The contact's feedback on a handled service of their customer: the service app's rule
    applies (3 or more archives, below 3 sends it back)."""
    if service.customer_id != account.customer_id:
        raise NotFound()
    actor = _staff_actor(account, f"{SERVICE}.feedback")
    text = _bounded(result, "result", TEXT_MAX, _("Tell us how the handling went."))
    service = service_services.service_feedback(actor=actor, service=service, result=text, satisfaction=satisfaction)
    PortalFeedback.objects.create(service=service, account=account, satisfaction=int(satisfaction))
    return service


# --- e-mail to contacts -------------------------------------------------------------------------------------
def _mail(address: str, subject: str, body: str) -> None:
    try:
        send_mail(subject, body, None, [address], fail_silently=False)
    except Exception:  # an e-mail server down must not break the page
        logger.exception("portal e-mail to %s failed", address)


def status_changed(service_id: int) -> None:
    """Tell the contact who asked for this service (through the portal) of its new status, once
    per status, when e-mail is configured."""
    if not settings.CRM_EMAIL_ENABLED:
        return
    link = PortalRequest.objects.select_related("account", "service").filter(service_id=service_id).first()
    if link is None or not link.account.is_active:
        return
    service = link.service
    if link.notified_status == service.status:
        return
    PortalRequest.objects.filter(pk=link.pk).update(notified_status=service.status)
    from crm.portal.statuses import customer_status

    subject = _("Your request %(number)s: %(status)s") % {
        "number": service.number,
        "status": customer_status(service.status),
    }
    body = _("%(summary)s\nStatus: %(status)s\nLog in to the self-service portal to see the details.") % {
        "summary": service.summary,
        "status": customer_status(service.status),
    }
    _mail(link.account.email, subject, body)
