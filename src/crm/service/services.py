"""Every write of a customer service (s003/5 §3.3, SRV-1…SRV-4). The permission engine is asked,
then the status table; a step is written with one conditional UPDATE on the status (and assignee)
the caller read, so of two people acting on one service at once only the first succeeds and the
second is told the service moved on. Every step is audited and written to the customer's timeline."""

import copy

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.access.engine import access_for
from crm.audit.services import audit_create, audit_delete, audit_update
from crm.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from crm.core.numbering import next_number
from crm.core.services import full_clean, model_update
from crm.customers.permissions import CUSTOMER
from crm.customers.services.events import event_record
from crm.dictionary.models import DictionaryItem
from crm.identity.models import User
from crm.notifications.services import notify
from crm.service.deadlines import agreement_for, deadlines
from crm.service.models import SATISFIED, SERVICE_STATES, Service, ServiceAgreement, ServiceRound, ServiceStatus
from crm.service.permissions import AGREEMENT, SERVICE

FIELDS = ["type", "summary", "request"]
AUDIT_FIELDS = [*FIELDS, "number", "customer", "status"]
NUMBER_KEY, NUMBER_PREFIX = "service", "FW"
TEXT_LIMIT = 5000


def _text(value, name: str, message: str, limit: int = TEXT_LIMIT) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value)
    if not text:
        raise ValidationFailed(fields={name: [message]})
    if len(text) > limit:
        raise ValidationFailed(fields={name: [_("At most %(limit)d characters.") % {"limit": limit}]})
    return text


def _event(service: Service, kind: str, actor, summary: str = "") -> None:
    event_record(
        customer=service.customer,
        kind=kind,
        actor=actor,
        summary=summary or f"{service.number} {service.summary}",
        data={"service": service.pk},
    )


def _step(service: Service, action: str, *, values: dict, same_assignee: bool = False) -> str:
    """Move `service` by `action` from the status the caller read, with one conditional UPDATE;
    the service object takes the new values. Refused (409) when the table forbids the step or
    when someone else moved the service first."""
    target = SERVICE_STATES.target(service.status, action)
    guard = {"pk": service.pk, "status": service.status}
    if same_assignee:
        guard["assignee_id"] = service.assignee_id
    now = timezone.now()
    updated = Service.objects.filter(**guard).update(status=target, updated_at=now, **values)
    if not updated:
        current = Service.objects.filter(pk=service.pk).values_list("status", flat=True).first()
        if current is not None and current != service.status:
            SERVICE_STATES.target(current, action)  # the table's own message when the step is no longer possible
        raise Conflict(
            _("Someone else changed this service meanwhile; reload it and try again."), code="stale_service"
        )
    for name, value in values.items():
        setattr(service, name, value)
    service.status, service.updated_at = target, now
    return target


# --- create (SRV-1) -------------------------------------------------------------------------------------
@transaction.atomic
def service_create(*, actor, customer, data: dict) -> Service:
    """A new service on a customer the actor may see: number, creator and time are the system's;
    the status is new (新创建)."""
    access = access_for(actor)
    access.require(f"{SERVICE}.create")
    if customer is None:
        raise ValidationFailed(fields={"customer": [_("Choose the customer.")]})
    try:
        customer = access.get(CUSTOMER, customer.pk)
    except NotFound as exc:
        raise ValidationFailed(fields={"customer": [_("Choose a customer you may see.")]}) from exc
    service_type = data.get("type")
    if not isinstance(service_type, DictionaryItem) or service_type.category != "service_type" or not (
        service_type.is_active
    ):
        raise ValidationFailed(fields={"type": [_("Choose a service type from the list.")]})
    service = Service(
        customer=customer,
        type=service_type,
        summary=_text(data.get("summary"), "summary", _("Enter the summary."), 200),
        request=_text(data.get("request"), "request", _("Describe the customer's request.")),
        created_by=actor,
        status=ServiceStatus.NEW,
    )
    full_clean(service, exclude=["number"])
    service.number = next_number(NUMBER_KEY, NUMBER_PREFIX)
    service.save()
    # The deadlines count from the creation time, by the most specific agreement (SRV-6).
    agreement = agreement_for(service_type=service_type, customer_level=customer.level_id)
    values = deadlines(agreement, service.created_at)
    if values:
        Service.objects.filter(pk=service.pk).update(**values)
        for name, value in values.items():
            setattr(service, name, value)
    audit_create(actor=actor, instance=service, fields=AUDIT_FIELDS)
    _event(service, "service.create", actor)
    return service


