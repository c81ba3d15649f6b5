"""Keeping the follow-up tally (FollowUpYear and FollowUpDay, ADR 0027) in step with the follow-ups.

The rows are derived. Whoever writes follow-ups, in the same transaction:
- calls `followup_tally_refresh` with the customers whose follow-ups changed, after the customer's
  own row was updated (that row lock makes two writers of one customer take turns): the customers'
  FollowUpYear rows are computed anew from their follow-ups in two statements (a new follow-up:
  `followup_tally_added`, one upsert);
- counts each follow-up in or out of its author's day (`followup_day_add`, one upsert adding +1
  or -1, atomic whatever runs at the same time); a customer deleted with its follow-ups counts them
  all out first (`followup_days_remove`).
`followup_tally_rebuild` computes every row of both (the weekly job, the benchmark generator, demo
and test data), so the tally can always be made right again.
"""

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractMonth, ExtractYear, TruncDate
from django.utils import timezone

from crm.customers.models import FollowUp, FollowUpDay, FollowUpYear
from crm.customers.models.tally import MONTHS, month_field

BATCH = 2000  # customers per pair of statements (bounded IN lists)
TABLE = FollowUpYear._meta.db_table
COLUMNS = ("author_id", "customer_id", "year", *(month_field(m) for m in MONTHS))
# Two writers refreshing one customer at once: the second one's rows replace the first's.
UPSERT = "ON CONFLICT (customer_id, author_id, year) DO UPDATE SET " + ", ".join(
    f"{column} = excluded.{column}" for column in COLUMNS[3:]
)


def tallied(followups: QuerySet) -> QuerySet:
    """The tally's rows for these follow-ups, as (author, customer, year, month_1 … month_12)."""
    zone = timezone.get_default_timezone()
    counts = {month_field(m): Count("id", filter=Q(tally_month=m)) for m in MONTHS}
    return (
        followups.filter(created_by__isnull=False)
        .order_by()
        .annotate(
            tally_year=ExtractYear("followed_at", tzinfo=zone), tally_month=ExtractMonth("followed_at", tzinfo=zone)
        )
        .values("created_by", "customer", "tally_year")
        .annotate(**counts)
        .values_list("created_by", "customer", "tally_year", *counts)
    )


def _insert(followups: QuerySet) -> None:
    sql, params = tallied(followups).query.sql_with_params()
    columns = ", ".join(COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} ({columns}) {sql} {UPSERT}", params)


def followup_tally_refresh(customer_ids: Iterable[int]) -> None:
    """Compute these customers' rows anew from their follow-ups."""
    ids = sorted({int(pk) for pk in customer_ids})
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        FollowUpYear.objects.filter(customer_id__in=chunk).delete()
        _insert(FollowUp.objects.filter(customer_id__in=chunk))


def followup_tally_added(followup: FollowUp) -> None:
    """A follow-up was added: its author's rows for its customer are counted again and upserted in
    one statement (nothing can have emptied, so nothing is deleted)."""
    if followup.created_by_id is not None:
        _insert(FollowUp.objects.filter(customer_id=followup.customer_id, created_by_id=followup.created_by_id))


DAYS = FollowUpDay._meta.db_table
ADD_TO_DAY = (
    f"INSERT INTO {DAYS} (author_id, day, count) {{select}} "
    f"ON CONFLICT (day, author_id) DO UPDATE SET count = {DAYS}.count + excluded.count"
)


def followup_day_add(followup: FollowUp, delta: int, *, at=None) -> None:
    """Count a follow-up into (+1) or out of (-1) its author's day; `at`: the time it had (an edit)."""
    if followup.created_by_id is None:
        return
    day = timezone.localtime(at or followup.followed_at, timezone.get_default_timezone()).date()
    sql = ADD_TO_DAY.format(select="VALUES (%s, %s, %s)")
    with connection.cursor() as cursor:
        cursor.execute(sql, [followup.created_by_id, connection.ops.adapt_datefield_value(day), delta])


def _days(followups: QuerySet, sign: int = 1) -> tuple[str, list]:
    counted = (
        followups.filter(created_by__isnull=False)
        .order_by()
        .annotate(tally_day=TruncDate("followed_at", tzinfo=timezone.get_default_timezone()))
        .values("created_by", "tally_day")
        .annotate(n=Count("*") * sign)
        .values_list("created_by", "tally_day", "n")
    )
    return counted.query.sql_with_params()


def followup_days_remove(followups: QuerySet) -> None:
    """Count these follow-ups out of their authors' days (they are about to be deleted)."""
    sql, params = _days(followups, -1)
    with connection.cursor() as cursor:
        cursor.execute(ADD_TO_DAY.format(select=sql), params)


def followup_tally_rebuild() -> int:
    """Every row of both tables anew from the follow-ups; returns how many FollowUpYear rows.
    Writers wait meanwhile (PostgreSQL: table locks that readers do not feel), so none is lost."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {TABLE}, {DAYS} IN SHARE ROW EXCLUSIVE MODE")
                cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608
                cursor.execute(f"DELETE FROM {DAYS}")  # noqa: S608
        else:
            FollowUpYear.objects.all().delete()
            FollowUpDay.objects.all().delete()
        _insert(FollowUp.objects.all())
        sql, params = _days(FollowUp.objects.all())
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {DAYS} (author_id, day, count) {sql}", params)
    return FollowUpYear.objects.count()
