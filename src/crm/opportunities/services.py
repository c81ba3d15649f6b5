"""Every write of an opportunity and its development plan (s003/5 §3.1, OPP-1…OPP-8): the
permission engine is asked, then the status table, on a row locked for the transaction, so two
people acting on one opportunity at once take turns and the second sees the first's result."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.access.engine import access_for
from crm.access.shares import share_grant, share_revoke, shares_of
from crm.audit.services import audit_create, audit_delete, audit_update, snapshot
from crm.core.errors import PermissionDenied, ValidationFailed
from crm.core.numbering import next_number
from crm.core.services import full_clean, model_update
from crm.customers import normalise
from crm.customers.permissions import CUSTOMER
from crm.customers.services.events import event_record
from crm.customers.services.obtain import Obtained, customer_obtain
from crm.identity.models import User
from crm.notifications.services import notify
from crm.opportunities import stale
from crm.opportunities.models import (
    OPPORTUNITY_STATES,
    Opportunity,
    OpportunityStatus,
    Pipeline,
    PlanItem,
    Stage,
    StageKind,
    priority_score,
)
from crm.opportunities.permissions import OPPORTUNITY

# The fields the creator enters and may edit while the opportunity is unassigned (OPP-1, OPP-2).
FIELDS = ["source", "customer_name", "probability", "summary", "contact_name", "contact_phone", "description"]
AUDIT_FIELDS = [*FIELDS, "number", "status", "customer", "owner"]
NUMBER_KEY, NUMBER_PREFIX = "opportunity", "JH"


def _clean(actor, data: dict, *, editing: bool) -> dict:
    """The entered fields the actor may write, stripped; a valid phone in its stored form."""
    access = access_for(actor)
    refused = access.concealed_fields(OPPORTUNITY) | (access.readonly_fields(OPPORTUNITY) if editing else set())
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items() if k in FIELDS and k not in refused}
    phone = values.get("contact_phone")
    if phone:
        if not normalise.is_valid_phone(phone):
            raise ValidationFailed(
                fields={"contact_phone": [_("Enter a valid phone number, such as 138 1234 5678 or 021-62345678.")]}
            )
        values["contact_phone"] = normalise.format_phone(phone)
    return values


def _locked(opportunity: Opportunity) -> Opportunity:
    """The opportunity as it is now, locked until the transaction ends."""
    return Opportunity.objects.select_for_update().get(pk=opportunity.pk)


def _event(opportunity: Opportunity, kind: str, actor) -> None:
    if opportunity.customer_id:
        event_record(
            customer=opportunity.customer,
            kind=kind,
            actor=actor,
            summary=f"{opportunity.number} {opportunity.summary}",
            data={"opportunity": opportunity.pk},
        )


# --- create, edit, delete (OPP-1…OPP-3) ------------------------------------------------------------------
@transaction.atomic
def opportunity_create(*, actor, data: dict, customer=None) -> Opportunity:
    """A new opportunity. Found in marketing it waits, unassigned, for a supervisor; opened on an
    existing customer (which the actor must see) it is developed at once by its creator."""
    access = access_for(actor)
    access.require(f"{OPPORTUNITY}.create")
    values = _clean(actor, data, editing=False)
    opportunity = Opportunity(created_by=actor, **values)
    if customer is not None:
        customer = access.get(CUSTOMER, customer.pk)
        opportunity.customer = customer
        opportunity.customer_name = customer.name
        opportunity.owner, opportunity.assigned_by, opportunity.assigned_at = actor, actor, timezone.now()
        opportunity.status = OpportunityStatus.DEVELOPING
    opportunity.last_activity_at = timezone.now()
    opportunity.pipeline = pipeline_for(actor)
    if opportunity.pipeline is not None:
        opportunity.stage = first_stage(opportunity.pipeline)
        opportunity.stage_changed_at = timezone.now()
    full_clean(opportunity, exclude=["number"])
    opportunity.number = next_number(NUMBER_KEY, NUMBER_PREFIX)
    opportunity.save()
    audit_create(actor=actor, instance=opportunity, fields=AUDIT_FIELDS)
    _event(opportunity, "opportunity.open", actor)
    return opportunity


@transaction.atomic
def opportunity_update(*, actor, opportunity: Opportunity, data: dict) -> Opportunity:
    """Only while unassigned, only the entered fields (OPP-2); an opportunity on a customer keeps
    that customer's name."""
    access_for(actor).check(OPPORTUNITY, "edit", opportunity)
    opportunity = _locked(opportunity)
    OPPORTUNITY_STATES.target(opportunity.status, "edit")
    values = _clean(actor, data, editing=True)
    if opportunity.customer_id:
        values.pop("customer_name", None)
    changes = model_update(instance=opportunity, data=values, fields=list(values))
    audit_update(actor=actor, instance=opportunity, changes=changes)
    return opportunity