# --- assign (SRV-2) -------------------------------------------------------------------------------------
def assignable_users(actor):
    """Whom a service may be given to: every active user (s003/5 §3.3.2.3: 所有状态为“正常”的系统用户)."""
    return User.objects.active().filter(is_active=True)


@transaction.atomic
def service_assign(*, actor, service: Service, assignee) -> Service:
    """A supervisor gives a new service, or an assigned one (also one the customer sent back), to
    one active person: the time is recorded, the status becomes assigned, the person is told."""
    access_for(actor).check(SERVICE, "assign", service)
    action = "assign" if service.status == ServiceStatus.NEW else "reassign"
    SERVICE_STATES.target(service.status, action)
    if assignee is None or not assignable_users(actor).filter(pk=assignee.pk).exists():
        raise ValidationFailed(fields={"assignee": [_("Choose an active user.")]})
    before = {"assignee": service.assignee_id, "status": service.status}
    now = timezone.now()
    values = {"assignee": assignee, "assigned_at": now, "assigned_by": actor}
    if service.responded_at is None:
        values["responded_at"] = now  # the response deadline is met by the first assignment
    _step(service, action, values=values)
    audit_update(
        actor=actor,
        instance=service,
        changes={"assignee": [before["assignee"], assignee.pk], "status": [before["status"], service.status]},
    )
    _event(service, "service.assign", actor, f"{service.number} → {assignee}")
    _tell_assignee(service, actor, _("Service %(number)s assigned to you"))
    return service


def _tell_assignee(service: Service, actor, title: str) -> None:
    if service.assignee_id and service.assignee_id != actor.pk:
        notify(
            recipients=[service.assignee],
            title=title % {"number": service.number},
            body=f"{service.customer.name}: {service.summary}",
            link=reverse("service:detail", args=[service.pk]),
            kind="service.assigned",
        )


# --- handle (SRV-3) -------------------------------------------------------------------------------------
def check_handler(actor, service: Service) -> None:
    """A service is handled by the person it is assigned to, or by a supervisor (who may assign
    services) whose data scope reaches that person."""
    access = access_for(actor)
    access.check(SERVICE, "handle", service)
    if service.assignee_id == actor.pk:
        return
    if access.can(f"{SERVICE}.assign"):
        assignee = User.objects.filter(pk=service.assignee_id)
        if access.users_in_scope(SERVICE, assignee).exists():
            return
    raise PermissionDenied(_("Only the person the service is assigned to, or their supervisor, handles it."))


def may_handle(actor, service: Service) -> bool:
    try:
        check_handler(actor, service)
    except PermissionDenied:
        return False
    return True


@transaction.atomic
def service_handle(*, actor, service: Service, handling: str, article=None) -> Service:
    """Record how the request was handled: handler and time are the system's; the status becomes
    handled. Each handling opens a round that the feedback completes; `article` is the published
    knowledge-base article the handler went by, linked to the round (SRV-7)."""
    SERVICE_STATES.target(service.status, "handle")
    check_handler(actor, service)
    text = _text(handling, "handling", _("Describe how the request was handled."))
    if article is not None and not article.is_published:
        raise ValidationFailed(fields={"article": [_("Only a published article can be linked.")]})
    now = timezone.now()
    _step(service, "handle", values={"handling": text, "handled_by": actor, "handled_at": now}, same_assignee=True)
    sequence = service.rounds.count() + 1
    ServiceRound.objects.create(
        service=service, sequence=sequence, handling=text, handled_by=actor, handled_at=now, article=article
    )
    audit_update(actor=actor, instance=service, changes={"status": ["assigned", "handled"], "handling": ["", text]})
    _event(service, "service.handle", actor)
    return service


