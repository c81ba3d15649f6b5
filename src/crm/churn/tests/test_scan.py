"""The churn scan (CHURN-1): who is warned at the boundaries, month-end clamping, the customer's
status, audit, timeline and notifications, idempotence, the one-active-warning constraint, the job
and the command."""

import datetime
import io
import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from crm.audit.models import AuditEvent
from crm.churn.models import ChurnWarning, WarningState
from crm.churn.scan import churn_scan, months_before
from crm.churn.tests.conftest import OLD, TODAY
from crm.customers.models import Customer, CustomerEvent, CustomerStatus
from crm.customers.testing import make_customer
from crm.jobs import registry
from crm.notifications.models import Notification
from crm.orders.testing import make_order

D = datetime.date


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 8, 31), 6, D(2026, 2, 28)),  # clamped to the month's end
        (D(2024, 8, 31), 6, D(2024, 2, 29)),  # a leap year
        (D(2026, 3, 15), 6, D(2025, 9, 15)),  # across the year
        (D(2026, 1, 31), 1, D(2025, 12, 31)),
        (D(2026, 12, 31), 12, D(2025, 12, 31)),
    ],
)
def test_months_before_counts_calendar_months_clamped_to_the_month_end(day, months, expected):
    assert months_before(day, months) == expected


def test_who_is_warned_at_the_boundaries(sales):
    def customer(name: str, *orders) -> Customer:
        made = make_customer(manager=sales.manager, name=name)
        for ordered_on, status in orders:
            make_order(made, ordered_on=ordered_on, status=status)
        return made

    today = D(2026, 6, 15)
    exactly = customer("恰好六个月公司", (D(2025, 12, 15), 5))
    one_day_more = customer("六个月零一天公司", (D(2025, 12, 14), 6))
    recent_but_cancelled = customer("近期订单未生效公司", (D(2025, 10, 1), 5), (D(2026, 6, 1), 3))
    recent = customer("近期已回款公司", (D(2025, 1, 1), 5), (D(2026, 6, 1), 6))
    only_ineffective = customer("只有无效订单公司", (D(2025, 1, 1), 3))
    no_orders = customer("从未下单公司")
    lost = customer("已流失公司", (D(2025, 1, 1), 5))
    Customer.objects.filter(pk=lost.pk).update(status=CustomerStatus.LOST)

    result = churn_scan(today=today)

    warned = dict(ChurnWarning.objects.values_list("customer_id", "last_order_on"))
    assert warned == {one_day_more.pk: D(2025, 12, 14), recent_but_cancelled.pk: D(2025, 10, 1)}
    for left_alone in (exactly, recent, only_ineffective, no_orders):
        assert left_alone.pk not in warned
    assert result["warned"] == 2 and result["customers_moved"] == 2 and result["threshold"] == "2025-12-15"
    statuses = dict(Customer.objects.values_list("pk", "status"))
    assert statuses[one_day_more.pk] == statuses[recent_but_cancelled.pk] == CustomerStatus.CHURN_WARNING
    assert statuses[exactly.pk] == CustomerStatus.NORMAL and statuses[lost.pk] == CustomerStatus.LOST


def test_month_end_clamping_in_the_scan(sales):
    on_the_day = make_customer(manager=sales.manager, name="二月底公司")
    before_it = make_customer(manager=sales.manager, name="二月二十七日公司")
    make_order(on_the_day, ordered_on=D(2026, 2, 28))
    make_order(before_it, ordered_on=D(2026, 2, 27))
    churn_scan(today=D(2026, 8, 31))
    assert list(ChurnWarning.objects.values_list("customer_id", flat=True)) == [before_it.pk]


def test_a_shorter_threshold_from_the_settings(sales, settings):
    customer = make_customer(manager=sales.manager, name="三个月未下单公司")
    make_order(customer, ordered_on=D(2026, 5, 1))
    assert churn_scan(today=TODAY)["warned"] == 0
    settings.CHURN_MONTHS = 3
    assert churn_scan(today=TODAY)["warned"] == 1


