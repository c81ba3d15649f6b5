"""The demo loader writes services in every status, through the services, once."""

from crm.customers.testing import make_customer
from crm.service.demo import load
from crm.service.models import Service, ServiceRound


def test_demo_services_in_every_status_and_idempotent(sales, agent):
    for index in range(4):
        make_customer(manager=sales.manager if index % 2 else sales.colleague, name=f"演示客户{index}有限公司")
    lines = []
    load(lines.append)
    statuses = set(Service.objects.values_list("status", flat=True))
    assert not Service.objects.filter(resolution_due__isnull=True).exists()  # every type has an agreement
    assert statuses == {"new", "assigned", "handled", "archived"}
    sent_back = ServiceRound.objects.filter(satisfaction__lt=3).values_list("service", flat=True)
    assert Service.objects.filter(pk__in=sent_back, status="assigned").exists()
    count = Service.objects.count()
    load(lines.append)
    assert Service.objects.count() == count and lines[-1] == "services: already loaded"