@transaction.atomic
def opportunity_delete(*, actor, opportunity: Opportunity) -> None:
    """Only while unassigned, only by its creator (OPP-3)."""
    access_for(actor).check(OPPORTUNITY, "delete", opportunity)
    opportunity = _locked(opportunity)
    OPPORTUNITY_STATES.target(opportunity.status, "delete")
    if opportunity.created_by_id != actor.pk:
        raise PermissionDenied(_("Only the person who created an opportunity may delete it."))
    audit_delete(actor=actor, instance=opportunity, fields=AUDIT_FIELDS)
    opportunity.delete()


# --- assign (OPP-4) ----------------------------------------------------------------------------------------
def assignable_users(actor):
    """Whom the actor may give opportunities to: active users within their scope."""
    return access_for(actor).users_in_scope(OPPORTUNITY, User.objects.active())


@transaction.atomic
def opportunity_assign(*, actor, opportunity: Opportunity, owner) -> Opportunity:
    """A supervisor gives the opportunity to one account manager; the time is recorded and the
    status becomes developing (已指派 = 开发中). A developing one may be given to another."""
    access_for(actor).check(OPPORTUNITY, "assign", opportunity)
    opportunity = _locked(opportunity)
    action = "assign" if opportunity.status == OpportunityStatus.UNASSIGNED else "reassign"
    target = OPPORTUNITY_STATES.target(opportunity.status, action)
    if owner is None or not assignable_users(actor).filter(pk=owner.pk).exists():
        raise ValidationFailed(fields={"owner": [_("Choose an active account manager within your data scope.")]})
    before = snapshot(opportunity, ["owner", "status", "assigned_at"])
    opportunity.owner, opportunity.status = owner, target
    opportunity.assigned_at, opportunity.assigned_by = timezone.now(), actor
    opportunity.save(update_fields=["owner", "status", "assigned_at", "assigned_by", "updated_at"])
    stale.touch(opportunity)
    after = snapshot(opportunity, ["owner", "status", "assigned_at"])
    audit_update(actor=actor, instance=opportunity, changes={k: [before[k], after[k]] for k in after})
    if owner.pk != actor.pk:
        notify(
            recipients=[owner],
            title=_("Opportunity %(number)s assigned to you") % {"number": opportunity.number},
            body=f"{opportunity.customer_name}: {opportunity.summary}",
            link=reverse("opportunities:detail", args=[opportunity.pk]),
            kind="opportunities.assigned",
        )
    return opportunity


# --- develop: the plan, its results, success or failure (OPP-5…OPP-8) --------------------------------------
def check_developer(actor, opportunity: Opportunity) -> None:
    """Development is the work of the account manager it is assigned to, of a supervisor whose
    scope reaches that manager, or of someone it is shared with for editing; its creator alone
    no longer works on it once it is assigned."""
    access = access_for(actor)
    access.check(OPPORTUNITY, "develop", opportunity)
    if opportunity.owner_id == actor.pk:
        return
    owner = User.objects.filter(pk=opportunity.owner_id)
    if access.users_in_scope(OPPORTUNITY, owner).exclude(pk=actor.pk).exists():
        return
    if shares_of(OPPORTUNITY, opportunity).filter(user_id=actor.pk, can_edit=True).exists():
        return
    raise PermissionDenied(_("Only its account manager, or their supervisor, develops this opportunity."))