def test_the_scan_audits_writes_the_timeline_and_tells_each_manager_once(sales, customer):
    second = make_customer(manager=sales.manager, name="上海第二电子有限公司")
    theirs = make_customer(manager=sales.other, name="深圳南山软件有限公司")
    for made in (customer, second, theirs):
        make_order(made, ordered_on=OLD)
    churn_scan(today=TODAY)
    warning = customer.churn_warnings.get()
    assert warning.state == WarningState.OPEN and warning.last_order_on == OLD
    assert AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(ChurnWarning)).count() == 3
    kinds = list(CustomerEvent.objects.filter(customer=customer).values_list("kind", flat=True))
    assert kinds.count("churn.warn") == 1 and "status" not in kinds  # one entry for the step, with its link
    event = CustomerEvent.objects.get(customer=customer, kind="churn.warn")
    assert event.data["warning"] == warning.pk
    assert event.summary == _("Last order %(date)s") % {"date": OLD.isoformat()}
    assert event.data == {"warning": warning.pk, "last_order_on": OLD.isoformat()} and event.actor_id is None
    audited = AuditEvent.objects.filter(object_id=str(customer.pk), changes__status=["normal", "churn_warning"])
    assert audited.count() == 1
    moved = audited.get()
    assert moved.action == "update" and moved.object_repr == customer.name and moved.message == "status warn"
    assert moved.content_type == ContentType.objects.get_for_model(Customer)
    created = AuditEvent.objects.get(
        content_type=ContentType.objects.get_for_model(ChurnWarning), object_id=str(warning.pk)
    )
    assert created.object_repr == f"{customer.pk} open"
    assert created.action == "create" and created.message == "churn scan" and created.actor_id is None
    assert created.changes == {
        "customer": [None, customer.pk], "state": [None, "open"], "last_order_on": [None, OLD.isoformat()]
    }
    assert AuditEvent.objects.filter(action="churn.scan").count() == 1
    mine = Notification.objects.filter(recipient=sales.manager, kind="churn.warning")
    assert mine.count() == 1 and "2" in mine.get().title
    assert Notification.objects.filter(recipient=sales.other, kind="churn.warning").count() == 1


def test_two_runs_make_one_warning(sales, customer):
    make_order(customer, ordered_on=OLD)
    assert churn_scan(today=TODAY)["warned"] == 1
    again = churn_scan(today=TODAY)
    assert again["warned"] == 0 and again["customers_moved"] == 0
    assert ChurnWarning.objects.count() == 1
    assert Notification.objects.filter(kind="churn.warning").count() == 1


def test_an_active_warning_blocks_a_second_even_if_the_status_says_normal(sales, customer):
    """The constraint, not the status, is what keeps one active warning per customer."""
    make_order(customer, ordered_on=OLD)
    churn_scan(today=TODAY)
    Customer.objects.filter(pk=customer.pk).update(status=CustomerStatus.NORMAL)
    assert churn_scan(today=TODAY)["warned"] == 0
    assert ChurnWarning.objects.filter(customer=customer).count() == 1


def test_the_database_refuses_a_second_active_warning(sales, customer):
    ChurnWarning.objects.create(customer=customer, last_order_on=OLD)
    with pytest.raises(IntegrityError), transaction.atomic():
        ChurnWarning.objects.create(customer=customer, last_order_on=OLD, state=WarningState.SUSPENDED)
    # Confirmed and closed ones are history: any number of them.
    ChurnWarning.objects.create(customer=customer, last_order_on=OLD, state=WarningState.CLOSED)
    ChurnWarning.objects.create(customer=customer, last_order_on=OLD, state=WarningState.CONFIRMED)
    assert ChurnWarning.objects.filter(customer=customer).count() == 3


def test_the_job_is_scheduled_from_the_settings_and_the_command_prints_the_counts(sales, customer):
    job = registry.get("churn.scan")
    assert job.schedule is not None
    assert job.schedule.hour == {2} and job.schedule.minute == {0} and job.schedule.day_of_week == {6}
    make_order(customer, ordered_on=OLD)
    out = io.StringIO()
    call_command("churn_scan", "--today", "2026-08-31", stdout=out)
    result = json.loads(out.getvalue())
    assert result["warned"] == 1 and result["threshold"] == "2026-02-28"
    assert AuditEvent.objects.filter(action="churn.scan", source="command").exists()


def test_the_schedule_parser_refuses_a_bad_spec():
    from crm.churn.tasks import schedule

    assert schedule("30 3 * * 0").day_of_week == {0}
    with pytest.raises(ValueError):
        schedule("0 2 * *")
