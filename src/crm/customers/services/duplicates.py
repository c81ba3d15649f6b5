"""The duplicate check 查重 (CUS-8): the same company entered twice means two salespeople on one
customer (撞单). Runs on create and edit, in the UI, the API and imports alike.

Matches come from the normalised keys (crm.customers.normalise) and from similar names
(customers sharing the brand, scored by rapidfuzz). Each rule is "block", "warn" or "off" (set by
administrators). A match outside the user's data scope still tells who owns it, but not what
the record holds: its name is masked and it carries no id, only a signed token with which the
user may ask the owner's supervisor to transfer the customer.
"""

import hashlib
from dataclasses import dataclass, field

from django.core import signing
from django.db import connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from crm.access.engine import access_for
from crm.access.masking import mask_value
from crm.audit.services import audit_update
from crm.core.errors import Conflict, NotFound
from crm.core.memo import SharedMemo
from crm.customers import normalise, tokens
from crm.customers.models import (
    BRAND_KINDS,
    Customer,
    CustomerKey,
    DuplicateMode,
    DuplicateRule,
    DuplicateRuleKind,
    KeyKind,
)
from crm.customers.permissions import CONTACT, CUSTOMER, DUPLICATE_RULE
from crm.customers.selectors.scope import customer_queryset

TRANSFER_SALT = "crm.customers.transfer"
MAX_MATCHES = 10
SOUND_MARGIN = 25  # how far below the threshold the characters may be for the sound to count
_MODE_ORDER = [DuplicateMode.OFF, DuplicateMode.WARN, DuplicateMode.BLOCK]
DEFAULT_MODES = {
    DuplicateRuleKind.NAME: DuplicateMode.WARN,
    DuplicateRuleKind.PHONE: DuplicateMode.WARN,
    DuplicateRuleKind.EMAIL: DuplicateMode.WARN,
    DuplicateRuleKind.CREDIT_CODE: DuplicateMode.BLOCK,
    DuplicateRuleKind.SIMILAR_NAME: DuplicateMode.WARN,
}
_KEY_RULES = {
    KeyKind.NAME: DuplicateRuleKind.NAME,
    KeyKind.PHONE: DuplicateRuleKind.PHONE,
    KeyKind.EMAIL: DuplicateRuleKind.EMAIL,
    KeyKind.CREDIT_CODE: DuplicateRuleKind.CREDIT_CODE,
}


@dataclass
class Rules:
    modes: dict
    threshold: int = 80

    @classmethod
    def load(cls) -> "Rules":
        """The administrators' rules, kept in memory (forgotten whenever a rule is saved)."""
        return _RULES.get()

    @classmethod
    def from_database(cls) -> "Rules":
        rows = {rule.kind: rule for rule in DuplicateRule.objects.all()}
        modes = {kind: (rows[kind].mode if kind in rows else mode) for kind, mode in DEFAULT_MODES.items()}
        similar = rows.get(DuplicateRuleKind.SIMILAR_NAME)
        return cls(modes=modes, threshold=similar.threshold if similar else 80)

    def mode(self, kind: str) -> str:
        return self.modes.get(kind, DuplicateMode.OFF)


_RULES = SharedMemo("crm:customers:duplicate-rules", Rules.from_database)


def forget_rules() -> None:
    _RULES.forget()


@dataclass
class Match:
    customer: Customer
    reasons: list[str] = field(default_factory=list)
    score: int | None = None
    mode: str = DuplicateMode.WARN
    visible: bool = False

    @property
    def blocks(self) -> bool:
        return self.mode == DuplicateMode.BLOCK


@dataclass
class Report:
    matches: list[Match]

    @property
    def blocking(self) -> list[Match]:
        return [m for m in self.matches if m.blocks]

    @property
    def warnings(self) -> list[Match]:
        return [m for m in self.matches if not m.blocks]

    def __bool__(self) -> bool:
        return bool(self.matches)


