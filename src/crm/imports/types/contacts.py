"""Importing contacts (IMP-1, CUS-3): each row names its customer by number or name.

The customer must be one the importer may edit. A contact duplicates another of the same
customer with the same name, mobile number or e-mail (in the database or earlier in the file).
Writes are set-based: one insert for the batch's contacts and one for their keys, the primary
contact settled per customer, the customers' search tokens recomputed once per batch.
"""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.audit.models import AuditAction
from crm.audit.services import audit_records_bulk
from crm.core.errors import ValidationFailed
from crm.customers import normalise
from crm.customers.custom_fields import clean_custom_values, definitions
from crm.customers.models import Contact, Customer, CustomerKey, EventKind, Gender
from crm.customers.permissions import CONTACT, CUSTOMER
from crm.customers.services import indexing
from crm.customers.services.contacts import CONTACT_FIELDS
from crm.customers.services.customers import created_changes
from crm.customers.services.events import events_record_bulk
from crm.imports import registry as r
from crm.imports.types.customers import custom_field_specs
from crm.imports.values import Lookups, fold

F = r.FieldSpec
_AUDIT_FIELDS = [*CONTACT_FIELDS, "customer"]
_GENDER_WORDS = {
    "男": Gender.MALE,
    "男士": Gender.MALE,
    "先生": Gender.MALE,
    "m": Gender.MALE,
    "女": Gender.FEMALE,
    "女士": Gender.FEMALE,
    "小姐": Gender.FEMALE,
    "f": Gender.FEMALE,
}


def _builtin_fields() -> list[r.FieldSpec]:
    _ = gettext_lazy
    return [
        F(
            "customer_number",
            _("Customer number"),
            ("客户编号", "客户编码", "customer number", "customer no"),
            max_length=30,
            help=_("The customer's number (KH…), or give its name in the next column."),
        ),
        F(
            "customer_name",
            _("Customer name"),
            ("客户名称", "公司名称", "企业名称", "单位名称", "所属客户", "客户", "公司", "customer", "company"),
            max_length=100,
            help=_("The customer's name as stored (or without 有限公司 and the like)."),
            example="上海华信科技有限公司",
        ),
        F(
            "name",
            _("Name"),
            ("姓名", "联系人", "联系人姓名", "名字", "name", "contact", "contact name"),
            required=True,
            max_length=50,
            example="张伟",
        ),
        F(
            "gender",
            _("Gender"),
            ("性别", "gender", "sex"),
            kind=r.CHOICE,
            choices=tuple(Gender.choices),
            required=True,
            allow_default=True,
            help=_("男 or 女."),
            example="男",
        ),
        F(
            "position",
            _("Position"),
            ("职位", "职务", "岗位", "头衔", "position", "title", "job title"),
            required=True,
            allow_default=True,
            max_length=50,
            example="采购经理",
        ),
        F(
            "office_phone",
            _("Office phone"),
            ("办公电话", "电话", "座机", "固定电话", "工作电话", "office phone", "phone", "work phone", "tel"),
            kind=r.PHONE,
            required=True,
            max_length=40,
            example="021-62345678",
        ),
        F(
            "mobile",
            _("Mobile"),
            ("手机", "手机号", "手机号码", "移动电话", "mobile", "cell", "cellphone", "mobile phone"),
            kind=r.MOBILE,
            max_length=40,
            example="138 1234 5678",
        ),
        F(
            "email",
            _("E-mail"),
            ("邮箱", "电子邮箱", "电子邮件", "email", "e-mail", "mail"),
            kind=r.EMAIL,
            max_length=120,
        ),
        F(
            "birthday",
            _("Birthday"),
            ("生日", "出生日期", "birthday", "date of birth"),
            kind=r.DATE,
            help=_("YYYY-MM-DD"),
        ),
        F(
            "is_primary",
            _("Primary contact"),
            ("主要联系人", "首要联系人", "是否主要联系人", "primary", "primary contact"),
            kind=r.BOOLEAN,
            help=_("是 or 否."),
        ),
        F("notes", _("Notes"), ("备注", "说明", "notes", "note", "remark", "remarks"), max_length=5000),
    ]


