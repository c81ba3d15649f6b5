"""Every write of leads (OPP-13): capture (by hand, API, import, the public web form) with the
duplicate check against leads and customers, follow-ups, assignment (by hand or round-robin in a
team), the lead pool (claim with a daily limit and a wait for the previous owner, release,
return after days without follow-up), escalation of untouched leads, conversion into customer,
contact and opportunity in one step, and disqualification."""

import datetime

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.access.engine import access_for
from crm.audit.services import audit_create, audit_delete, audit_update, snapshot
from crm.core.errors import Conflict, NotFound, ValidationFailed
from crm.core.numbering import next_number
from crm.core.services import full_clean, model_update
from crm.customers import normalise
from crm.customers.services.duplicates import duplicate_find
from crm.customers.services.events import event_record
from crm.customers.services.obtain import customer_obtain
from crm.identity.models import User
from crm.leads.models import (
    LEAD_STATES,
    OPEN_STATUSES,
    Lead,
    LeadActivity,
    LeadChannel,
    LeadClaim,
    LeadRegionRule,
    LeadSettings,
    LeadStatus,
)
from crm.leads.permissions import LEAD
from crm.notifications.services import notify
from crm.opportunities.services import opportunity_create

FIELDS = ["name", "company", "position", "mobile", "phone", "email", "province", "source", "industry", "notes"]
AUDIT_FIELDS = [*FIELDS, "number", "status", "owner", "channel"]
NUMBER_KEY, NUMBER_PREFIX = "lead", "XS"


# --- values and the duplicate check -------------------------------------------------------------------------
def _clean(data: dict, allowed) -> dict:
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items() if k in FIELDS and k in allowed}
    errors = {}
    for name in ("mobile", "phone"):
        if values.get(name):
            if not normalise.is_valid_phone(values[name]):
                errors[name] = [_("Enter a valid phone number, such as 138 1234 5678 or 021-62345678.")]
            else:
                values[name] = normalise.format_phone(values[name])
    if errors:
        raise ValidationFailed(fields=errors)
    return values


def _set_keys(lead: Lead) -> None:
    lead.company_key = normalise.name_key(lead.company)[:120]
    lead.phone_key = normalise.phone_key(lead.mobile or lead.phone)[:40]
    lead.email_key = normalise.email_key(lead.email)[:120]


def lead_duplicates(*, actor, lead: Lead) -> list[str]:
    """Leads and customers like this one (the same normalised company name, phone or e-mail), as
    lines a person reads. Values the actor sees masked are not looked for; records outside the
    actor's scope are named by their number only."""
    concealed = access_for(actor).concealed_fields(LEAD) if actor is not None else set()
    condition = Q(company_key=lead.company_key) if lead.company_key else Q(pk__in=[])
    if lead.phone_key and not concealed & {"mobile", "phone"}:
        condition |= Q(phone_key=lead.phone_key)
    if lead.email_key and "email" not in concealed:
        condition |= Q(email_key=lead.email_key)
    found = []
    for other in Lead.objects.filter(condition).exclude(pk=lead.pk).order_by("-id")[:5]:
        found.append(_("Lead %(number)s (%(company)s)") % {"number": other.number, "company": other.company})
    if actor is not None:
        report = duplicate_find(actor=actor, name=lead.company, phone=lead.mobile or lead.phone, email=lead.email)
        for match in report.matches[:5]:
            if match.visible:
                values = {"number": match.customer.number, "name": match.customer.name}
                found.append(_("Customer %(number)s (%(name)s)") % values)
            else:
                found.append(_("Customer %(number)s, managed by a colleague") % {"number": match.customer.number})
    return found


# --- capture, edit, delete -----------------------------------------------------------------------------------
def _new_lead(*, data: dict, allowed, channel: str, owner, actor) -> Lead:
    lead = Lead(channel=channel, owner=owner, created_by=actor, **_clean(data, allowed))
    lead.owned_since = timezone.now() if owner else None
    lead.pooled_at = None if owner else timezone.now()
    _set_keys(lead)
    full_clean(lead, exclude=["number", "company_key"])
    return lead


