"""Leads (OPP-13) as an import and an export. Imported leads belong to the importer (channel
import); a lead like an existing lead (the same normalised company name or phone), or one earlier
in the file, is skipped, held for a decision or created anyway, as the run's policy says. Written
set-based: one insert per batch, numbers reserved in one call, one audit insert."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.audit.models import AuditAction
from crm.audit.services import audit_records_bulk
from crm.core.numbering import next_numbers
from crm.customers import normalise
from crm.imports import registry as r
from crm.imports.exports import Column
from crm.imports.values import Lookups
from crm.leads.models import Lead, LeadChannel
from crm.leads.permissions import LEAD
from crm.leads.selectors import VIEWS, lead_list
from crm.leads.services import NUMBER_KEY, NUMBER_PREFIX

F = r.FieldSpec


class LeadImport(r.ImportType):
    code = "leads"
    label = gettext_lazy("Leads")
    resource = LEAD

    def fields(self) -> list[r.FieldSpec]:
        _l = gettext_lazy
        return [
            F("company", _l("Company"), ("公司名称", "公司", "企业名称", "单位", "客户名称", "company"), required=True,
              max_length=100, example="杭州梦想小镇科技有限公司"),
            F("name", _l("Contact name"), ("联系人", "姓名", "联系人姓名", "name", "contact"), required=True,
              max_length=50, example="沈浪"),
            F("position", _l("Position"), ("职位", "职务", "position", "title"), max_length=50),
            F("mobile", _l("Mobile"), ("手机", "手机号", "手机号码", "mobile"), kind=r.MOBILE, example="137 0571 0001"),
            F("phone", _l("Telephone"), ("电话", "座机", "办公电话", "phone", "telephone"), kind=r.PHONE),
            F("email", _l("E-mail"), ("邮箱", "电子邮箱", "email", "e-mail"), kind=r.EMAIL),
            F("province", _l("Province"), ("省份", "省", "地区", "province"), kind=r.PROVINCE, example="浙江"),
            F("source", _l("Source"), ("来源", "线索来源", "source"), kind=r.DICTIONARY, category="customer_source"),
            F("industry", _l("Industry"), ("行业", "所属行业", "industry"), kind=r.DICTIONARY, category="industry"),
            F("notes", _l("Notes"), ("备注", "需求", "说明", "notes"), max_length=2000),
        ]

    def check_access(self, access) -> None:
        access.require(f"{LEAD}.create")

    def begin(self, ctx) -> None:
        ctx.lookups = Lookups()

    def validate(self, ctx, row) -> None:
        if not any(row.values.get(key) for key in ("mobile", "phone", "email")):
            row.fail("", _("Give at least one way to reach the lead: a mobile, a phone or an e-mail."))

    @staticmethod
    def _keys(values: dict) -> list[tuple[str, str]]:
        keys = [("company", normalise.name_key(values.get("company", ""))[:120])]
        phone = normalise.phone_key(values.get("mobile") or values.get("phone") or "")
        if phone:
            keys.append(("phone", phone[:40]))
        return [key for key in keys if key[1]]

    def write(self, ctx, rows) -> None:
        valid = [row for row in rows if row.ok]
        wanted = {key for row in valid for key in self._keys(row.values)}
        companies = [value for kind, value in wanted if kind == "company"]
        phones = [value for kind, value in wanted if kind == "phone"]
        by_company = Lead.objects.filter(company_key__in=companies).values_list("company_key", flat=True)
        by_phone = Lead.objects.filter(phone_key__in=phones).values_list("phone_key", flat=True)
        existing = {("company", key) for key in by_company} | {("phone", key) for key in by_phone}
        creates = []
        for row in valid:
            keys = self._keys(row.values)
            seen_before = [key for key in keys if key in existing or ctx.seen.get(key, row.number) != row.number]
            policy = row.policy or ctx.policy
            if seen_before and policy == "ask":
                row.outcome, row.message = r.WAITING, _("Possible duplicate lead.")
                row.matches = [{"reason_text": _("same company or phone")}]
                continue
            if seen_before and policy != "create":
                row.outcome, row.message = r.SKIPPED, _("Skipped: a lead of this company or phone exists.")
                continue
            for key in keys:
                ctx.seen.setdefault(key, row.number)
            creates.append(row)
        if ctx.dry_run or not creates:
            for row in creates:
                row.outcome = r.CREATED
            return
        now = timezone.now()
        leads = []
        for row, number in zip(creates, next_numbers(NUMBER_KEY, NUMBER_PREFIX, len(creates)), strict=True):
            values = {key: row.values.get(key) for key in ctx.fields if key in row.values}
            owned = {"owner": ctx.actor, "owned_since": now, "created_by": ctx.actor}
            lead = Lead(number=number, channel=LeadChannel.IMPORT, **owned, **values)
            lead.company_key = normalise.name_key(lead.company)[:120]
            lead.phone_key = normalise.phone_key(lead.mobile or lead.phone)[:40]
            lead.email_key = normalise.email_key(lead.email)[:120]
            leads.append(lead)
        Lead.objects.bulk_create(leads)
        for row, lead in zip(creates, leads, strict=True):
            row.outcome, row.record_id = r.CREATED, lead.pk
        audit_records_bulk(
            actor=ctx.actor,
            action=AuditAction.CREATE,
            model=Lead,
            rows=[(lead.pk, str(lead), {"number": [None, lead.number]}) for lead in leads],
            message=_("Imported"),
        )


r.register(LeadImport())

COLUMNS = (
    Column("number", gettext_lazy("Number")),
    Column("company", gettext_lazy("Company")),
    Column("name", gettext_lazy("Contact name")),
    Column("position", gettext_lazy("Position")),
    Column("mobile", gettext_lazy("Mobile")),
    Column("phone", gettext_lazy("Telephone")),
    Column("email", gettext_lazy("E-mail")),
    Column("province", gettext_lazy("Province")),
    Column("source", gettext_lazy("Source")),
    Column("get_status_display", gettext_lazy("Status")),
    Column("owner", gettext_lazy("Owner")),
    Column("get_channel_display", gettext_lazy("Channel")),
    Column("created_at", gettext_lazy("Created at")),
    Column("notes", gettext_lazy("Notes")),
)


def export_query(actor, params):
    params = params or {}
    view = params.get("view") if params.get("view") in VIEWS else "all"
    filters = {"view": view, "q": params.get("q", ""), "mine": params.get("mine") == "1"}
    return lead_list(user=actor, filters=filters), list(COLUMNS)


r.register_export(r.ExportSource(code="leads", label=gettext_lazy("Leads"), resource=LEAD, query=export_query))