# --- feedback (SRV-4) -----------------------------------------------------------------------------------
@transaction.atomic
def service_feedback(*, actor, service: Service, result: str, satisfaction) -> Service:
    """The customer's view of the handling: result and satisfaction 1–5. At 3 or more the service
    is archived; below 3 it goes back to assigned, to the same person, to be handled again."""
    access_for(actor).check(SERVICE, "feedback", service)
    SERVICE_STATES.target(service.status, "archive")
    text = _text(result, "result", _("Enter the result of the handling."))
    try:
        score = int(satisfaction)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise ValidationFailed(fields={"satisfaction": [_("Choose the customer's satisfaction, from 1 to 5.")]})
    now = timezone.now()
    satisfied = score >= SATISFIED
    values = {"result": text, "satisfaction": score, "feedback_at": now}
    if satisfied:
        values["archived_at"] = now
        values["resolved_at"] = now  # the resolution deadline is met by the archiving
    before = service.status
    _step(service, "archive" if satisfied else "reopen", values=values)
    rounds = ServiceRound.objects.filter(service=service, feedback_at__isnull=True)
    rounds.update(result=text, satisfaction=score, feedback_by=actor, feedback_at=now)
    audit_update(
        actor=actor,
        instance=service,
        changes={"status": [before, service.status], "satisfaction": [None, score], "result": ["", text]},
    )
    if satisfied:
        _event(service, "service.archive", actor, f"{service.number} {service.summary} · {score}/5")
    else:
        _event(service, "service.reopen", actor, f"{service.number} {service.summary} · {score}/5")
        _tell_assignee(service, actor, _("Service %(number)s: the customer is not satisfied; handle it again"))
    return service



# --- service agreements 服务协议 (SRV-6) ------------------------------------------------------------------
AGREEMENT_FIELDS = ["type", "customer_level", "response_hours", "resolution_hours", "warn_hours", "is_active"]


def _agreement_values(data: dict) -> dict:
    values = {name: data[name] for name in AGREEMENT_FIELDS if name in data}
    item = values.get("type")
    if "type" in values and (not isinstance(item, DictionaryItem) or item.category != "service_type"):
        raise ValidationFailed(fields={"type": [_("Choose a service type from the list.")]})
    level = values.get("customer_level")
    if level is not None and (not isinstance(level, DictionaryItem) or level.category != "customer_level"):
        raise ValidationFailed(fields={"customer_level": [_("Choose a customer level from the list, or none.")]})
    return values


def _agreement_check(agreement: ServiceAgreement) -> None:
    twin = ServiceAgreement.objects.filter(type_id=agreement.type_id, customer_level_id=agreement.customer_level_id)
    if twin.exclude(pk=agreement.pk).exists():
        message = _("There is an agreement for this service type and customer level already.")
        raise Conflict(message, code="duplicate", fields={"customer_level": [message]})
    full_clean(agreement)
    if agreement.resolution_hours < agreement.response_hours:
        raise ValidationFailed(fields={"resolution_hours": [_("The resolution cannot be due before the response.")]})


@transaction.atomic
def agreement_create(*, actor, data: dict) -> ServiceAgreement:
    """A new agreement; services created from now on take their deadlines from it."""
    access_for(actor).require(f"{AGREEMENT}.edit")
    agreement = ServiceAgreement(**_agreement_values(data))
    _agreement_check(agreement)
    agreement.save()
    audit_create(actor=actor, instance=agreement, fields=AGREEMENT_FIELDS)
    return agreement


@transaction.atomic
def agreement_update(*, actor, agreement: ServiceAgreement, data: dict) -> ServiceAgreement:
    """Changed hours apply to services created afterwards; existing deadlines stay as they were."""
    access_for(actor).require(f"{AGREEMENT}.edit")
    values = _agreement_values(data)
    candidate = copy.copy(agreement)
    for name, value in values.items():
        setattr(candidate, name, value)
    _agreement_check(candidate)
    changes = model_update(instance=agreement, data=values, fields=list(values))
    audit_update(actor=actor, instance=agreement, changes=changes)
    return agreement


@transaction.atomic
def agreement_delete(*, actor, agreement: ServiceAgreement) -> None:
    """Services keep the deadlines it gave them."""
    access_for(actor).require(f"{AGREEMENT}.edit")
    audit_delete(actor=actor, instance=agreement, fields=AGREEMENT_FIELDS)
    agreement.delete()