def _save_new(lead: Lead, actor) -> Lead:
    lead.number = next_number(NUMBER_KEY, NUMBER_PREFIX)
    lead.save()
    audit_create(actor=actor, instance=lead, fields=AUDIT_FIELDS)
    if lead.owner_id and lead.owner_id != getattr(actor, "pk", None):
        _tell_owner(lead)
    return lead


@transaction.atomic
def lead_create(
    *, actor, data: dict, to_pool: bool = False, channel: str = LeadChannel.MANUAL, confirm_duplicates: bool = False
) -> Lead:
    """A lead owned by its creator (or put in the pool). A lead like an existing lead or customer
    is refused with the matches (409 duplicate_warning) until the creator confirms it."""
    access = access_for(actor)
    access.require(f"{LEAD}.create")
    allowed = set(FIELDS) - access.concealed_fields(LEAD)
    lead = _new_lead(data=data, allowed=allowed, channel=channel, owner=None if to_pool else actor, actor=actor)
    found = lead_duplicates(actor=actor, lead=lead)
    if found and not confirm_duplicates:
        raise Conflict(
            _("Similar records exist: %(list)s. Check them, or save anyway.") % {"list": "；".join(found)},
            code="duplicate_warning",
            details={"duplicates": found},
        )
    lead.duplicate_hint = "；".join(found)[:200]
    return _save_new(lead, actor)


@transaction.atomic
def lead_capture_public(*, data: dict) -> Lead:
    """A lead from the public web form: nobody is signed in; it goes to the owner the settings
    name, or into the pool; possible duplicates are noted on it, never told to the visitor."""
    settings = LeadSettings.current()
    if not settings.web_form_enabled:
        raise NotFound()
    owner = settings.web_form_owner if settings.web_form_owner and settings.web_form_owner.is_active else None
    allowed = set(FIELDS) - {"source", "industry"}
    lead = _new_lead(data=data, allowed=allowed, channel=LeadChannel.WEB_FORM, owner=owner, actor=None)
    lead.duplicate_hint = "；".join(lead_duplicates(actor=None, lead=lead))[:200]
    return _save_new(lead, None)


def _open(actor, lead: Lead, action: str) -> Lead:
    """The lead locked for the transaction, after the engine and the status table agreed."""
    access_for(actor).check(LEAD, "convert" if action == "convert" else "edit", lead)
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    LEAD_STATES.target(lead.status, action)
    return lead


@transaction.atomic
def lead_update(*, actor, lead: Lead, data: dict) -> Lead:
    lead = _open(actor, lead, "edit")
    access = access_for(actor)
    allowed = set(FIELDS) - access.concealed_fields(LEAD) - access.readonly_fields(LEAD)
    values = _clean(data, allowed)
    changes = model_update(instance=lead, data=values, fields=list(values))
    if changes:
        _set_keys(lead)
        keys = {"company_key": lead.company_key, "phone_key": lead.phone_key, "email_key": lead.email_key}
        Lead.objects.filter(pk=lead.pk).update(**keys)
    audit_update(actor=actor, instance=lead, changes=changes)
    return lead


@transaction.atomic
def lead_delete(*, actor, lead: Lead) -> None:
    access_for(actor).check(LEAD, "delete", lead)
    audit_delete(actor=actor, instance=lead, fields=AUDIT_FIELDS)
    lead.delete()


# --- follow-up ---------------------------------------------------------------------------------------------------
@transaction.atomic
def lead_follow_up(*, actor, lead: Lead, content: str, next_on=None) -> LeadActivity:
    """A follow-up: a new lead becomes "being followed up"; the clock of the pool restarts."""
    lead = _open(actor, lead, "follow_up")
    activity = LeadActivity(lead=lead, content=(content or "").strip(), next_on=next_on, created_by=actor)
    full_clean(activity)
    activity.save()
    Lead.objects.filter(pk=lead.pk).update(
        status=LeadStatus.WORKING, last_followup_at=activity.created_at, updated_at=timezone.now()
    )
    return activity


# --- assignment ---------------------------------------------------------------------------------------------------
def assignable_users(actor):
    return access_for(actor).users_in_scope(LEAD, User.objects.active())


def _tell_owner(lead: Lead) -> None:
    notify(
        recipients=[lead.owner],
        title=_("Lead %(number)s is yours: %(company)s") % {"number": lead.number, "company": lead.company},
        body=lead.notes[:200],
        link=reverse("leads:detail", args=[lead.pk]),
        kind="leads.assigned",
    )