def keys_lock(keys) -> None:
    """Hold the duplicate keys (kind, value) of a customer being written until the transaction
    ends: a concurrent create or edit with one of the same keys waits, then its check finds this
    one. PostgreSQL: transaction advisory locks, taken in one order (no deadlock); SQLite needs
    none, as its write transactions (IMMEDIATE) already run one at a time."""
    if connection.vendor != "postgresql":
        return
    # A brand is shared by design: it makes a candidate, never a conflict.
    keys = [(kind, value) for kind, value in keys if kind not in BRAND_KINDS]
    if not keys:
        return
    digests = {hashlib.blake2b(f"customer-key:{kind}:{value}".encode(), digest_size=8).digest() for kind, value in keys}
    ids = sorted(int.from_bytes(digest, "big", signed=True) for digest in digests)
    with connection.cursor() as cursor:
        for lock_id in ids:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id])


def duplicate_find(
    *,
    actor,
    name: str = "",
    phone: str = "",
    email: str = "",
    credit_code: str = "",
    phones=(),
    emails=(),
    exclude_id=None,
    rules: Rules | None = None,
) -> Report:
    """Existing customers like the one described, strongest first. `phones`/`emails` add the
    contacts' numbers and addresses of the record being checked. A value the actor sees masked
    or hidden is not looked for: the answer would confirm a guess of it."""
    rules = rules or Rules.load()
    access = access_for(actor)
    concealed = access.concealed_fields(CUSTOMER)
    checked = {"phone": phone, "email": email, "credit_code": credit_code}
    phone, email, credit_code = ("" if name in concealed else value for name, value in checked.items())
    if access.concealed_fields(CONTACT) & {"mobile", "office_phone"}:
        phones = ()
    if "email" in access.concealed_fields(CONTACT):
        emails = ()
    wanted: list[tuple[str, str]] = []
    if rules.mode(DuplicateRuleKind.NAME) != DuplicateMode.OFF:
        wanted.append((KeyKind.NAME, normalise.name_key(name)))
    if rules.mode(DuplicateRuleKind.PHONE) != DuplicateMode.OFF:
        wanted += [(KeyKind.PHONE, normalise.phone_key(p)) for p in (phone, *phones)]
    if rules.mode(DuplicateRuleKind.EMAIL) != DuplicateMode.OFF:
        wanted += [(KeyKind.EMAIL, normalise.email_key(e)) for e in (email, *emails)]
    if rules.mode(DuplicateRuleKind.CREDIT_CODE) != DuplicateMode.OFF:
        wanted.append((KeyKind.CREDIT_CODE, normalise.credit_code_key(credit_code)))
    wanted = [(kind, value[:120]) for kind, value in dict.fromkeys(wanted) if value]

    matches: dict[int, Match] = {}
    if wanted:
        condition = Q()
        for kind, value in wanted:
            condition |= Q(kind=kind, value=value)
        keys = CustomerKey.objects.filter(condition)
        if exclude_id:
            keys = keys.exclude(customer_id=exclude_id)
        for customer_id, kind in keys.values_list("customer_id", "kind")[:200]:
            match = matches.setdefault(customer_id, Match(customer=None))
            rule = _KEY_RULES[kind]
            if rule not in match.reasons:
                match.reasons.append(rule)

    key = normalise.name_key(name)
    if rules.mode(DuplicateRuleKind.SIMILAR_NAME) != DuplicateMode.OFF and len(key) >= 2:
        for customer_id, score in _similar(key, rules.threshold, exclude_id):
            match = matches.setdefault(customer_id, Match(customer=None))
            if DuplicateRuleKind.NAME not in match.reasons:
                match.reasons.append(DuplicateRuleKind.SIMILAR_NAME)
                match.score = score

    if not matches:
        return Report(matches=[])
    customers = Customer.objects.select_related("manager", "manager__department", "pool").in_bulk(list(matches))
    visible = set(customer_queryset(actor).filter(pk__in=list(customers)).values_list("pk", flat=True))
    result = []
    for customer_id, match in matches.items():
        if customer_id not in customers:
            continue
        match.customer = customers[customer_id]
        match.visible = customer_id in visible
        match.mode = max((rules.mode(reason) for reason in match.reasons), key=_MODE_ORDER.index)
        if match.mode != DuplicateMode.OFF:
            result.append(match)
    result.sort(key=lambda m: (not m.blocks, -len(m.reasons), -(m.score or 100), m.customer.pk))
    return Report(matches=result[:MAX_MATCHES])


