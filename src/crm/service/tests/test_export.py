"""The service archive exports through the imports app's export registry: archived services only,
within the scope, filtered like the page."""

import csv
import io

import pytest

from crm.core.errors import PermissionDenied
from crm.imports.services import exports
from crm.service import services
from crm.service.models import Service
from crm.service.tests.conftest import data


def _archived(sales, customer, summary):
    service = services.service_create(actor=sales.manager, customer=customer, data=data(summary=summary))
    services.service_assign(actor=sales.supervisor, service=service, assignee=sales.manager)
    services.service_handle(actor=sales.manager, service=service, handling="已处理")
    return services.service_feedback(actor=sales.manager, service=service, result="满意", satisfaction=4)


def _numbers(exported) -> set[str]:
    return {row[0] for row in list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))[1:]}


def test_archive_export_within_scope_and_filters(sales, customer, far_customer, agent):
    mine = _archived(sales, customer, "打印机卡纸")
    services.service_create(actor=sales.manager, customer=customer, data=data())  # new: not in the archive
    far = services.service_create(actor=agent, customer=far_customer, data=data())
    Service.objects.filter(pk=far.pk).update(status="archived", assignee=sales.other)  # outside the supervisor's scope
    exported = exports.export_start(actor=sales.supervisor, record_type="services", fmt="csv", params="")
    assert _numbers(exported) == {mine.number}
    exported = exports.export_start(actor=sales.supervisor, record_type="services", fmt="csv", params="summary=无此")
    assert _numbers(exported) == set()
    assert far.number in _numbers(exports.export_start(actor=sales.executive, record_type="services", fmt="csv"))
    with pytest.raises(PermissionDenied):
        exports.export_start(actor=sales.manager, record_type="services", fmt="csv", params="")