def _give(actor, lead_ids: list[int], owner) -> int:
    now = timezone.now()
    given = Lead.objects.filter(pk__in=lead_ids, status__in=OPEN_STATUSES).update(
        owner=owner, owned_since=now, pooled_at=None, escalated_at=None, updated_at=now
    )
    for lead in Lead.objects.filter(pk__in=lead_ids, owner=owner).select_related("owner"):
        audit_update(actor=actor, instance=lead, changes={"owner": [None, owner.pk]})
        if owner.pk != getattr(actor, "pk", None):
            _tell_owner(lead)
    return given


def _assignable_leads(actor, leads) -> list[int]:
    ids = [getattr(lead, "pk", lead) for lead in leads]
    visible = access_for(actor).scoped(LEAD, Lead.objects.filter(pk__in=ids), action="assign")
    pool = Lead.objects.filter(pk__in=ids, owner__isnull=True)
    if not access_for(actor).can(f"{LEAD}.claim"):
        pool = pool.none()
    return sorted(set(visible.values_list("pk", flat=True)) | set(pool.values_list("pk", flat=True)))


@transaction.atomic
def leads_assign(*, actor, leads, owner) -> int:
    """Give leads (the actor's, their team's, or from the pool) to one person of the actor's scope."""
    access_for(actor).require(f"{LEAD}.assign")
    if owner is None or not assignable_users(actor).filter(pk=owner.pk).exists():
        raise ValidationFailed(fields={"owner": [_("Choose an active user within your data scope.")]})
    return _give(actor, _assignable_leads(actor, leads), owner)


@transaction.atomic
def leads_assign_round_robin(*, actor, leads, department) -> dict[int, int]:
    """Share leads out in turn among the active people of a team (the department and those below
    it) who may work on leads; answers {user id: how many}."""
    access_for(actor).require(f"{LEAD}.assign")
    members = list(
        assignable_users(actor)
        .filter(department__path__startswith=department.path, roles__permissions__code=f"{LEAD}.edit")
        .distinct()
        .order_by("pk")
    )
    if not members:
        raise ValidationFailed(fields={"department": [_("Nobody in this team works on leads.")]})
    shares: dict[int, list[int]] = {}
    for index, lead_id in enumerate(_assignable_leads(actor, leads)):
        shares.setdefault(index % len(members), []).append(lead_id)
    # One UPDATE per member, not per lead.
    return {members[place].pk: _give(actor, lead_ids, members[place]) for place, lead_ids in shares.items()}


@transaction.atomic
def leads_assign_by_region(*, actor, leads) -> int:
    """Each lead to the person its province's rule names (System → Lead settings); leads without a
    province or a rule, or whose rule names someone outside the actor's scope, stay as they are."""
    access_for(actor).require(f"{LEAD}.assign")
    ids = _assignable_leads(actor, leads)
    allowed_rules = LeadRegionRule.objects.filter(owner__in=assignable_users(actor))
    rules = dict(allowed_rules.values_list("province_id", "owner_id"))
    by_owner: dict[int, list[int]] = {}
    with_rule = Lead.objects.filter(pk__in=ids, province_id__in=list(rules))
    for lead_id, province_id in with_rule.values_list("pk", "province_id"):
        by_owner.setdefault(rules[province_id], []).append(lead_id)
    owners = User.objects.in_bulk(list(by_owner))
    return sum(_give(actor, lead_ids, owners[owner_id]) for owner_id, lead_ids in by_owner.items())


SETTINGS_FIELDS = [
    "claims_per_day", "reclaim_wait_days", "return_after_days", "escalate_after_days", "web_form_enabled",
    "web_form_owner",
]


@transaction.atomic
def lead_settings_update(*, actor, data: dict) -> LeadSettings:
    """The lead pool's limits and the public web form's switch and owner, audited."""
    access_for(actor).require("leads.settings.edit")
    current = LeadSettings.objects.select_for_update().get(pk=LeadSettings.current().pk)
    values = {name: value for name, value in data.items() if name in SETTINGS_FIELDS}
    changes = model_update(instance=current, data=values, fields=list(values))
    audit_update(actor=actor, instance=current, changes=changes)
    return current


