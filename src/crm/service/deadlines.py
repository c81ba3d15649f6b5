"""Service deadlines and escalation 时限与升级 (SRV-6).

A service agreement 服务协议 gives a service type (optionally for one customer level) a response
and a resolution deadline in working hours (crm.workcalendar.hours: nights, lunch, weekends and
holidays do not count; make-up working days do). They are set when the service is created:

- response 响应: met by the first assignment (someone took the service on);
- resolution 解决: met when the service is archived (the customer is satisfied). A service the
  customer sends back keeps its resolution deadline: the customer is still waiting.

`service_deadlines_run()` (job `service.deadlines`, every 10 minutes) warns before a deadline
passes and escalates 升级 once it has passed, once each: the assignee is warned (the supervisors
while nobody has the service); a breach goes to the assignee's superior (else the supervisors).
"Supervisors" are the leaders of the customer's department and those above it, else the active
users who may assign services. The run reads only the services whose warning moment or deadline
has come and whose marker is still empty (partial indexes on the four moments), claims them with
one conditional UPDATE per kind, then notifies, writes the customer's timeline and the audit log.
"""

import datetime
from decimal import Decimal

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.audit.models import AuditAction
from crm.audit.services import audit_records_bulk
from crm.customers.services.events import event_record
from crm.identity.models import Department, User, UserStatus
from crm.notifications.services import notify
from crm.service.models import Service, ServiceAgreement
from crm.service.permissions import SERVICE
from crm.workcalendar.hours import add_working_hours, working_hours_until

BATCH = 2000  # services warned or escalated per kind and run; the next run takes the rest
SUPERVISORS_LIMIT = 10  # users with the assign function told when no leader is found


# --- which agreement, which deadlines -----------------------------------------------------------------------
def agreement_for(*, service_type, customer_level) -> ServiceAgreement | None:
    """The most specific active agreement: for the type and the customer's level, else for the
    type and any level (one query)."""
    candidates = ServiceAgreement.objects.filter(type=service_type, is_active=True).filter(
        Q(customer_level__isnull=True) | Q(customer_level=customer_level)
    )
    return min(candidates, key=lambda agreement: agreement.customer_level_id is None, default=None)


def deadlines(agreement: ServiceAgreement | None, start: datetime.datetime) -> dict:
    """The Service fields an agreement sets for a service created at `start`."""
    if agreement is None:
        return {}

    def moments(hours: Decimal) -> tuple[datetime.datetime, datetime.datetime]:
        due = add_working_hours(start, float(hours))
        warn = add_working_hours(start, float(max(hours - agreement.warn_hours, Decimal(0))))
        return due, warn

    response_due, response_warn_at = moments(agreement.response_hours)
    resolution_due, resolution_warn_at = moments(agreement.resolution_hours)
    return {
        "agreement": agreement,
        "response_due": response_due,
        "response_warn_at": response_warn_at,
        "resolution_due": resolution_due,
        "resolution_warn_at": resolution_warn_at,
    }


# --- time left, for the pages -------------------------------------------------------------------------------
def attach_time_left(services, now=None) -> list:
    """Set `hours_left` (working hours to the deadline that counts now; negative: overdue) and
    `deadline_state` ("ok", "soon", "breached" or ""), and `hours_over` (overdue working hours)
    on each service; one calendar query in all."""
    now = now or timezone.now()
    services = list(services)
    left = working_hours_until(now, [service.next_due for service in services])
    for service, hours in zip(services, left, strict=True):
        service.hours_left = None if hours is None else round(hours, 1)
        service.hours_over = 0 if hours is None or hours >= 0 else round(-hours, 1)
        if hours is None:
            service.deadline_state = ""
        elif service.next_due <= now:
            service.deadline_state = "breached"
        elif service.next_warn_at and service.next_warn_at <= now:
            service.deadline_state = "soon"
        else:
            service.deadline_state = "ok"
    return services


# --- the job ------------------------------------------------------------------------------------------------
class _Recipients:
    """Whom to tell about a service, with the leaders and the assigners read once per run."""

    def __init__(self):
        self._leaders: dict[int, list[User]] = {}
        self._assigners: list[User] | None = None

    def supervisors(self, service: Service) -> list[User]:
        manager = service.customer.manager
        department_id = manager.department_id if manager else None
        if department_id is not None:
            if department_id not in self._leaders:
                self._leaders[department_id] = self._leaders_above(department_id)
            if self._leaders[department_id]:
                return self._leaders[department_id]
        if self._assigners is None:
            code = f"{SERVICE}.assign"
            self._assigners = list(
                User.objects.active()
                .filter(is_active=True, roles__permissions__code=code)
                .distinct()
                .order_by("id")[:SUPERVISORS_LIMIT]
            )
        return self._assigners

    @staticmethod
    def _leaders_above(department_id: int) -> list[User]:
        """The nearest active leader of the department or of a department above it."""
        department = Department.objects.select_related("leader").filter(pk=department_id).first()
        while department is not None:
            leader = department.leader
            if leader is not None and leader.status == UserStatus.NORMAL and leader.is_active:
                return [leader]
            department = (
                Department.objects.select_related("leader").filter(pk=department.parent_id).first()
                if department.parent_id
                else None
            )
        return []

    def warned(self, service: Service) -> list[User]:
        if service.assignee_id and service.assignee.is_active:
            return [service.assignee]
        return self.supervisors(service)

    def escalated(self, service: Service) -> list[User]:
        superior = service.assignee.superior if service.assignee_id else None
        if superior is not None and superior.status == UserStatus.NORMAL and superior.is_active:
            return [superior]
        return self.supervisors(service)


