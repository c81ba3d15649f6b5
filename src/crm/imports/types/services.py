"""Customer services (SRV-1, SRV-5) as an import and an export. Imported services are new
(新创建) services of customers the importer may see, found by customer number or exact name,
with their deadlines by the service agreements; the export is the archive as searched on screen.
Written set-based: the customers of a batch in two queries, the agreements once per type and
level, one insert, one audit insert, one timeline insert."""

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from crm.audit.models import AuditAction
from crm.audit.services import audit_records_bulk
from crm.core.numbering import next_numbers
from crm.customers.selectors.scope import customer_queryset
from crm.customers.services.events import events_record_bulk
from crm.imports import registry
from crm.imports.exports import Column
from crm.imports.values import Lookups
from crm.service.deadlines import agreement_for, deadlines
from crm.service.forms import ArchiveFilterForm
from crm.service.models import Service, ServiceStatus
from crm.service.permissions import SERVICE
from crm.service.selectors import service_list
from crm.service.services import NUMBER_KEY, NUMBER_PREFIX

F = registry.FieldSpec


class ServiceImport(registry.ImportType):
    code = "services"
    label = _("Customer services")
    resource = SERVICE

    def fields(self) -> list[registry.FieldSpec]:
        return [
            F("customer", _("Customer"), ("客户", "客户名称", "客户编号", "customer"), required=True, max_length=100,
              help=_("The customer's number (KH…) or its exact name."), example="KH000001"),
            F("type", _("Service type"), ("服务类型", "类型", "type"), required=True, kind=registry.DICTIONARY,
              category="service_type", example="投诉"),
            F("summary", _("Summary"), ("概要", "摘要", "summary"), required=True, max_length=200,
              example="设备频繁死机"),
            F("request", _("Service request"), ("服务请求", "请求", "内容", "request"), required=True, max_length=5000,
              example="客户反映设备频繁死机，要求上门检修。"),
        ]

    def check_access(self, access) -> None:
        access.require(f"{SERVICE}.create")

    def begin(self, ctx) -> None:
        ctx.lookups = Lookups()

    def validate(self, ctx, row) -> None:
        for spec in self.fields():
            if spec.required and not row.values.get(spec.key):
                row.fail(spec.key, gettext("This field is required."))

    def write(self, ctx, rows) -> None:
        valid = [row for row in rows if row.ok]
        keys = {str(row.values["customer"]).strip() for row in valid}
        scoped = customer_queryset(ctx.actor)
        by_number = {number: (pk, level) for number, pk, level in
                     scoped.filter(number__in=keys).values_list("number", "pk", "level_id")}
        by_name: dict[str, list] = {}
        for name, pk, level in scoped.filter(name__in=keys).values_list("name", "pk", "level_id"):
            by_name.setdefault(name, []).append((pk, level))
        creates, customer_of = [], {}
        for row in valid:
            key = str(row.values["customer"]).strip()
            found = [by_number[key]] if key in by_number else by_name.get(key, [])
            if len(found) != 1:
                row.fail("customer", gettext("Several customers have this name; give the customer's number.")
                         if found else gettext("No customer you may see has this number or name."))
                continue
            customer_of[row.number] = found[0]
            creates.append(row)
        if ctx.dry_run or not creates:
            for row in creates:
                row.outcome = registry.CREATED
            return
        now = timezone.now()
        terms: dict[tuple, dict] = {}  # (type, level) -> deadline fields, counted once
        services = []
        for row, number in zip(creates, next_numbers(NUMBER_KEY, NUMBER_PREFIX, len(creates)), strict=True):
            customer_id, level_id = customer_of[row.number]
            key = (row.values["type"].pk, level_id)
            if key not in terms:
                terms[key] = deadlines(agreement_for(service_type=row.values["type"], customer_level=level_id), now)
            services.append(
                Service(
                    number=number, customer_id=customer_id, type=row.values["type"], summary=row.values["summary"],
                    request=row.values["request"], created_by=ctx.actor, status=ServiceStatus.NEW, **terms[key],
                )
            )
        Service.objects.bulk_create(services)
        for row, service in zip(creates, services, strict=True):
            row.outcome, row.record_id = registry.CREATED, service.pk
        audit_records_bulk(
            actor=ctx.actor,
            action=AuditAction.CREATE,
            model=Service,
            rows=[(service.pk, str(service), {"number": [None, service.number]}) for service in services],
            message=gettext("Imported"),
        )
        events_record_bulk(
            customer_ids=[service.customer_id for service in services],
            kind="service.create",
            actor=ctx.actor,
            summary=gettext("Imported service"),
        )


registry.register(ServiceImport())

COLUMNS = (
    Column("number", _("Number")),
    Column("type.entry", _("Service type")),
    Column("summary", _("Summary")),
    Column("customer.name", _("Customer")),
    Column("request", _("Service request")),
    Column("get_status_display", _("Status")),
    Column("created_by", _("Created by")),
    Column("created_at", _("Created at")),
    Column("assignee", _("Assigned to")),
    Column("handling", _("Handling")),
    Column("handled_at", _("Handled at")),
    Column("result", _("Handling result")),
    Column("satisfaction", _("Customer satisfaction")),
    Column("archived_at", _("Archived at")),
)


def export_query(actor, params):
    filters = {"view": "archived", **ArchiveFilterForm(params or None).valid_filters()}
    return service_list(user=actor, filters=filters), list(COLUMNS)


registry.register_export(
    registry.ExportSource(code="services", label=_("Service archive"), resource=SERVICE, query=export_query)
)