@transaction.atomic
def region_rule_set(*, actor, province, owner) -> None:
    """Who gets the leads of a province (None: nobody, the rule goes)."""
    access_for(actor).require("leads.settings.edit")
    if owner is None:
        LeadRegionRule.objects.filter(province=province).delete()
    else:
        LeadRegionRule.objects.update_or_create(province=province, defaults={"owner": owner})


# --- the lead pool -------------------------------------------------------------------------------------------------
@transaction.atomic
def lead_claim(*, actor, lead: Lead) -> Lead:
    """Take a lead from the pool: within the daily limit, not back too soon after releasing it;
    of two people claiming one lead at once, one gets it (the UPDATE wants it still unowned)."""
    access_for(actor).require(f"{LEAD}.claim")
    settings = LeadSettings.current()
    User.objects.select_for_update().filter(pk=actor.pk).first()  # one claim at a time per person: the limit holds
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    if LeadClaim.objects.filter(user=actor, claimed_at__gte=today).count() >= settings.claims_per_day:
        raise Conflict(
            _("You have claimed %(count)d leads today, the most allowed.") % {"count": settings.claims_per_day},
            code="claim_limit",
        )
    current = Lead.objects.filter(pk=lead.pk).values("owner_id", "previous_owner_id", "pooled_at", "status").first()
    if current is None:
        raise NotFound()
    wait = timezone.now() - datetime.timedelta(days=settings.reclaim_wait_days)
    if current["previous_owner_id"] == actor.pk and current["pooled_at"] and current["pooled_at"] > wait:
        raise Conflict(
            _("You returned this lead less than %(days)d days ago; let a colleague try first.")
            % {"days": settings.reclaim_wait_days},
            code="reclaim_too_soon",
        )
    now = timezone.now()
    won = Lead.objects.filter(pk=lead.pk, owner__isnull=True, status__in=OPEN_STATUSES).update(
        owner=actor, owned_since=now, pooled_at=None, escalated_at=None, updated_at=now
    )
    if not won:
        raise Conflict(_("Someone else claimed this lead first."), code="claimed")
    LeadClaim.objects.create(user=actor, lead_id=lead.pk, claimed_at=now)
    lead.refresh_from_db()
    audit_update(actor=actor, instance=lead, changes={"owner": [None, actor.pk]})
    return lead


@transaction.atomic
def lead_release(*, actor, lead: Lead, reason: str = "") -> Lead:
    """Back to the pool; its owner waits before claiming it again."""
    lead = _open(actor, lead, "release")
    if lead.owner_id is None:
        raise Conflict(_("The lead is in the pool already."), code="in_pool")
    before = lead.owner_id
    now = timezone.now()
    Lead.objects.filter(pk=lead.pk).update(
        owner=None, previous_owner_id=before, pooled_at=now, owned_since=None, updated_at=now
    )
    lead.refresh_from_db()
    audit_update(actor=actor, instance=lead, changes={"owner": [before, None]})
    if reason:
        note = _("Returned to the pool: %(reason)s") % {"reason": reason[:900]}
        LeadActivity.objects.create(lead=lead, content=note, created_by=actor)
    return lead


