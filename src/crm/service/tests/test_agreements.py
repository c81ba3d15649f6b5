"""The service agreement page under System (administrators only), the agreements API, and the
deadlines on the service pages and in the service API (SRV-6)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from crm.audit.models import AuditEvent
from crm.core.errors import Conflict, PermissionDenied, ValidationFailed
from crm.service import services
from crm.service.models import Service, ServiceAgreement
from crm.service.tests.conftest import data, service_type
from crm.testing import api_client, api_error


def _form(**changes) -> dict:
    return {
        "type": service_type("3").pk,
        "customer_level": "",
        "response_hours": "4",
        "resolution_hours": "16",
        "warn_hours": "2",
        "is_active": "on",
        **changes,
    }


def test_the_agreement_page_is_for_administrators(client, sales, agent, admin_user):
    for user in (sales.supervisor, sales.manager, agent, sales.executive):
        client.force_login(user)
        assert client.get("/services/agreements/").status_code == 403
        assert client.post("/services/agreements/new/", _form()).status_code == 403
    assert not ServiceAgreement.objects.exists()

    client.force_login(admin_user)
    page = client.get("/services/agreements/")
    assert page.status_code == 200 and 'data-testid="no-agreements"' in page.content.decode()
    assert "/services/agreements/" in client.get("/").content.decode()  # in the System menu
    answer = client.post("/services/agreements/new/", _form())
    assert answer.status_code == 302
    agreement = ServiceAgreement.objects.get()
    assert agreement.response_hours == Decimal("4") and agreement.customer_level is None
    assert AuditEvent.objects.filter(object_id=str(agreement.pk), action="create").exists()
    assert 'data-testid="agreement-row"' in client.get("/services/agreements/").content.decode()

    twice = client.post("/services/agreements/new/", _form())
    assert twice.status_code == 400 and ServiceAgreement.objects.count() == 1
    backwards = client.post("/services/agreements/new/", _form(type=service_type("1").pk, resolution_hours="2"))
    assert backwards.status_code == 400 and ServiceAgreement.objects.count() == 1

    edited = client.post(f"/services/agreements/{agreement.pk}/edit/", _form(response_hours="2.5"))
    assert edited.status_code == 302
    agreement.refresh_from_db()
    assert agreement.response_hours == Decimal("2.5")

    client.force_login(sales.supervisor)
    assert client.post(f"/services/agreements/{agreement.pk}/delete/").status_code == 403
    client.force_login(admin_user)
    assert client.post(f"/services/agreements/{agreement.pk}/delete/").status_code == 302
    assert not ServiceAgreement.objects.exists()


def test_the_services_refuse_non_administrators(sales):
    try:
        services.agreement_create(actor=sales.supervisor, data={"type": service_type("3")})
    except PermissionDenied:
        pass
    else:
        raise AssertionError("a supervisor changed the service agreements")


def test_duplicates_and_bad_hours_are_refused(admin_user):
    values = {"type": service_type("3"), "response_hours": Decimal(4), "resolution_hours": Decimal(16)}
    services.agreement_create(actor=admin_user, data=values)
    for bad, error in (
        (values, Conflict),
        ({**values, "type": service_type("1"), "response_hours": Decimal(0)}, ValidationFailed),
        ({**values, "type": service_type("1"), "resolution_hours": Decimal(1)}, ValidationFailed),
    ):
        try:
            services.agreement_create(actor=admin_user, data=bad)
        except error:
            continue
        raise AssertionError(f"accepted {bad}")


def _overdue(sales, customer) -> Service:
    """A service of the handle list whose resolution deadline has passed."""
    service = services.service_create(actor=sales.manager, customer=customer, data=data())
    services.service_assign(actor=sales.supervisor, service=service, assignee=sales.manager)
    Service.objects.filter(pk=service.pk).update(resolution_due=timezone.now() - datetime.timedelta(days=3))
    return service


def test_pages_show_the_time_left_sort_by_deadline_and_filter_the_overdue(client, sales, customer, admin_user):
    services.agreement_create(
        actor=admin_user,
        data={"type": service_type("3"), "response_hours": Decimal(4), "resolution_hours": Decimal(400)},
    )
    late = _overdue(sales, customer)
    fresh = services.service_create(actor=sales.manager, customer=customer, data=data())
    services.service_assign(actor=sales.supervisor, service=fresh, assignee=sales.manager)
    client.force_login(sales.manager)

    detail = client.get(f"/services/{fresh.pk}/").content.decode()
    assert 'data-testid="service-deadline" data-state="ok"' in detail and "工作小时" in detail
    assert 'data-state="breached"' in client.get(f"/services/{late.pk}/").content.decode()

    handle = client.get("/services/handle/").content.decode()
    assert handle.index(late.number) < handle.index(fresh.number)  # the nearest deadline first
    overdue = client.get("/services/", {"breached": "1"}).content.decode()
    assert late.number in overdue and fresh.number not in overdue
    assert fresh.number in client.get("/services/").content.decode()


def test_the_list_reads_the_calendar_once_whatever_the_page_size(client, sales, customer, admin_user):
    services.agreement_create(
        actor=admin_user, data={"type": service_type("3"), "response_hours": Decimal(4), "resolution_hours": Decimal(8)}
    )
    client.force_login(sales.manager)
    for _index in range(2):
        services.service_create(actor=sales.manager, customer=customer, data=data())
    client.get("/services/")  # warm the caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as two:
        client.get("/services/")
    for _index in range(5):
        services.service_create(actor=sales.manager, customer=customer, data=data())
    with CaptureQueriesContext(connection) as seven:
        client.get("/services/")
    assert len(seven) == len(two)


def test_the_api_gives_deadlines_and_filters_the_overdue(sales, customer, admin_user):
    services.agreement_create(
        actor=admin_user,
        data={"type": service_type("3"), "response_hours": Decimal(4), "resolution_hours": Decimal(400)},
    )
    late = _overdue(sales, customer)
    fresh = services.service_create(actor=sales.manager, customer=customer, data=data())
    api = api_client(sales.manager)
    row = api.get(f"/api/v1/services/{fresh.pk}/").json()
    assert row["response_due"] and row["resolution_due"] and row["breached"] is False
    listed = api.get("/api/v1/services/", {"breached": "true"}).json()["results"]
    assert [item["number"] for item in listed] == [late.number] and listed[0]["breached"] is True


def test_the_agreements_api_reads_for_staff_and_writes_for_administrators(sales, admin_user):
    body = {"type": service_type("3").pk, "response_hours": "4", "resolution_hours": "16"}
    created = api_client(admin_user).post("/api/v1/service-agreements/", body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["customer_level"] is None and created.json()["warn_hours"] == "2.00"
    staff = api_client(sales.manager)
    assert [row["id"] for row in staff.get("/api/v1/service-agreements/").json()["results"]] == [created.json()["id"]]
    api_error(staff.post("/api/v1/service-agreements/", {**body, "type": service_type("1").pk}, format="json"), 403)
    api_error(api_client(admin_user).post("/api/v1/service-agreements/", body, format="json"), 409, "duplicate")
    pk = created.json()["id"]
    changed = api_client(admin_user).patch(f"/api/v1/service-agreements/{pk}/", {"warn_hours": "1"}, format="json")
    assert changed.status_code == 200 and changed.json()["warn_hours"] == "1.00"
    assert api_client(admin_user).delete(f"/api/v1/service-agreements/{pk}/").status_code == 204
