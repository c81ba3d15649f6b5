"""The churn scan 客户流失预警 (s003/5 §3.2.2.1, CHURN-1): every Saturday at 02:00 the CRM warns of
each customer whose last shipped or paid order is more than six months old ("超过6个月没有下单").

Set-based, whatever the number of customers: one INSERT … SELECT sums the orders per customer
(the partial index `order_history_idx` holds exactly the effective orders) and writes a warning
for every customer in status normal whose last order is older than the threshold; the unique
partial index `churn_one_active_warning` and ON CONFLICT DO NOTHING make a second run, or two
runs at once, write nothing more. The warned customers then move normal → churn_warning with one
conditional UPDATE (crm.customers.services.customers.customers_status_move); their audit rows and
the warnings' timeline entries and audit rows are written by the database itself, INSERT … SELECT
from the rows just written (only the warned customers' ids come back to Python); each manager gets
one notification with their count. What a first run on a large backlog costs, statement by
statement: docs/benchmarks.md ("The scan's first run").

The threshold is counted in calendar months, clamped to the month's end: on 2026-08-31 six
months back is 2026-02-28. A last order on that day is exactly six months old and not yet
"more than six months"; a day earlier is.
"""

import calendar
import datetime
import time

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from crm.audit.models import AuditAction
from crm.audit.services import audit_record, audit_records_select
from crm.churn.models import ACTIVE_STATES, ChurnWarning, WarningState
from crm.core.bulk import date_text_sql, insert_select, json_array_sql, json_object_sql
from crm.customers.models import Customer, CustomerEvent, CustomerStatus
from crm.customers.services.customers import customers_status_move
from crm.identity.models import User
from crm.notifications.services import notify
from crm.orders.models import EFFECTIVE_STATUSES, Order

EVENT_WARN = "churn.warn"