def may_develop(actor, opportunity: Opportunity) -> bool:
    try:
        check_developer(actor, opportunity)
    except PermissionDenied:
        return False
    return True


def _developing(actor, opportunity: Opportunity, action: str) -> tuple[Opportunity, str]:
    """The opportunity locked, and the status `action` leads to: asked of the engine, of the
    status table, then of the rule of who develops (so a closed one says it is closed)."""
    access_for(actor).check(OPPORTUNITY, "develop", opportunity)
    opportunity = _locked(opportunity)
    target = OPPORTUNITY_STATES.target(opportunity.status, action)
    check_developer(actor, opportunity)
    return opportunity, target


def _planning(actor, opportunity: Opportunity) -> Opportunity:
    opportunity = _developing(actor, opportunity, "plan")[0]
    stale.touch(opportunity)
    return opportunity


@transaction.atomic
def plan_item_add(*, actor, opportunity: Opportunity, date, content: str) -> PlanItem:
    opportunity = _planning(actor, opportunity)
    item = PlanItem(opportunity=opportunity, date=date, content=(content or "").strip(), created_by=actor)
    full_clean(item)
    item.save()
    audit_create(actor=actor, instance=item, fields=["opportunity", "date", "content"])
    return item


@transaction.atomic
def plan_item_update(*, actor, item: PlanItem, data: dict) -> PlanItem:
    """The content (and result) of a step; its date is fixed once it is planned (s003/5 §3.1.2.1)."""
    _planning(actor, item.opportunity)
    if "date" in data and data["date"] not in (None, "", item.date, f"{item.date:%Y-%m-%d}"):
        raise ValidationFailed(
            fields={"date": [_("A plan item's date cannot be changed; delete the item and plan a new one.")]}
        )
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items() if k in ("content", "result")}
    if "result" in values and values["result"] != item.result:
        values["result_at"] = timezone.now() if values["result"] else None
    changes = model_update(instance=item, data=values, fields=list(values))
    audit_update(actor=actor, instance=item, changes=changes)
    return item


@transaction.atomic
def plan_item_record_result(*, actor, item: PlanItem, result: str) -> PlanItem:
    """What came of a step (执行效果, OPP-6)."""
    if not (result or "").strip():
        raise ValidationFailed(fields={"result": [_("Describe what came of this step.")]})
    return plan_item_update(actor=actor, item=item, data={"result": result})


@transaction.atomic
def plan_item_delete(*, actor, item: PlanItem) -> None:
    _planning(actor, item.opportunity)
    audit_delete(actor=actor, instance=item, fields=["opportunity", "date", "content", "result"])
    item.delete()


@transaction.atomic
def opportunity_succeed(*, actor, opportunity: Opportunity, customer_data: dict | None = None) -> Obtained | None:
    """Developed successfully (OPP-7): the customer it names is found by the duplicate check or
    created (with `customer_data`: region, level …) and owned by the account manager. Answers what
    was obtained, or None when the opportunity was on a customer already."""
    opportunity, target = _developing(actor, opportunity, "succeed")
    obtained = None
    _enter_end_stage(opportunity, StageKind.WON)
    if opportunity.customer_id is None:
        obtained = customer_obtain(
            actor=actor,
            name=opportunity.customer_name,
            contact_name=opportunity.contact_name,
            contact_phone=opportunity.contact_phone,
            manager=opportunity.owner,
            data=customer_data,
        )
        opportunity.customer = obtained.customer
    _close(actor, opportunity, target)
    _event(opportunity, "opportunity.won", actor)
    return obtained


@transaction.atomic
def opportunity_fail(
    *, actor, opportunity: Opportunity, reason: str = "", lost_reason=None, lost_to=None
) -> Opportunity:
    """Development failed (OPP-8): no need, or not worth developing; why, from the dictionary's
    lost reasons (OPP-10), in words, and the competitor it went to (counted among its competitors)."""
    opportunity, target = _developing(actor, opportunity, "fail")
    opportunity.close_reason = (reason or "").strip()[:500]
    if lost_reason is not None and (lost_reason.category != "lost_reason" or not lost_reason.is_active):
        raise ValidationFailed(fields={"lost_reason": [_("Choose a lost reason from the list.")]})
    opportunity.lost_reason, opportunity.lost_to = lost_reason, lost_to
    if lost_to is not None:
        opportunity.competitors.add(lost_to)
    _enter_end_stage(opportunity, StageKind.LOST)
    _close(actor, opportunity, target)
    _event(opportunity, "opportunity.lost", actor)
    return opportunity


