"""Ownership-transfer requests (CUS-8): a salesperson blocked by a duplicate asks the owner's
supervisor for the customer; the supervisor approves (the customer is handed over) or rejects."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.access.engine import access_for
from crm.audit.services import audit_create, audit_update
from crm.core.errors import Conflict, PermissionDenied, ValidationFailed
from crm.customers.models import Customer, EventKind, TransferRequest, TransferStatus
from crm.customers.permissions import TRANSFER
from crm.customers.services.events import event_record
from crm.customers.services.ownership import _move
from crm.identity.models import User, UserStatus
from crm.notifications.services import notify


def supervisor_of(user) -> User | None:
    """Who decides about a manager's customers: their direct superior, else the nearest
    department leader above them (not themself)."""
    if user is None:
        return None
    if user.superior_id and user.superior.status == UserStatus.NORMAL:
        return user.superior
    department = user.department
    while department is not None:
        if department.leader_id and department.leader_id != user.pk and department.leader.status == UserStatus.NORMAL:
            return department.leader
        department = department.parent
    return None


@transaction.atomic
def transfer_request_create(*, actor, customer: Customer, reason: str) -> TransferRequest:
    access_for(actor).require(f"{TRANSFER}.create")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={"reason": [_("Say why the customer should be yours.")]})
    if customer.manager_id is None:
        raise Conflict(_("The customer is in the public pool: claim it there."), code="in_pool")
    if customer.manager_id == actor.pk:
        raise Conflict(_("You already own this customer."), code="own")
    approver = supervisor_of(customer.manager)
    if approver is None:
        raise Conflict(_("The owner has no supervisor to decide; ask an administrator."), code="no_supervisor")
    request = TransferRequest(
        customer=customer, requester=actor, owner=customer.manager, approver=approver, reason=reason
    )
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError as exc:
        raise Conflict(_("You have already asked for this customer."), code="pending") from exc
    audit_create(actor=actor, instance=request, fields=["customer", "requester", "owner", "approver", "reason"])
    notify(
        recipients=[approver],
        title=_("%(user)s asks for a customer of %(owner)s") % {"user": actor, "owner": customer.manager},
        body=reason,
        link="/customers/transfers/",
        kind="customers.transfer",
    )
    return request


@transaction.atomic
def transfer_request_decide(*, actor, request: TransferRequest, approve: bool, note: str = "") -> TransferRequest:
    access = access_for(actor)
    access.require(f"{TRANSFER}.approve")
    request = TransferRequest.objects.select_for_update().select_related("customer", "requester").get(pk=request.pk)
    if request.status != TransferStatus.PENDING:
        raise Conflict(_("This request was decided already."), code="decided")
    # The owner's supervisor decides; someone whose scope over requests is unrestricted may too.
    if request.approver_id != actor.pk and not access.sees_all(TRANSFER):
        raise PermissionDenied(_("Only the owner's supervisor decides this request."))
    request.status = TransferStatus.APPROVED if approve else TransferStatus.REJECTED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decision_note = (note or "").strip()[:500]
    request.save()
    customer = request.customer
    if approve:
        if customer.manager_id != request.owner_id:
            raise Conflict(_("The customer changed hands since the request; it cannot be approved."), code="changed")
        _move(
            actor=actor,
            owners={customer.pk: customer.manager_id},
            to_manager=request.requester,
            note=request.reason,
            kind=EventKind.HANDED_OVER,
        )
    audit_update(actor=actor, instance=request, changes={"status": [TransferStatus.PENDING, request.status]})
    event_record(
        customer=customer,
        kind=EventKind.TRANSFER,
        actor=actor,
        summary=request.decision_note,
        data={"requester": request.requester_id, "approved": approve},
    )
    notify(
        recipients=[request.requester],
        title=(
            _("Your request for %(customer)s was approved")
            if approve
            else _("Your request for %(customer)s was rejected")
        )
        % {"customer": customer.name},
        body=request.decision_note,
        link=customer.get_absolute_url() if approve else "/customers/transfers/",
        kind="customers.transfer",
    )
    return request