# (deadline, moment field, open condition, marker) of each thing the job does.
KINDS = {
    "response_warned": ("response", "response_warn_at", "responded_at", "response_warned_at"),
    "response_breached": ("response", "response_due", "responded_at", "response_breached_at"),
    "resolution_warned": ("resolution", "resolution_warn_at", "resolved_at", "resolution_warned_at"),
    "resolution_breached": ("resolution", "resolution_due", "resolved_at", "resolution_breached_at"),
}


def service_deadlines_run(now=None) -> dict[str, int]:
    """Warn and escalate once each; safe to re-run at any time (the markers are claimed with a
    conditional UPDATE, so two runs at once do not tell anyone twice)."""
    now = now or timezone.now()
    recipients = _Recipients()
    done = {}
    for kind, (deadline, moment, met, marker) in KINDS.items():
        due = Service.objects.filter(**{f"{moment}__lte": now, f"{met}__isnull": True, f"{marker}__isnull": True})
        if kind.endswith("warned"):
            # Not yet passed (a passed one is escalated instead) and not yet escalated.
            due = due.filter(**{f"{deadline}_due__gt": now, f"{deadline}_breached_at__isnull": True})
        ids = list(due.order_by(moment).values_list("pk", flat=True)[:BATCH])
        if not ids:
            done[kind] = 0
            continue
        Service.objects.filter(pk__in=ids, **{f"{marker}__isnull": True, f"{met}__isnull": True}).update(
            **{marker: now}
        )
        claimed = list(
            Service.objects.filter(pk__in=ids, **{marker: now}).select_related(
                "customer", "customer__manager", "assignee", "assignee__superior"
            )
        )
        if kind.endswith("warned"):
            _warn(claimed, deadline, now, recipients)
        else:
            _escalate(claimed, deadline, now, recipients)
        done[kind] = len(claimed)
    return done


def _label(deadline: str) -> str:
    return _("response") if deadline == "response" else _("resolution")


def _warn(services: list[Service], deadline: str, now, recipients: _Recipients) -> None:
    left = working_hours_until(now, [getattr(service, f"{deadline}_due") for service in services])
    for service, hours in zip(services, left, strict=True):
        notify(
            recipients=recipients.warned(service),
            title=_("Service %(number)s: %(what)s due in %(hours)s working hours")
            % {"number": service.number, "what": _label(deadline), "hours": _hours(hours)},
            body=f"{service.customer.name}: {service.summary}",
            link=reverse("service:detail", args=[service.pk]),
            kind="service.deadline",
        )


def _escalate(services: list[Service], deadline: str, now, recipients: _Recipients) -> None:
    rows = []
    for service in services:
        due = getattr(service, f"{deadline}_due")
        told = recipients.escalated(service)
        names = "、".join(str(user) for user in told) or "—"
        summary = _("%(number)s %(summary)s: %(what)s deadline %(due)s passed; escalated to %(names)s") % {
            "number": service.number,
            "summary": service.summary,
            "what": _label(deadline),
            "due": f"{timezone.localtime(due):%Y-%m-%d %H:%M}",
            "names": names,
        }
        notify(
            recipients=told,
            title=_("Overdue service %(number)s: the %(what)s deadline has passed")
            % {"number": service.number, "what": _label(deadline)},
            body=summary,
            link=reverse("service:detail", args=[service.pk]),
            kind="service.escalated",
        )
        if service.assignee_id and service.assignee not in told:
            notify(
                recipients=[service.assignee],
                title=_("Service %(number)s is overdue and was escalated") % {"number": service.number},
                body=summary,
                link=reverse("service:detail", args=[service.pk]),
                kind="service.escalated",
            )
        event_record(
            customer=service.customer,
            kind="service.escalate",
            summary=summary,
            data={"service": service.pk, "deadline": deadline, "to": [user.pk for user in told]},
        )
        changes = {f"{deadline}_breached_at": [None, now], "escalated_to": [None, [user.pk for user in told]]}
        rows.append((service.pk, f"{service.number} {service.summary}", changes))
    audit_records_bulk(
        actor=None, action=AuditAction.UPDATE, model=Service, rows=rows, message=_("Service deadline escalated")
    )


def _hours(hours: float | None) -> str:
    return "—" if hours is None else f"{max(hours, 0):.1f}".removesuffix(".0")