def _enter_end_stage(opportunity: Opportunity, kind: str) -> None:
    """A won or lost opportunity stands in its pipeline's won or lost stage, at 100 % or 0 %."""
    opportunity.probability = 100 if kind == StageKind.WON else 0
    stage = opportunity.pipeline and opportunity.pipeline.stages.filter(kind=kind).first()
    if stage is not None:
        opportunity.stage, opportunity.stage_changed_at = stage, timezone.now()


_CLOSING_FIELDS = ["status", "customer", "closed_at", "close_reason", "lost_reason", "lost_to", "probability", "stage"]


def _close(actor, opportunity: Opportunity, status: str) -> None:
    before = snapshot(opportunity, ["status", "customer", "stage", "lost_reason", "lost_to"])
    opportunity.status, opportunity.closed_at = status, timezone.now()
    opportunity.save(update_fields=[*_CLOSING_FIELDS, "stage_changed_at", "updated_at"])
    after = snapshot(opportunity, ["status", "customer", "stage", "lost_reason", "lost_to"])
    audit_update(actor=actor, instance=opportunity, changes={k: [before[k], after[k]] for k in after})


# --- the pipeline: stages, the deal's figures, priority (OPP-9, OPP-12) --------------------------------------
DEAL_FIELDS = ["expected_amount", "expected_close", "intent", "budget", "urgency"]


def pipeline_for(user) -> Pipeline | None:
    """The pipeline of the user's team (the nearest department up the tree that has one), else
    the default one."""
    pipelines = Pipeline.objects.filter(is_active=True)
    department = getattr(user, "department", None)
    if department is not None:
        own = [
            pipeline
            for pipeline in pipelines.select_related("department")
            if pipeline.department and department.path.startswith(pipeline.department.path)
        ]
        if own:
            return max(own, key=lambda p: len(p.department.path))
    return pipelines.filter(is_default=True).first()


def first_stage(pipeline: Pipeline) -> Stage | None:
    return pipeline.stages.filter(kind=StageKind.OPEN).first()


def _check_deal_editor(actor, opportunity: Opportunity) -> None:
    if opportunity.status == OpportunityStatus.UNASSIGNED:
        access_for(actor).check(OPPORTUNITY, "edit", opportunity)
    else:
        check_developer(actor, opportunity)


@transaction.atomic
def opportunity_update_deal(*, actor, opportunity: Opportunity, data: dict) -> Opportunity:
    """The deal's figures: expected amount and close date, purchase intent, budget, urgency (the
    priority score follows); while it is open, by whoever may work on it."""
    access_for(actor).check(OPPORTUNITY, "view", opportunity)
    opportunity = _locked(opportunity)
    OPPORTUNITY_STATES.target(opportunity.status, "deal")
    _check_deal_editor(actor, opportunity)
    refused = access_for(actor).concealed_fields(OPPORTUNITY) | access_for(actor).readonly_fields(OPPORTUNITY)
    values = {k: v for k, v in data.items() if k in DEAL_FIELDS and k not in refused}
    merged = {name: values.get(name, getattr(opportunity, name)) for name in ("intent", "budget", "urgency")}
    values["priority"] = priority_score(**merged)
    changes = model_update(instance=opportunity, data=values, fields=list(values))
    audit_update(actor=actor, instance=opportunity, changes=changes)
    stale.touch(opportunity)
    return opportunity


def missing_for(opportunity: Opportunity, stage: Stage) -> list[str]:
    """The fields `stage` requires that the opportunity lacks."""
    return [name for name in stage.required_fields if getattr(opportunity, name, None) in (None, "")]


