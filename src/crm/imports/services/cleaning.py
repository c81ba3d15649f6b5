"""Data cleaning (IMP-3): what is wrong in the customers and contacts a user may edit, and bulk
fixes for it.

Checks run in the database where they can (dictionary items no longer active, required fields
left empty, duplicate keys); the format checks (phone numbers, e-mails, credit codes) first let
the database pick the candidates that are not in the stored standard form (a regular expression,
so the records saved through the CRM, which are already in that form, are passed over) and
check only those in Python, up to a cap. Fixes work in batches: each batch is one transaction
with its audit rows and timeline events.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.access.engine import access_for
from crm.audit.models import AuditAction
from crm.audit.services import audit_records_bulk
from crm.core.errors import PermissionDenied, ValidationFailed
from crm.customers import normalise
from crm.customers.custom_fields import definitions
from crm.customers.models import Contact, Customer, CustomerKey, CustomerStatus, EventKind, KeyKind
from crm.customers.permissions import CONTACT, CUSTOMER
from crm.customers.services.events import events_record_bulk
from crm.dictionary.models import DictionaryItem

SCAN_CAP = 20000
SAMPLES = 8
BATCH = 1000
# The forms crm.customers.normalise.format_phone stores; anything else is a candidate.
STANDARD_PHONE = (
    r"^(1[3-9][0-9] [0-9]{4} [0-9]{4}|0[0-9]{2,3}-[0-9]{7,8}( 转[0-9]{1,6})?"
    r"|(400|800)-[0-9]{3}-[0-9]{4}( 转[0-9]{1,6})?|[2-9][0-9]{6,7})$"
)
PLAIN_EMAIL = r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$"
CREDIT_CODE_SHAPE = r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$"
DICTIONARY_FIELDS = {
    "region": gettext_lazy("Region"),
    "level": gettext_lazy("Customer level"),
    "source": gettext_lazy("Customer source"),
    "industry": gettext_lazy("Industry"),
    "customer_type": gettext_lazy("Customer type"),
    "potential": gettext_lazy("Development potential"),
    "stage": gettext_lazy("Customer stage"),
}
CUSTOMER_PHONES = {"phone": gettext_lazy("Telephone"), "fax": gettext_lazy("Fax")}
CONTACT_PHONES = {"office_phone": gettext_lazy("Office phone"), "mobile": gettext_lazy("Mobile")}


@dataclass
class Finding:
    code: str
    label: str
    count: int = 0
    capped: bool = False
    fixable: int = 0
    samples: list = field(default_factory=list)  # (customer, value)
    fix: str = ""  # the bulk fix that applies
    extra: dict = field(default_factory=dict)


def _editable_customers(actor):
    access = access_for(actor)
    queryset = access.scoped(CUSTOMER, Customer.objects.all(), action="edit")
    if not access.can(f"{CUSTOMER}.manage"):
        queryset = queryset.filter(status=CustomerStatus.NORMAL)
    return queryset


def _editable_contacts(actor):
    return Contact.objects.filter(customer__in=_editable_customers(actor).values("pk"))


def require_cleaning(actor) -> None:
    if not access_for(actor).can(f"{CUSTOMER}.edit"):
        raise PermissionDenied()


def _scan(queryset, fieldname: str, check, owner_path: str = "") -> Finding:
    """Candidates from the database, judged by `check(value)` -> "bad" | "fixable" | None."""
    finding = Finding(code=fieldname, label="")
    scanned = 0
    columns = ["pk", fieldname] + ([owner_path] if owner_path else [])
    for row in queryset.order_by("pk").values_list(*columns).iterator(chunk_size=2000):
        scanned += 1
        if scanned > SCAN_CAP:
            finding.capped = True
            break
        verdict = check(row[1])
        if verdict is None:
            continue
        finding.count += 1
        if verdict == "fixable":
            finding.fixable += 1
        if len(finding.samples) < SAMPLES:
            finding.samples.append(
                {"id": row[2] if owner_path else row[0], "value": row[1], "fixable": verdict == "fixable"}
            )
    return finding


def _phone_verdict(value: str):
    if not value:
        return None
    if normalise.is_valid_phone(value):
        return "fixable" if normalise.format_phone(value) != value else None
    return "bad"


def _email_verdict(value: str):
    if not value:
        return None
    try:
        validate_email(value.strip())
    except ValidationError:
        return "bad"
    return "fixable" if value != value.strip() else None


def _credit_verdict(value: str):
    return "bad" if value and not normalise.is_valid_credit_code(value) else None


def _not_standard_phone(fieldname: str) -> Q:
    return ~Q(**{fieldname: ""}) & ~Q(**{f"{fieldname}__regex": STANDARD_PHONE})


def cleaning_report(*, actor) -> list[Finding]:
    """Every check over the customers (and their contacts) the user may edit."""
    require_cleaning(actor)
    access = access_for(actor)
    customers = _editable_customers(actor)
    contacts = _editable_contacts(actor)
    protected = access.readonly_fields(CUSTOMER)
    protected_contact = access.readonly_fields(CONTACT)
    findings: list[Finding] = []

    for name, label in CUSTOMER_PHONES.items():
        if name in access.hidden_fields(CUSTOMER):
            continue
        finding = _scan(customers.filter(_not_standard_phone(name)), name, _phone_verdict)
        finding.code, finding.label = f"customer.{name}", str(label)
        finding.fix = "" if name in protected else "phones"
        findings.append(finding)
    for name, label in CONTACT_PHONES.items():
        if name in access.hidden_fields(CONTACT):
            continue
        finding = _scan(contacts.filter(_not_standard_phone(name)), name, _phone_verdict, "customer_id")
        finding.code, finding.label = f"contact.{name}", _("Contacts: %(field)s") % {"field": label}
        finding.fix = "" if name in protected_contact else "phones"
        findings.append(finding)

    if "email" not in access.hidden_fields(CUSTOMER):
        finding = _scan(customers.exclude(email="").exclude(email__regex=PLAIN_EMAIL), "email", _email_verdict)
        finding.code, finding.label = "customer.email", _("E-mail")
        finding.fix = "" if "email" in protected else "emails"
        findings.append(finding)
    if "email" not in access.hidden_fields(CONTACT):
        finding = _scan(
            contacts.exclude(email="").exclude(email__regex=PLAIN_EMAIL), "email", _email_verdict, "customer_id"
        )
        finding.code, finding.label = "contact.email", _("Contacts: %(field)s") % {"field": _("E-mail")}
        finding.fix = "" if "email" in protected_contact else "emails"
        findings.append(finding)
    if "credit_code" not in access.hidden_fields(CUSTOMER):
        finding = _scan(customers.exclude(credit_code=""), "credit_code", _credit_verdict)
        finding.code, finding.label = "customer.credit_code", _("Unified social credit code")
        findings.append(finding)

    findings.extend(_missing(actor, customers, contacts))
    findings.extend(_inactive(customers))
    return findings


def _missing(actor, customers, contacts) -> list[Finding]:
    findings = []
    orphans = customers.filter(manager__isnull=True, pool__isnull=True)
    findings.append(_counted("customer.manager", _("No account manager and not in a pool"), orphans))
    for definition in definitions("customer"):
        if definition.required:
            missing = customers.exclude(custom__has_key=definition.key)
            findings.append(
                _counted(
                    f"customer.custom.{definition.key}", _("Missing: %(field)s") % {"field": definition.label}, missing
                )
            )
    blank = Q(name="") | Q(position="") | Q(office_phone="") | Q(gender="")
    findings.append(
        _counted(
            "contact.required",
            _("Contacts without name, gender, position or office phone"),
            contacts.filter(blank),
            "customer_id",
        )
    )
    return findings


def _inactive(customers) -> list[Finding]:
    findings = []
    for name, label in DICTIONARY_FIELDS.items():
        queryset = customers.filter(**{f"{name}__is_active": False})
        finding = _counted(
            f"customer.{name}.inactive", _("%(field)s: value no longer in use") % {"field": label}, queryset
        )
        finding.fix = "replace"
        rows = (
            queryset.order_by().values(f"{name}_id", f"{name}__entry", f"{name}__category").annotate(n=Count("pk"))[:20]
        )
        finding.extra = {
            "field": name,
            "items": [{"id": row[f"{name}_id"], "entry": row[f"{name}__entry"], "count": row["n"]} for row in rows],
            "category": rows[0][f"{name}__category"] if rows else "",
        }
        findings.append(finding)
    return findings


def _counted(code: str, label: str, queryset, owner_path: str = "pk") -> Finding:
    count = queryset.order_by()[: SCAN_CAP + 1].count()
    samples = [
        {"id": owner, "value": ""} for owner in queryset.order_by("pk").values_list(owner_path, flat=True)[:SAMPLES]
    ]
    return Finding(code=code, label=str(label), count=min(count, SCAN_CAP), capped=count > SCAN_CAP, samples=samples)


def duplicate_summary(*, actor) -> int:
    """How many values (names, phones, e-mails, credit codes) more than one customer shares."""
    access = access_for(actor)
    keys = CustomerKey.objects.filter(contact__isnull=True)
    condition = access.scope_filter(CUSTOMER)
    if condition is not None:
        keys = keys.filter(customer__in=Customer.objects.filter(condition).values("pk"))
    groups = keys.values("kind", "value").annotate(n=Count("customer_id", distinct=True)).filter(n__gt=1)
    return groups.order_by()[: SCAN_CAP + 1].count()


# --- fixes -------------------------------------------------------------------------------------------------
def cleaning_fix_phones(*, actor) -> int:
    """Every valid phone number not in the standard form is rewritten in it (138 1234 5678,
    021-62345678); the digits, hence the duplicate keys and search tokens, stay the same."""
    require_cleaning(actor)
    access = access_for(actor)
    changed = 0
    targets = [
        (
            Customer,
            _editable_customers(actor),
            [f for f in CUSTOMER_PHONES if f not in access.readonly_fields(CUSTOMER)],
        ),
        (Contact, _editable_contacts(actor), [f for f in CONTACT_PHONES if f not in access.readonly_fields(CONTACT)]),
    ]
    for model, queryset, names in targets:
        for name in names:
            candidates = list(queryset.filter(_not_standard_phone(name)).order_by("pk").values_list("pk", name))
            fixes = [
                (pk, value, normalise.format_phone(value))
                for pk, value in candidates
                if _phone_verdict(value) == "fixable"
            ]
            changed += _apply(actor, model, name, fixes)
    return changed


def cleaning_clear_emails(*, actor) -> int:
    """Invalid e-mail addresses are removed (with their duplicate keys); spaces around valid ones trimmed."""
    require_cleaning(actor)
    access = access_for(actor)
    changed = 0
    for model, queryset, resource in (
        (Customer, _editable_customers(actor), CUSTOMER),
        (Contact, _editable_contacts(actor), CONTACT),
    ):
        if "email" in access.readonly_fields(resource):
            continue
        candidates = list(
            queryset.exclude(email="").exclude(email__regex=PLAIN_EMAIL).order_by("pk").values_list("pk", "email")
        )
        fixes = []
        for pk, value in candidates:
            verdict = _email_verdict(value)
            if verdict == "bad":
                fixes.append((pk, value, ""))
            elif verdict == "fixable":
                fixes.append((pk, value, value.strip()))
        changed += _apply(actor, model, "email", fixes)
    return changed


def cleaning_replace_item(*, actor, fieldname: str, old_id: int, new_id: int) -> int:
    """Customers pointing at a dictionary item no longer in use get an active item instead."""
    require_cleaning(actor)
    if fieldname not in DICTIONARY_FIELDS:
        raise ValidationFailed(fields={"field": [_("Unknown field.")]})
    category = Customer._meta.get_field(fieldname).remote_field.limit_choices_to["category"]
    old = DictionaryItem.objects.filter(pk=old_id, category=category, is_active=False).first()
    new = DictionaryItem.objects.filter(pk=new_id, category=category, is_active=True).first()
    if old is None or new is None:
        raise ValidationFailed(fields={"item": [_("Choose an active item of the same category.")]})
    if fieldname in access_for(actor).readonly_fields(CUSTOMER):
        raise PermissionDenied()
    ids = list(_editable_customers(actor).filter(**{fieldname: old}).order_by("pk").values_list("pk", flat=True))
    return _apply(actor, Customer, fieldname, [(pk, old.pk, new.pk) for pk in ids], attname=f"{fieldname}_id")


def _apply(actor, model, fieldname: str, fixes: list, attname: str | None = None) -> int:
    """Write (pk, before, after) in batches, each with its audit rows (and timeline events)."""
    column = attname or fieldname
    now = timezone.now()
    done = 0
    for start in range(0, len(fixes), BATCH):
        batch = fixes[start : start + BATCH]
        with transaction.atomic():
            objects = [model(pk=pk, **{column: after, "updated_at": now}) for pk, _before, after in batch]
            model.objects.bulk_update(objects, [column, "updated_at"], batch_size=500)
            if fieldname == "email":
                _drop_email_keys(model, [(pk, before) for pk, before, after in batch if not after])
            names = dict(model.objects.filter(pk__in=[pk for pk, _b, _a in batch]).values_list("pk", "name"))
            audit_records_bulk(
                actor=actor,
                action=AuditAction.UPDATE,
                model=model,
                rows=[(pk, names.get(pk, pk), {fieldname: [before, after]}) for pk, before, after in batch],
                message="data cleaning",
            )
            if model is Customer:
                events_record_bulk(
                    customer_ids=[pk for pk, _b, _a in batch],
                    kind=EventKind.UPDATED,
                    actor=actor,
                    data={"fields": [fieldname], "cleaning": True},
                )
        done += len(batch)
    return done


def _drop_email_keys(model, cleared: list) -> None:
    if not cleared:
        return
    condition = Q()
    for pk, before in cleared:
        owner = Q(customer_id=pk, contact__isnull=True) if model is Customer else Q(contact_id=pk)
        condition |= owner & Q(kind=KeyKind.EMAIL, value=normalise.email_key(before)[:120])
    CustomerKey.objects.filter(condition).delete()