class ContactImport(r.ImportType):
    code = "contacts"
    label = gettext_lazy("Contacts")
    resource = CONTACT

    def fields(self) -> list[r.FieldSpec]:
        return [*_builtin_fields(), *custom_field_specs("contact")]

    def check_access(self, access) -> None:
        access.require(f"{CUSTOMER}.import")
        access.require(f"{CONTACT}.create")

    def example(self, actor) -> dict:
        return {}

    def begin(self, ctx: r.Context) -> None:
        ctx.lookups = Lookups()
        ctx.state["definitions"] = definitions("contact")

    def clean(self, ctx: r.Context, rows: list[r.Row]) -> None:
        for row in rows:
            gender = row.cells.get("gender")
            if gender and fold(gender) in _GENDER_WORDS:
                row.cells["gender"] = _GENDER_WORDS[fold(gender)]
        super().clean(ctx, rows)

    def validate(self, ctx: r.Context, row: r.Row) -> None:
        if not row.values.get("customer_number") and not row.values.get("customer_name"):
            row.fail("customer_name", _("Name the customer: its number or its name."))

    # --- the customers the rows name --------------------------------------------------------------
    def _customers(self, ctx, rows: list[r.Row]) -> None:
        editable = ctx.access.scoped(CUSTOMER, action="edit")
        numbers = {row.values["customer_number"] for row in rows if row.values.get("customer_number")}
        names = {row.values["customer_name"] for row in rows if row.values.get("customer_name")}
        by_number = dict(editable.filter(number__in=numbers).values_list("number", "pk")) if numbers else {}
        by_name: dict[str, list[int]] = {}
        if names:
            for pk, name in editable.filter(name__in=names).values_list("pk", "name"):
                by_name.setdefault(name, []).append(pk)
        keys = {name: normalise.name_key(name) for name in names - set(by_name)}
        by_key: dict[str, list[int]] = {}
        if keys:
            wanted = sorted({key for key in keys.values() if key})
            for pk, key in editable.filter(name_key__in=wanted).values_list("pk", "name_key"):
                by_key.setdefault(key, []).append(pk)
        for row in rows:
            number, name = row.values.get("customer_number"), row.values.get("customer_name")
            if number:
                row.extra["customer"] = by_number.get(number)
                if row.extra["customer"] is None:
                    row.fail(
                        "customer_number",
                        _("No customer with the number %(number)s that you may edit.") % {"number": number},
                    )
                continue
            found = by_name.get(name) or by_key.get(keys.get(name, ""), [])
            if len(found) == 1:
                row.extra["customer"] = found[0]
            elif not found:
                row.fail("customer_name", _("No customer “%(name)s” that you may edit.") % {"name": name})
            else:
                row.fail(
                    "customer_name",
                    _("Several customers are called “%(name)s”: give the customer number instead.") % {"name": name},
                )

    def _identity(self, customer_id: int, name: str, mobile: str, email: str) -> list[tuple]:
        keys = [("name", customer_id, fold(name).replace(" ", ""))]
        if mobile:
            keys.append(("mobile", customer_id, normalise.phone_key(mobile)))
        if email:
            keys.append(("email", customer_id, normalise.email_key(email)))
        return [key for key in keys if key[2]]

    def write(self, ctx: r.Context, rows: list[r.Row]) -> None:
        # Every row names its customer, even one with other errors: the user learns everything at once.
        self._customers(
            ctx, [row for row in rows if row.values.get("customer_number") or row.values.get("customer_name")]
        )
        valid = [row for row in rows if row.ok]
        customer_ids = sorted({row.extra["customer"] for row in valid})
        existing: dict[tuple, Contact] = {}
        has_contacts: set[int] = set()
        if customer_ids:
            for contact in Contact.objects.filter(customer_id__in=customer_ids):
                has_contacts.add(contact.customer_id)
                for key in self._identity(contact.customer_id, contact.name, contact.mobile, contact.email):
                    existing.setdefault(key, contact)
        creates, updates = [], []
        for row in valid:
            keys = self._identity(
                row.extra["customer"],
                row.values.get("name", ""),
                row.values.get("mobile", ""),
                row.values.get("email", ""),
            )
            found = {existing[key].pk: existing[key] for key in keys if key in existing}
            earlier = [ctx.seen[key] for key in keys if key in ctx.seen and ctx.seen[key] != row.number]
            policy = row.policy or ctx.policy
            if not found and not earlier:
                creates.append(row)
            elif policy == "ask":
                row.outcome = r.WAITING
                row.matches = [{"id": c.pk, "name": c.name, "reason_text": _("same contact")} for c in found.values()]
                row.matches += [{"row": number, "reason_text": _("same contact")} for number in earlier]
                row.message = _("Possible duplicate contact.")
                continue
            elif policy == "skip":
                row.outcome = r.SKIPPED
                row.message = _("Skipped: the customer has this contact already.")
                continue
            elif policy == "create":
                creates.append(row)
            elif len(found) == 1:
                row.extra["contact"] = next(iter(found.values()))
                updates.append(row)
            else:
                row.outcome = r.REJECTED
                row.fail(
                    "",
                    _("Not updated: no single contact of the customer matches (or it is only earlier in this file)."),
                )
                continue
            for key in keys:
                ctx.seen.setdefault(key, row.number)
        built = [(row, contact) for row in creates if (contact := self._build(ctx, row)) is not None]
        changed = [(row, change) for row in updates if (change := self._apply(ctx, row)) is not None]
        if ctx.dry_run:
            return
        self._insert(ctx, built, has_contacts)
        self._save_updates(ctx, changed)
        touched = {contact.customer_id for _row, contact in built} | {c.customer_id for _row, (c, _ch) in changed}
        self._refresh_tokens(sorted(touched))

    def _build(self, ctx, row: r.Row) -> Contact | None:
        values = {**{k: v for k, v in ctx.defaults.items() if k in ctx.fields}, **row.values}
        for key, spec in ctx.fields.items():
            if spec.required and values.get(key) in (None, ""):
                row.fail(key, _("This field is required."))
        contact = Contact(customer_id=row.extra["customer"], created_by=ctx.actor)
        custom = {}
        for key, value in values.items():
            if key.startswith("custom."):
                custom[key[7:]] = value
            elif key not in ("customer_number", "customer_name"):
                setattr(contact, key, value)
        self._custom(ctx, row, contact, custom, current=None)
        row.model_checks(contact, exclude=["customer", "created_by", "custom"])
        if not row.ok:
            row.outcome = r.REJECTED
            return None
        row.outcome = r.CREATED
        return contact

    def _custom(self, ctx, row, contact, custom, current) -> None:
        try:
            contact.custom = clean_custom_values("contact", custom, current=current, defs=ctx.state["definitions"])
        except ValidationFailed as exc:
            for key, messages in exc.fields.items():
                for message in messages:
                    row.fail(key, message)

    def _apply(self, ctx, row: r.Row):
        contact = row.extra["contact"]
        before = {name: getattr(contact, name) for name in [*CONTACT_FIELDS, "custom"]}
        custom = {}
        for key, value in row.values.items():
            if key.startswith("custom."):
                custom[key[7:]] = value
            elif key in CONTACT_FIELDS:
                setattr(contact, key, value)
        if custom:
            self._custom(ctx, row, contact, custom, current=contact.custom)
        row.model_checks(contact, exclude=["customer", "created_by", "custom"])
        if not row.ok:
            row.outcome = r.REJECTED
            return None
        row.outcome = r.UPDATED
        row.record_id = contact.pk
        changes = {
            name: [value, getattr(contact, name)] for name, value in before.items() if getattr(contact, name) != value
        }
        return contact, changes

    def _insert(self, ctx, built: list, has_contacts: set) -> None:
        if not built:
            return
        primary: dict[int, Contact] = {}
        for _row, contact in built:
            if contact.is_primary:
                primary[contact.customer_id] = contact
            elif contact.customer_id not in has_contacts and contact.customer_id not in primary:
                primary[contact.customer_id] = contact  # the first contact of a customer is its primary one
        for _row, contact in built:
            contact.is_primary = primary.get(contact.customer_id) is contact
        claimed = [pk for pk, contact in primary.items() if pk in has_contacts]
        if claimed:
            Contact.objects.filter(customer_id__in=claimed, is_primary=True).update(is_primary=False)
        contacts = [contact for _row, contact in built]
        Contact.objects.bulk_create(contacts, batch_size=1000)
        for row, contact in built:
            row.record_id = contact.pk
        CustomerKey.objects.bulk_create([key for c in contacts for key in indexing.contact_keys(c)], batch_size=2000)
        job = ctx.job
        events_record_bulk(
            customer_ids=[contact.customer_id for contact in contacts],
            kind=EventKind.CONTACT,
            actor=ctx.actor,
            summary=(job.original_name if job else "")[:300],
            data={"import": job.pk if job else None},
        )
        audit_records_bulk(
            actor=ctx.actor,
            action=AuditAction.CREATE,
            model=Contact,
            rows=[(c.pk, c.name, created_changes(c, _AUDIT_FIELDS)) for c in contacts],
            message=f"import {job.pk if job else ''}",
        )

    def _save_updates(self, ctx, changed: list) -> None:
        changed = [(row, contact, changes) for row, (contact, changes) in changed if changes]
        if not changed:
            return
        now = timezone.now()
        fields = {"updated_at"}
        for _row, contact, changes in changed:
            contact.updated_at = now
            fields |= set(changes)
        primaries = [c for _row, c, changes in changed if changes.get("is_primary", [None, False])[1]]
        if primaries:
            condition = Q()
            for contact in primaries:
                condition |= Q(customer_id=contact.customer_id) & ~Q(pk=contact.pk)
            Contact.objects.filter(condition, is_primary=True).update(is_primary=False)
        Contact.objects.bulk_update([c for _row, c, _changes in changed], sorted(fields), batch_size=500)
        rekey = [c for _row, c, changes in changed if {"office_phone", "mobile", "email"} & set(changes)]
        if rekey:
            CustomerKey.objects.filter(contact_id__in=[c.pk for c in rekey]).delete()
            CustomerKey.objects.bulk_create([key for c in rekey for key in indexing.contact_keys(c)], batch_size=2000)
        audit_records_bulk(
            actor=ctx.actor,
            action=AuditAction.UPDATE,
            model=Contact,
            rows=[(c.pk, c.name, changes) for _row, c, changes in changed],
            message=f"import {ctx.job.pk if ctx.job else ''}",
        )

    def _refresh_tokens(self, customer_ids: list[int]) -> None:
        """The customers' search tokens include their contacts' names and phones: recomputed once."""
        if not customer_ids:
            return
        customers = list(
            Customer.objects.filter(pk__in=customer_ids).only("pk", "name", "phone", "number", "credit_code")
        )
        indexing.refresh_tokens_bulk(customers)
        Customer.objects.bulk_update(customers, ["search_tokens"], batch_size=500)


r.register(ContactImport())