def similar_name_candidates(key: str, limit: int = 200) -> list[int]:
    """Ids of the newest customers sharing the brand of name key `key` or its sound, for rapidfuzz
    to score. Each kind is read newest first from its partial index alone (no table rows: a brand
    that thousands of customers share costs what a rare one does), and the two merged."""
    wanted = [(kind, value) for kind, value in zip(BRAND_KINDS, normalise.brand_keys(key), strict=True) if value]
    if not wanted:
        return []
    table = CustomerKey._meta.db_table
    newest = f"SELECT customer_id FROM {table} WHERE kind = %s AND value = %s ORDER BY customer_id DESC LIMIT %s"  # noqa: S608
    sql = " UNION ".join(f"SELECT customer_id FROM ({newest}) AS k{i}" for i in range(len(wanted)))  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(
            f"{sql} ORDER BY customer_id DESC LIMIT %s",
            [param for kind, value in wanted for param in (kind, value, limit)] + [limit],
        )
        return [row[0] for row in cursor.fetchall()]


def _similar(key: str, threshold: int, exclude_id) -> list[tuple[int, int]]:
    candidates = [pk for pk in similar_name_candidates(key) if pk != exclude_id]
    if not candidates:
        return []
    key_pinyin = tokens.pinyin_of(key)[0]
    scored = []
    for pk, candidate_key in Customer.objects.filter(pk__in=candidates).values_list("pk", "name_key"):
        if not candidate_key or candidate_key == key:
            continue
        best = fuzz.ratio(key, candidate_key)
        # Pinyin (0.1 ms a name) only for the near misses, where one sound-alike character may differ.
        if threshold - SOUND_MARGIN <= best < threshold and key_pinyin:
            # Same sound, other characters (华信 / 华欣): nearly as strong.
            best = max(best, fuzz.ratio(key_pinyin, tokens.pinyin_of(candidate_key)[0]) - 5)
        if best >= threshold:
            scored.append((pk, round(best)))
    return sorted(scored, key=lambda item: -item[1])


# --- what a match tells the user ------------------------------------------------------------------------


def reason_text(reason: str) -> str:
    return {
        DuplicateRuleKind.NAME: _("same name"),
        DuplicateRuleKind.PHONE: _("same phone"),
        DuplicateRuleKind.EMAIL: _("same e-mail"),
        DuplicateRuleKind.CREDIT_CODE: _("same credit code"),
        DuplicateRuleKind.SIMILAR_NAME: _("similar name"),
    }.get(reason, reason)


def transfer_token(*, actor, customer: Customer) -> str:
    return signing.dumps({"c": customer.pk, "u": actor.pk}, salt=TRANSFER_SALT, compress=True)


def customer_from_transfer_token(*, actor, token: str, max_age: int = 7 * 24 * 3600) -> Customer:
    try:
        data = signing.loads(token, salt=TRANSFER_SALT, max_age=max_age)
    except signing.BadSignature as exc:
        raise NotFound() from exc
    if data.get("u") != actor.pk:
        raise NotFound()
    try:
        return Customer.objects.select_related("manager").get(pk=data.get("c"))
    except Customer.DoesNotExist as exc:
        raise NotFound() from exc


def match_details(match: Match, *, actor) -> dict:
    """What the user may learn of one match (API error details, the form's warning list)."""
    customer = match.customer
    manager = customer.manager
    detail = {
        "reasons": list(match.reasons),
        "reason_text": "、".join(reason_text(r) for r in match.reasons),
        "mode": match.mode,
        "score": match.score,
        "in_pool": customer.pool_id is not None,
        "manager": str(manager) if manager else None,
        "department": manager.department.name if manager and manager.department_id else None,
        "visible": match.visible,
    }
    if match.visible:
        detail.update(
            {"id": customer.pk, "number": customer.number, "name": customer.name, "url": customer.get_absolute_url()}
        )
    else:
        detail["name"] = mask_value(customer.name, "text")
        if manager is not None and manager.pk != actor.pk:
            detail["transfer_token"] = transfer_token(actor=actor, customer=customer)
    return detail


