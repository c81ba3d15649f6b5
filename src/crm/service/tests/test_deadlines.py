"""Service agreements and deadlines (SRV-6): deadlines in working hours across weekends, the 2026
National Day holiday and its make-up working days; the most specific agreement; the job that
warns once and escalates once per breach, to the assignee's superior or the supervisors; a met
deadline is left alone. The job takes `now` as a parameter (no clock is frozen)."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from crm.audit.models import AuditEvent
from crm.customers.models import CustomerEvent
from crm.customers.testing import make_customer
from crm.dictionary.models import DictionaryItem
from crm.notifications.models import Notification
from crm.service import services
from crm.service.deadlines import agreement_for, attach_time_left, deadlines, service_deadlines_run
from crm.service.models import Service, ServiceAgreement
from crm.service.tests.conftest import data, service_type
from crm.workcalendar.hours import working_hours_between, working_hours_until

SH = ZoneInfo("Asia/Shanghai")


def at(*parts) -> datetime.datetime:
    return datetime.datetime(*parts, tzinfo=SH)


def agreement(type_value="3", level=None, response="4", resolution="16", warn="2", **extra) -> ServiceAgreement:
    return ServiceAgreement.objects.create(
        type=service_type(type_value),
        customer_level=level,
        response_hours=Decimal(response),
        resolution_hours=Decimal(resolution),
        warn_hours=Decimal(warn),
        **extra,
    )


def levels() -> list[DictionaryItem]:
    return list(DictionaryItem.objects.filter(category="customer_level").order_by("sort_order", "id")[:2])


def _created_at(service: Service, start: datetime.datetime) -> Service:
    """The service as if created at `start`, with the deadlines its agreement gives then."""
    values = deadlines(service.agreement, start)
    Service.objects.filter(pk=service.pk).update(created_at=start, **values)
    service.refresh_from_db()
    return service


def _new_at(sales, customer, start) -> Service:
    return _created_at(services.service_create(actor=sales.manager, customer=customer, data=data()), start)


# --- counting -------------------------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        (at(2026, 11, 13, 17), 2, at(2026, 11, 16, 10)),  # Friday evening → Monday (the weekend does not count)
        (at(2026, 11, 13, 17), 8, at(2026, 11, 16, 17)),
        (at(2026, 11, 14, 10), 4, at(2026, 11, 16, 14)),  # created on a Saturday: counts from Monday 09:00
        (at(2026, 9, 30, 17), 8, at(2026, 10, 8, 17)),  # National Day 10-01…07 is off
        (at(2026, 10, 9, 17), 2, at(2026, 10, 10, 10)),  # Saturday 10-10 is a make-up working day
        (at(2026, 9, 18, 17), 2, at(2026, 9, 20, 10)),  # Sunday 09-20 is a make-up working day
    ],
)
def test_deadlines_count_working_hours_of_the_calendar(start, hours, due):
    rule = agreement(response=str(hours), resolution=str(hours + 8), warn="1")
    values = deadlines(rule, start)
    assert values["response_due"] == due
    assert values["response_warn_at"] < values["response_due"] < values["resolution_due"]


@pytest.mark.django_db
def test_the_warning_moment_is_the_deadline_less_the_warning_hours():
    values = deadlines(agreement(response="4", resolution="16", warn="2"), at(2026, 11, 16, 9))
    assert values["response_due"] == at(2026, 11, 16, 14)  # 09–12 and 13–14
    assert values["response_warn_at"] == at(2026, 11, 16, 11)
    assert values["resolution_due"] == at(2026, 11, 17, 18)
    assert values["resolution_warn_at"] == at(2026, 11, 17, 16)
    # Warning hours longer than the deadline: warned from the start.
    early = deadlines(agreement(type_value="1", response="1", resolution="2", warn="5"), at(2026, 11, 16, 9))
    assert early["response_warn_at"] == at(2026, 11, 16, 9)


@pytest.mark.django_db
def test_time_left_for_many_services_reads_the_calendar_once(django_assert_num_queries):
    now = at(2026, 9, 30, 17)
    moments = [at(2026, 10, 8, 17), None, at(2026, 9, 30, 10), at(2026, 10, 10, 12)]
    expected = [working_hours_between(now, moment) if moment else None for moment in moments]
    with django_assert_num_queries(1):
        assert working_hours_until(now, moments) == expected
    assert expected[0] == 8 and expected[2] == -6 and expected[3] == 1 + 8 + 8 + 3


# --- which agreement ------------------------------------------------------------------------------------------
def test_the_most_specific_agreement_wins(sales, customer):
    gold, other = levels()
    general = agreement(response="4", resolution="16")
    specific = agreement(level=gold, response="1", resolution="4")
    agreement(type_value="1", response="8", resolution="40")  # another type
    assert agreement_for(service_type=service_type("3"), customer_level=gold.pk) == specific
    assert agreement_for(service_type=service_type("3"), customer_level=other.pk) == general
    assert agreement_for(service_type=service_type("2"), customer_level=gold.pk) is None
    specific.is_active = False
    specific.save()
    assert agreement_for(service_type=service_type("3"), customer_level=gold.pk) == general

    specific.is_active = True
    specific.save()
    vip = make_customer(manager=sales.manager, name="北京金卡客户有限公司", level=gold)
    service = services.service_create(actor=sales.manager, customer=vip, data=data())
    assert service.agreement == specific
    assert service.response_due == deadlines(specific, service.created_at)["response_due"]
    plain = services.service_create(actor=sales.manager, customer=make_customer(
        manager=sales.manager, name="杭州普通客户有限公司", level=other
    ), data=data())
    assert plain.agreement == general
    untyped = services.service_create(actor=sales.manager, customer=vip, data=data(type=service_type("2")))
    assert untyped.agreement is None and untyped.response_due is None


# --- the job --------------------------------------------------------------------------------------------------
def _kinds(user, kind) -> int:
    return Notification.objects.filter(recipient=user, kind=kind).count()


def test_the_job_warns_once_and_escalates_once_per_breach(sales, customer):
    agreement(response="4", resolution="16", warn="2")
    service = _new_at(sales, customer, at(2026, 11, 16, 9))
    # Response due Monday 14:00 (warned from 11:00); resolution due Tuesday 18:00 (warned from 16:00).
    assert service_deadlines_run(now=at(2026, 11, 16, 10)) == dict.fromkeys(
        ["response_warned", "response_breached", "resolution_warned", "resolution_breached"], 0
    )

    # Nobody took it yet: the supervisors (who may assign services) are warned, once.
    assert service_deadlines_run(now=at(2026, 11, 16, 11, 30))["response_warned"] == 1
    assert service_deadlines_run(now=at(2026, 11, 16, 11, 40))["response_warned"] == 0
    assert _kinds(sales.supervisor, "service.deadline") == 1

    # The response deadline passes: escalated once, written on the timeline and in the audit log.
    first = service_deadlines_run(now=at(2026, 11, 16, 14, 30))
    second = service_deadlines_run(now=at(2026, 11, 16, 15))
    assert first["response_breached"] == 1 and second["response_breached"] == 0
    assert _kinds(sales.supervisor, "service.escalated") == 1
    service.refresh_from_db()
    assert service.response_breached_at == at(2026, 11, 16, 14, 30) and service.breached
    assert CustomerEvent.objects.filter(customer=customer, kind="service.escalate").count() == 1
    assert AuditEvent.objects.filter(object_id=str(service.pk), changes__has_key="response_breached_at").count() == 1

    # Taken on (late); the resolution clock goes on: the assignee is warned, then their superior told.
    services.service_assign(actor=sales.supervisor, service=service, assignee=sales.manager)
    service.refresh_from_db()
    assert service.responded_at is not None
    assert service_deadlines_run(now=at(2026, 11, 17, 16, 30))["resolution_warned"] == 1
    assert service_deadlines_run(now=at(2026, 11, 17, 16, 40))["resolution_warned"] == 0
    assert _kinds(sales.manager, "service.deadline") == 1
    assert service_deadlines_run(now=at(2026, 11, 17, 18, 30))["resolution_breached"] == 1
    assert service_deadlines_run(now=at(2026, 11, 18, 9, 30)) == dict.fromkeys(
        ["response_warned", "response_breached", "resolution_warned", "resolution_breached"], 0
    )
    assert _kinds(sales.supervisor, "service.escalated") == 2  # the manager's superior
    assert _kinds(sales.manager, "service.escalated") == 1  # the assignee hears it was escalated
    assert CustomerEvent.objects.filter(customer=customer, kind="service.escalate").count() == 2


def test_a_met_deadline_is_not_escalated(sales, customer):
    agreement(response="4", resolution="16", warn="2")
    service = _new_at(sales, customer, at(2026, 11, 16, 9))
    Service.objects.filter(pk=service.pk).update(responded_at=at(2026, 11, 16, 10))  # assigned in time
    done = service_deadlines_run(now=at(2026, 11, 16, 15))
    assert done["response_warned"] == 0 and done["response_breached"] == 0
    Service.objects.filter(pk=service.pk).update(resolved_at=at(2026, 11, 17, 12))  # archived in time
    done = service_deadlines_run(now=at(2026, 11, 18, 9))
    assert done["resolution_warned"] == 0 and done["resolution_breached"] == 0
    assert not Notification.objects.filter(kind__in=["service.deadline", "service.escalated"]).exists()
    service.refresh_from_db()
    assert not service.breached


def test_assigning_and_archiving_meet_the_deadlines_and_a_sent_back_service_keeps_its_deadline(sales, customer):
    agreement(response="4", resolution="16")
    service = services.service_create(actor=sales.manager, customer=customer, data=data())
    due = service.resolution_due
    services.service_assign(actor=sales.supervisor, service=service, assignee=sales.manager)
    services.service_handle(actor=sales.manager, service=service, handling="更换主板")
    services.service_feedback(actor=sales.manager, service=service, result="仍然死机", satisfaction=1)
    service.refresh_from_db()
    assert service.responded_at is not None and service.resolved_at is None and service.resolution_due == due
    services.service_handle(actor=sales.manager, service=service, handling="整机更换")
    services.service_feedback(actor=sales.manager, service=service, result="正常", satisfaction=5)
    service.refresh_from_db()
    assert service.resolved_at == service.archived_at and not service.breached


def test_escalation_without_a_superior_goes_to_the_department_leader(sales, org, make_user, far_customer):
    leader = make_user("leader_sz", role="supervisor", department=org.shenzhen, name="深圳经理")
    org.shenzhen.leader = leader
    org.shenzhen.save(update_fields=["leader"])
    agreement(response="4", resolution="16")
    service = services.service_create(actor=sales.other, customer=far_customer, data=data())
    services.service_assign(actor=leader, service=service, assignee=sales.other)  # 陈静 has no superior
    _created_at(service, at(2026, 11, 16, 9))
    Service.objects.filter(pk=service.pk).update(responded_at=at(2026, 11, 16, 9, 30))
    assert service_deadlines_run(now=at(2026, 11, 18, 9))["resolution_breached"] == 1
    assert _kinds(leader, "service.escalated") == 1
    assert _kinds(sales.supervisor, "service.escalated") == 0
    assert _kinds(sales.other, "service.escalated") == 1


def test_time_left_and_states(sales, customer):
    agreement(response="4", resolution="16", warn="2")
    service = _new_at(sales, customer, at(2026, 11, 16, 9))
    [service] = attach_time_left([service], now=at(2026, 11, 16, 10))
    assert (service.hours_left, service.deadline_state) == (3, "ok")
    attach_time_left([service], now=at(2026, 11, 16, 12, 30))
    assert (service.hours_left, service.deadline_state) == (1, "soon")
    attach_time_left([service], now=at(2026, 11, 16, 16))
    assert (service.hours_over, service.deadline_state) == (2, "breached")


def test_the_job_is_registered_and_scheduled():
    from crm.jobs import registry

    entry = registry.get("service.deadlines")
    assert entry.scheduled


def test_the_workbench_shows_my_services_nearest_deadline_first_with_the_time_left(client, sales, customer):
    agreement(response="4", resolution="16")
    first = services.service_create(actor=sales.manager, customer=customer, data=data(summary="先到期"))
    later = services.service_create(actor=sales.manager, customer=customer, data=data(summary="后到期"))
    Service.objects.filter(pk=later.pk).update(resolution_due=first.resolution_due + datetime.timedelta(days=3))
    for service in (later, first):
        fresh = Service.objects.get(pk=service.pk)
        services.service_assign(actor=sales.supervisor, service=fresh, assignee=sales.manager)
    client.force_login(sales.manager)
    page = client.get(reverse("console:home")).content.decode()
    panel = page[page.index('data-testid="panel-services"'):]
    assert panel.index("先到期") < panel.index("后到期")
    assert 'data-testid="service-deadline"' in panel
