"""An import respects the importer's rights (IMP-1, ORG-3…ORG-5): the import right, the data scope
(only owners within it), field rules (no read-only, masked or hidden field is imported), and it
writes the audit log and the customers' timeline."""

import pytest
from django.utils import translation

from crm.access.models import FieldRule, Role, RolePermission
from crm.audit.models import AuditAction, AuditEvent
from crm.core.errors import PermissionDenied, ValidationFailed
from crm.customers.models import Customer, CustomerEvent
from crm.imports.services import lifecycle as service
from crm.imports.tests.conftest import HEADER, Upload, csv_bytes, run_import

ROWS = [
    HEADER,
    ["上海华信科技有限公司", "华东", "大客户", "", "021-62345678", "", "", ""],
    ["杭州远景网络有限公司", "华东", "普通客户", "周杰", "", "", "", ""],
]


def test_without_the_import_right_nothing_is_accepted(sales):
    with pytest.raises(PermissionDenied):
        service.import_create(actor=sales.manager, record_type="customers", upload=Upload(csv_bytes(ROWS), "a.csv"))
    with pytest.raises(PermissionDenied):
        service.import_template(actor=sales.executive, record_type="customers")


def test_an_importer_with_scope_own_imports_only_customers_owned_by_themself(sales, make_user, org):
    role = Role.objects.create(code="importer", name="导入员", default_scope="self")
    for code in ("customers.customer.view", "customers.customer.create", "customers.customer.import"):
        RolePermission.objects.create(role=role, code=code)
    importer = make_user("imp", department=org.sales1, name="小王")
    importer.roles.add(role)
    with translation.override("en"):
        job = run_import(importer, csv_bytes(ROWS), "a.csv", defaults={"manager": "imp"})
    assert (job.created_count, job.rejected_count) == (1, 1)
    assert Customer.objects.get().manager == importer  # the row without a manager: the importer's
    assert "周杰" in job.issues.get().message and "data scope" in job.issues.get().message


def test_fields_read_only_for_the_importer_are_not_imported(sales):
    supervisor_role = Role.objects.get(code="supervisor")
    FieldRule.objects.create(role=supervisor_role, resource="customers.customer", field="phone", rule="readonly")
    job = service.import_create(
        actor=sales.supervisor, record_type="customers", upload=Upload(csv_bytes(ROWS), "a.csv")
    )
    assert "phone" not in job.mapping.values()  # not even offered
    with pytest.raises(ValidationFailed) as caught:
        service.import_map(actor=sales.supervisor, job=job, mapping={**job.mapping, "4": "phone"})
    assert "mapping" in caught.value.fields
    job = service.import_map(actor=sales.supervisor, job=job, mapping=job.mapping, defaults=job.defaults)
    job = service.import_start(actor=sales.supervisor, job=job)
    assert job.created_count == 2
    assert set(Customer.objects.values_list("phone", flat=True)) == {""}


def test_an_import_is_audited_once_with_its_counts_and_once_per_record(sales):
    job = run_import(sales.supervisor, csv_bytes(ROWS), "客户.csv")
    summary = AuditEvent.objects.get(action=AuditAction.IMPORT)
    assert summary.actor == sales.supervisor and summary.source == "import"
    assert summary.changes["created"] == [None, 2] and "客户.csv" in summary.message
    records = AuditEvent.objects.filter(action=AuditAction.CREATE, content_type__model="customer")
    assert records.count() == 2 and all(event.source == "import" for event in records)
    first = records.get(object_repr="上海华信科技有限公司")
    assert first.changes["phone"] == [None, "021-62345678"] and first.changes["number"][1].startswith("KH")
    events = CustomerEvent.objects.filter(kind="created")
    assert events.count() == 2 and {e.data["import"] for e in events} == {job.pk}
    assert all(e.summary == "客户.csv" and e.actor == sales.supervisor for e in events)


def test_numbers_are_one_reserved_block_in_file_order(sales):
    run_import(sales.supervisor, csv_bytes(ROWS), "a.csv")
    numbers = list(Customer.objects.order_by("pk").values_list("number", flat=True))
    assert numbers == ["KH000001", "KH000002"]


def test_imports_are_private_to_their_owner(sales):
    from crm.core.errors import NotFound
    from crm.imports.selectors import import_get

    job = run_import(sales.supervisor, csv_bytes(ROWS), "a.csv")
    with pytest.raises(NotFound):
        import_get(user=sales.executive, pk=job.pk)
    with pytest.raises(NotFound):
        service.import_cancel(actor=sales.executive, job=job)