@transaction.atomic
def opportunity_move(*, actor, opportunity: Opportunity, stage: Stage, data: dict | None = None) -> Opportunity:
    """Into another open stage of its pipeline (the board's drag and drop): the stage's default
    probability is taken, the time recorded. `data` fills the deal's fields the stage requires
    first; what is still missing is refused with the fields named (details.missing). A won or
    lost stage is not entered here but by succeed and fail, which ask what they need."""
    access_for(actor).check(OPPORTUNITY, "develop", opportunity)
    opportunity = _locked(opportunity)
    OPPORTUNITY_STATES.target(opportunity.status, "move")
    check_developer(actor, opportunity)
    if stage.pipeline_id != opportunity.pipeline_id or stage.kind != StageKind.OPEN:
        raise ValidationFailed(fields={"stage": [_("Choose an open stage of the opportunity's pipeline.")]})
    if data:
        opportunity = opportunity_update_deal(actor=actor, opportunity=opportunity, data=data)
    missing = missing_for(opportunity, stage)
    if missing:
        names = "、".join(str(Opportunity._meta.get_field(name).verbose_name) for name in missing)
        message = _("The stage “%(stage)s” needs first: %(fields)s.") % {"stage": stage.name, "fields": names}
        raise ValidationFailed(
            message, fields={name: [message] for name in missing}, details={"missing": missing, "stage": stage.pk}
        )
    before = snapshot(opportunity, ["stage", "probability"])
    opportunity.stage, opportunity.probability, opportunity.stage_changed_at = stage, stage.probability, timezone.now()
    opportunity.save(update_fields=["stage", "probability", "stage_changed_at", "updated_at"])
    stale.touch(opportunity)
    after = snapshot(opportunity, ["stage", "probability"])
    changes = {name: [before[name], after[name]] for name in after if before[name] != after[name]}
    audit_update(actor=actor, instance=opportunity, changes=changes)
    return opportunity


def _set_related(actor, opportunity: Opportunity, name: str, chosen) -> Opportunity:
    """Replace a many-to-many of the opportunity (its competitors, its tags), audited."""
    access_for(actor).check(OPPORTUNITY, "view", opportunity)
    opportunity = _locked(opportunity)
    OPPORTUNITY_STATES.target(opportunity.status, "deal")
    _check_deal_editor(actor, opportunity)
    related = getattr(opportunity, name)
    before = sorted(related.values_list("pk", flat=True))
    related.set(chosen)
    after = sorted(item.pk for item in chosen)
    if before != after:
        audit_update(actor=actor, instance=opportunity, changes={name: [before, after]})
    return opportunity


@transaction.atomic
def opportunity_set_competitors(*, actor, opportunity: Opportunity, competitors) -> Opportunity:
    """The competitors the customer also considers (CMP-3), while the opportunity is open."""
    return _set_related(actor, opportunity, "competitors", competitors)


@transaction.atomic
def opportunity_set_tags(*, actor, opportunity: Opportunity, tags) -> Opportunity:
    """The opportunity's tags (OPP-9), while it is open, by whoever develops it."""
    return _set_related(actor, opportunity, "tags", tags)


# --- sharing (OPP-11) --------------------------------------------------------------------------------------------
@transaction.atomic
def opportunity_share(*, actor, opportunity: Opportunity, users, can_edit: bool = False) -> list:
    """Share with colleagues (a supervisor shares a subordinate's): they see it, and with
    `can_edit` they develop it too. Its account manager needs no share."""
    access_for(actor).require(f"{OPPORTUNITY}.share")
    users = [user for user in users if user.pk != opportunity.owner_id]
    if not users:
        raise ValidationFailed(fields={"users": [_("Choose at least one colleague other than the account manager.")]})
    if any(not user.is_active for user in users):
        raise ValidationFailed(fields={"users": [_("Only active users can be shared with.")]})
    return share_grant(actor=actor, resource_code=OPPORTUNITY, obj=opportunity, users=users, can_edit=can_edit)


@transaction.atomic
def opportunity_unshare(*, actor, opportunity: Opportunity, user) -> None:
    access_for(actor).require(f"{OPPORTUNITY}.share")
    share_revoke(actor=actor, resource_code=OPPORTUNITY, obj=opportunity, user=user)