# --- the end: convert or disqualify --------------------------------------------------------------------------------
@transaction.atomic
def lead_convert(*, actor, lead: Lead, customer_data: dict | None = None, opportunity: dict | None = None) -> Lead:
    """Qualified: in one step the customer (found by the duplicate check, or created with the
    lead's company, province, source and industry), the contact, and, if `opportunity` describes
    one (summary, probability …), an opportunity on that customer."""
    lead = _open(actor, lead, "convert")
    carried = {"province": lead.province, "source": lead.source, "industry": lead.industry}
    data = {**{k: v for k, v in carried.items() if v is not None}, **(customer_data or {})}
    if lead.email and "email" not in data:
        data["email"] = lead.email
    obtained = customer_obtain(
        actor=actor,
        name=lead.company,
        contact_name=lead.name,
        contact_phone=lead.mobile or lead.phone,
        manager=lead.owner or actor,
        data=data,
    )
    lead.customer = obtained.customer
    if opportunity:
        values = {
            "source": str(lead.source or _("Lead")),
            "customer_name": lead.company,
            "contact_name": lead.name,
            "contact_phone": lead.mobile or lead.phone,
            "description": lead.notes or opportunity.get("summary", ""),
            **opportunity,
        }
        try:
            lead.opportunity = opportunity_create(actor=actor, data=values, customer=obtained.customer)
        except NotFound:  # the customer is a colleague's: the opportunity waits for a supervisor
            lead.opportunity = opportunity_create(actor=actor, data=values)
    before = snapshot(lead, ["status", "customer", "opportunity"])
    lead.status, lead.closed_at = LeadStatus.CONVERTED, timezone.now()
    lead.save(update_fields=["status", "closed_at", "customer", "opportunity", "updated_at"])
    after = snapshot(lead, list(before))
    audit_update(actor=actor, instance=lead, changes={k: [before[k], after[k]] for k in after})
    event_record(
        customer=obtained.customer,
        kind="lead.converted",
        actor=actor,
        summary=f"{lead.number} {lead.name}",
        data={"lead": lead.pk},
    )
    return lead


@transaction.atomic
def lead_disqualify(*, actor, lead: Lead, reason: str) -> Lead:
    if not (reason or "").strip():
        raise ValidationFailed(fields={"reason": [_("Say why the lead is disqualified.")]})
    lead = _open(actor, lead, "disqualify")
    lead.status, lead.closed_at, lead.disqualify_reason = LeadStatus.DISQUALIFIED, timezone.now(), reason.strip()[:500]
    lead.save(update_fields=["status", "closed_at", "disqualify_reason", "updated_at"])
    audit_update(actor=actor, instance=lead, changes={"status": ["open", LeadStatus.DISQUALIFIED]})
    return lead


@transaction.atomic
def lead_reopen(*, actor, lead: Lead) -> Lead:
    lead = _open(actor, lead, "reopen")
    lead.status, lead.closed_at = LeadStatus.WORKING, None
    lead.save(update_fields=["status", "closed_at", "updated_at"])
    audit_update(actor=actor, instance=lead, changes={"status": [LeadStatus.DISQUALIFIED, LeadStatus.WORKING]})
    return lead


# --- jobs: back to the pool, escalation (idempotent) -----------------------------------------------------------------
def leads_return_run(now=None) -> int:
    """Owned open leads without a follow-up for the settings' days go back to the pool."""
    settings = LeadSettings.current()
    if not settings.return_after_days:
        return 0
    now = now or timezone.now()
    since = now - datetime.timedelta(days=settings.return_after_days)
    stale = Lead.objects.filter(owner__isnull=False, status__in=OPEN_STATUSES, owned_since__lt=since).filter(
        Q(last_followup_at__isnull=True) | Q(last_followup_at__lt=since)
    )
    returned = 0
    for lead_id, owner_id in stale.values_list("pk", "owner_id")[:10000]:
        returned += Lead.objects.filter(pk=lead_id, owner_id=owner_id).update(
            owner=None, previous_owner_id=owner_id, pooled_at=now, owned_since=None, updated_at=now
        )
    return returned


def leads_escalate_run(now=None) -> int:
    """New leads nobody touched for the settings' days: their owner and the owner's superior are
    told, once (escalated_at)."""
    settings = LeadSettings.current()
    if not settings.escalate_after_days:
        return 0
    now = now or timezone.now()
    since = now - datetime.timedelta(days=settings.escalate_after_days)
    untouched = Lead.objects.filter(
        status=LeadStatus.NEW, owner__isnull=False, owned_since__lt=since, escalated_at__isnull=True
    ).select_related("owner", "owner__superior")
    told = 0
    for lead in untouched[:5000]:
        if not Lead.objects.filter(pk=lead.pk, escalated_at__isnull=True).update(escalated_at=now):
            continue  # another run took it
        notify(
            recipients=[lead.owner, lead.owner.superior],
            title=_("Lead %(number)s untouched for %(days)d days: %(company)s")
            % {"number": lead.number, "days": settings.escalate_after_days, "company": lead.company},
            body=str(_("Owner: %(owner)s")) % {"owner": lead.owner},
            link=reverse("leads:detail", args=[lead.pk]),
            kind="leads.escalated",
        )
        told += 1
    return told