def report_details(report: Report, *, actor) -> dict:
    return {"duplicates": [match_details(match, actor=actor) for match in report.matches]}


def describe_match(match: Match) -> str:
    customer = match.customer
    owner = str(customer.manager) if customer.manager else _("the public pool")
    department = customer.manager.department.name if customer.manager and customer.manager.department_id else ""
    name = customer.name if match.visible else mask_value(customer.name, "text")
    where = f"{owner}，{department}" if department else owner
    return _("%(name)s (%(reasons)s; owner: %(owner)s)") % {
        "name": name,
        "reasons": "、".join(reason_text(r) for r in match.reasons),
        "owner": where,
    }


def raise_for_duplicates(report: Report, *, actor, confirmed: bool) -> None:
    """Conflict when a blocking rule matched, or when warnings were not confirmed."""
    if report.blocking:
        raise Conflict(
            _("This customer already exists: %(match)s. Ask the owner's supervisor to transfer it to you.")
            % {"match": describe_match(report.blocking[0])},
            code="duplicate",
            details=report_details(report, actor=actor),
        )
    if report.warnings and not confirmed:
        raise Conflict(
            _("Possible duplicates: %(matches)s. Check them, then confirm to save anyway.")
            % {"matches": "；".join(describe_match(m) for m in report.warnings[:3])},
            code="duplicate_warning",
            details=report_details(report, actor=actor),
        )


# --- the rules ----------------------------------------------------------------------------------------------
def duplicate_rules() -> list[DuplicateRule]:
    existing = {rule.kind: rule for rule in DuplicateRule.objects.all()}
    return [existing.get(kind) or DuplicateRule(kind=kind, mode=DEFAULT_MODES[kind]) for kind in DEFAULT_MODES]


@transaction.atomic
def duplicate_rule_set(*, actor, kind: str, mode: str, threshold: int | None = None) -> DuplicateRule:
    """Change one rule. Switching a key rule to "block" enforces its keys from now on: of the
    customers already sharing a key, the oldest holds it; the others stay, listed as duplicates."""
    access_for(actor).require(f"{DUPLICATE_RULE}.edit")
    if kind not in DEFAULT_MODES:
        raise NotFound()
    if mode not in DuplicateMode.values:
        raise Conflict(_("Unknown mode."))
    if kind == DuplicateRuleKind.SIMILAR_NAME and mode == DuplicateMode.BLOCK:
        raise Conflict(_("Similar names can only warn: the database cannot enforce a likeness."), code="invalid_mode")
    rule, _created = DuplicateRule.objects.select_for_update().get_or_create(
        kind=kind, defaults={"mode": DEFAULT_MODES[kind]}
    )
    changes = {}
    if rule.mode != mode:
        changes["mode"] = [rule.mode, mode]
        rule.mode = mode
    if threshold is not None and threshold != rule.threshold:
        if not 50 <= threshold <= 100:
            raise Conflict(_("The threshold lies between 50 and 100."), code="invalid_threshold")
        changes["threshold"] = [rule.threshold, threshold]
        rule.threshold = threshold
    if changes:
        rule.save()
        if "mode" in changes and kind in _KEY_RULES.values():
            _enforce_keys(next(k for k, r in _KEY_RULES.items() if r == kind), mode == DuplicateMode.BLOCK)
        audit_update(actor=actor, instance=rule, changes=changes)
    return rule


def _enforce_keys(key_kind: str, enforce: bool) -> None:
    own = CustomerKey.objects.filter(kind=key_kind, contact__isnull=True)
    own.filter(enforced=True).update(enforced=False)
    if enforce:
        from django.db.models import Min

        first = own.values("value").annotate(first=Min("id")).values("first")
        CustomerKey.objects.filter(pk__in=first).update(enforced=True)