def months_before(day: datetime.date, months: int) -> datetime.date:
    """`day` moved back by whole calendar months; a day the month lacks becomes its last day."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def threshold(today: datetime.date, months: int) -> datetime.date:
    """A customer whose last effective order is before this date has churned."""
    return months_before(today, months)


def _insert_sql() -> str:
    q = connection.ops.quote_name
    warnings, orders, customers = (q(m._meta.db_table) for m in (ChurnWarning, Order, Customer))
    statuses = ", ".join(str(int(status)) for status in EFFECTIVE_STATUSES)  # the index's own predicate
    active = ", ".join(f"'{state}'" for state in ACTIVE_STATES)
    # A customer's active warning is found by the arbiter index alone. A NOT EXISTS over the
    # table being written, planned with the statistics of an empty table (the first run), became
    # a nested loop re-reading the warnings written so far for every row: quadratic (57 s at
    # scale 1, docs/benchmarks.md "Issue 15").
    return f"""
        INSERT INTO {warnings} (customer_id, state, last_order_on, created_at, reason)
        SELECT last.customer_id, %s, last.last_on, %s, ''
        FROM (
            SELECT customer_id, MAX(ordered_on) AS last_on
            FROM {orders}
            WHERE customer_id IS NOT NULL AND status IN ({statuses})
            GROUP BY customer_id
        ) last
        JOIN {customers} c ON c.id = last.customer_id
        WHERE last.last_on < %s AND c.status = %s
        ON CONFLICT (customer_id) WHERE state IN ({active}) DO NOTHING
        RETURNING customer_id
    """  # noqa: S608  (constant names; the values are bound)


@transaction.atomic
def churn_scan(today: datetime.date | None = None, months: int | None = None) -> dict:
    """Warn of every customer in status normal whose last effective order is more than `months`
    (CRM_CHURN_MONTHS) calendar months before `today`. Idempotent; returns the counts."""
    started = time.monotonic()
    today = today or timezone.localdate()
    months = settings.CHURN_MONTHS if months is None else int(months)
    before = threshold(today, months)
    now = timezone.now()
    ops = connection.ops
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # the per-customer sums stay in memory (this transaction only)
            cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(
            _insert_sql(),
            [WarningState.OPEN.value, ops.adapt_datetimefield_value(now), ops.adapt_datefield_value(before),
             CustomerStatus.NORMAL.value],
        )
        customer_ids = [customer_id for (customer_id,) in cursor.fetchall()]
    result = {"today": today.isoformat(), "threshold": before.isoformat(), "months": months,
              "warned": len(customer_ids), "customers_moved": 0, "managers_notified": 0}
    if customer_ids:
        reason = _("No order for more than %(months)d months") % {"months": months}
        result["customers_moved"] = customers_status_move(
            actor=None, customer_ids=customer_ids, action="warn", reason=reason,
            timeline=False,  # the warning's own entry below says it, with its link
        )
        _record_warnings(now)
        result["managers_notified"] = _notify_managers(now)
    audit_record(
        actor=None,
        action="churn.scan",
        object_repr=str(_("Churn scan")),
        changes={key: value for key, value in result.items() if key != "today"},
        message=_("Churn scan: %(warned)d new warnings (last order before %(threshold)s)")
        % {"warned": len(customer_ids), "threshold": before.isoformat()},
    )
    result["seconds"] = round(time.monotonic() - started, 2)
    return result


def _record_warnings(created_at) -> None:
    """The timeline entry and the audit row of each warning this run wrote (those created at
    `created_at`, still open: the run's own transaction), written by the database itself."""
    warnings = connection.ops.quote_name(ChurnWarning._meta.db_table)
    run = f"FROM {warnings} w WHERE w.created_at = %s AND w.state = %s"
    params = [connection.ops.adapt_datetimefield_value(created_at), WarningState.OPEN.value]
    last = date_text_sql(connection, "w.last_order_on")
    prefix, _date, suffix = (_("Last order %(date)s") % {"date": "\0"}).partition("\0")
    insert_select(
        CustomerEvent,
        ("customer_id", "summary", "data"),
        f"SELECT w.customer_id, %s || {last} || %s, "
        f"{json_object_sql(connection, [('warning', 'w.id'), ('last_order_on', last)])} {run}",
        [prefix, suffix, *params],
        values={"kind": EVENT_WARN},
    )
    changes = json_object_sql(connection, [
        ("customer", json_array_sql(connection, ["NULL", "w.customer_id"])),
        ("state", json_array_sql(connection, ["NULL", "w.state"])),
        ("last_order_on", json_array_sql(connection, ["NULL", last])),
    ])
    audit_records_select(
        actor=None,
        action=AuditAction.CREATE,
        model=ChurnWarning,
        select=f"SELECT w.id AS object_id, CAST(w.customer_id AS TEXT) || ' ' || w.state AS object_repr, "
        f"{changes} AS changes {run}",
        params=params,
        message="churn scan",
    )


def _notify_managers(created_at) -> int:
    """One notification per manager: how many of their customers were warned by this run."""
    counts = dict(
        ChurnWarning.objects.filter(created_at=created_at, state=WarningState.OPEN, customer__manager__isnull=False)
        .values("customer__manager")
        .annotate(n=Count("id"))
        .values_list("customer__manager", "n")
    )
    users = User.objects.in_bulk(list(counts))
    link = reverse("churn:list")
    sent = 0
    for manager_id, count in sorted(counts.items()):
        user = users.get(manager_id)
        if user is None:
            continue
        title = ngettext(
            "%(count)d customer of yours has a churn warning",
            "%(count)d customers of yours have churn warnings",
            count,
        ) % {"count": count}
        notify(
            recipients=[user],
            title=title,
            body=_("No shipped or paid order for the threshold period: add suspension measures or confirm the churn."),
            link=f"{link}?manager={manager_id}",
            kind="churn.warning",
        )
        sent += 1
    return sent
