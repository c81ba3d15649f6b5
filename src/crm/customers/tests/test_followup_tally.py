"""The follow-up tally (FollowUpYear, ADR 0027) equals a count of the follow-ups made here, after
every way of writing them; and the counts read from it (RPT-5, SADM-1) equal counts of the
follow-ups themselves for any range of days."""

import datetime
import random
from collections import Counter, defaultdict
from zoneinfo import ZoneInfo

import pytest

from crm.customers.models import Customer, FollowUp, FollowUpDay, FollowUpYear
from crm.customers.selectors import followup_tally
from crm.customers.services.activities import followup_create, followup_delete, followup_update
from crm.customers.services.customers import customer_delete
from crm.customers.services.followup_tally import followup_tally_rebuild
from crm.customers.services.merge import customers_merge
from crm.customers.testing import make_customer, picklist

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year, month, day, hour=12, minute=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def stored() -> dict:
    rows = FollowUpYear.objects.values_list("author_id", "customer_id", "year", *(f"month_{m}" for m in range(1, 13)))
    return {(a, c, y): months for a, c, y, *months in rows}


def counted() -> dict:
    """The tally as a plain loop over the follow-ups computes it (months in Asia/Shanghai)."""
    cells = defaultdict(lambda: [0] * 12)
    for author, customer, moment in FollowUp.objects.values_list("created_by_id", "customer_id", "followed_at"):
        if author is None:
            continue
        local = moment.astimezone(SHANGHAI)
        cells[(author, customer, local.year)][local.month - 1] += 1
    return dict(cells)


def days_stored() -> dict:
    """The per-day counts, leaving out the days counted down to 0."""
    return {(a, d): n for a, d, n in FollowUpDay.objects.values_list("author_id", "day", "count") if n}


def days_counted() -> dict:
    return dict(Counter(
        (author, moment.astimezone(SHANGHAI).date())
        for author, moment in FollowUp.objects.values_list("created_by_id", "followed_at")
        if author is not None
    ))


def kept() -> bool:
    return stored() == counted() and days_stored() == days_counted()


def record(actor, customer, moment):
    return followup_create(
        actor=actor, customer=customer,
        data={"method": picklist("followup_method"), "content": "电话", "followed_at": moment},
    )


@pytest.fixture
def customers(sales):
    return (
        make_customer(manager=sales.manager, name="上海申通快递有限公司", phone="021-60376666", email=""),
        make_customer(manager=sales.manager, name="申通快递股份有限公司", phone="021 6037 6666", email=""),
        make_customer(manager=sales.colleague, name="杭州西湖贸易有限公司"),
    )


def test_every_writer_keeps_the_tally_equal_to_the_followups(sales, customers):
    first, second, third = customers
    # Either side of New Year's midnight in Shanghai (16:00 UTC): two years, two months.
    record(sales.manager, first, at(2025, 12, 31, 23, 50))
    late = record(sales.manager, first, at(2026, 1, 1, 0, 10))
    record(sales.manager, second, at(2026, 1, 15))
    record(sales.colleague, third, at(2026, 3, 2))
    record(sales.supervisor, first, at(2026, 3, 9))
    assert kept()
    assert days_stored()[(sales.manager.pk, datetime.date(2025, 12, 31))] == 1
    assert stored()[(sales.manager.pk, first.pk, 2025)][11] == 1
    assert stored()[(sales.manager.pk, first.pk, 2026)][0] == 1

    followup_update(actor=sales.manager, followup=late, data={"followed_at": at(2026, 2, 1, 0, 0)})
    assert kept() and stored()[(sales.manager.pk, first.pk, 2026)][:2] == [0, 1]
    followup_delete(actor=sales.supervisor, followup=late)
    assert kept() and (sales.manager.pk, first.pk, 2026) not in stored()

    # A merge: the second customer's follow-ups become the first's, and so do their counts.
    record(sales.manager, second, at(2025, 12, 3))
    customers_merge(actor=sales.supervisor, target=first, others=[second])
    assert kept()
    assert stored()[(sales.manager.pk, first.pk, 2025)][11] == 2
    assert not FollowUpYear.objects.filter(customer_id=second.pk).exists()

    customer_delete(actor=sales.supervisor, customer=third)
    assert kept() and not FollowUpYear.objects.filter(customer_id=third.pk).exists()

    # A deleted user's follow-ups stay, without an author: nobody's work any more.
    assert FollowUpYear.objects.filter(author_id=sales.supervisor.pk).exists()
    sales.supervisor.delete()
    assert kept() and not FollowUpYear.objects.filter(author_id=sales.supervisor.pk).exists()

    before, days = stored(), days_stored()
    FollowUpYear.objects.all().delete()
    FollowUpDay.objects.update(count=7)
    assert followup_tally_rebuild() == len(before)
    assert stored() == before and days_stored() == days


def test_split_reads_whole_months_from_the_tally_and_the_days_around_them():
    d = datetime.date
    assert followup_tally.split(d(2026, 1, 1), d(2026, 12, 31)).months == {2026: tuple(range(1, 13))}
    assert followup_tally.split(d(2026, 1, 1), d(2026, 12, 31)).days == ()
    parts = followup_tally.split(d(2025, 11, 20), d(2026, 3, 5))
    assert parts.months == {2025: (12,), 2026: (1, 2)}
    assert parts.days == ((d(2025, 11, 20), d(2025, 11, 30)), (d(2026, 3, 1), d(2026, 3, 5)))
    # Fewer than three whole months: the follow-ups themselves are read.
    assert followup_tally.split(d(2026, 11, 1), d(2026, 12, 4)) == followup_tally.Split(
        days=((d(2026, 11, 1), d(2026, 12, 4)),)
    )
    assert followup_tally.split(d(2026, 2, 1), d(2026, 4, 30)).months == {2026: (2, 3, 4)}


def test_counts_from_the_tally_equal_counts_of_the_followups_for_any_period(sales, customers):
    rng = random.Random(17)
    authors = [sales.manager, sales.colleague, sales.other]
    pool = [*customers, make_customer(manager=sales.other, name="深圳南山软件有限公司")]
    moments = [at(2025, 12, 31, 23, 59), at(2026, 1, 1, 0, 0), at(2026, 3, 31, 23, 30), at(2026, 4, 1, 0, 5)]
    moments += [at(2025, rng.randint(6, 12), rng.randint(1, 28), rng.randint(0, 23)) for _ in range(20)]
    moments += [at(2026, rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23)) for _ in range(40)]
    for moment in moments:
        customer = rng.choice(pool)
        FollowUp.objects.create(customer=customer, method=picklist("followup_method"), content="电话",
                                followed_at=moment, created_by=rng.choice(authors))
    followup_tally_rebuild()
    followups = list(FollowUp.objects.select_related("created_by"))
    d = datetime.date
    periods = [(d(2026, 1, 1), d(2026, 12, 31)), (d(2025, 6, 1), d(2026, 12, 31)), (d(2025, 12, 31), d(2026, 3, 31)),
               (d(2025, 11, 20), d(2026, 4, 1)), (d(2026, 1, 1), d(2026, 1, 1)), (d(2025, 7, 15), d(2026, 11, 20))]
    for start, end in periods:
        for people in (None, [sales.manager.pk, sales.other.pk]):
            inside = [f for f in followups if start <= f.followed_at.astimezone(SHANGHAI).date() <= end
                      and (people is None or f.created_by_id in people)]
            for group, key in (("person", lambda f: f.created_by_id), ("team", lambda f: f.created_by.department_id),
                               (None, lambda f: 0)):
                contacted = defaultdict(set)
                for f in inside:
                    contacted[key(f)].add(f.customer_id)
                assert followup_tally.followups_counted(start, end, people=people, group=group) == dict(
                    Counter(key(f) for f in inside)
                ), (start, end, people, group)
                assert followup_tally.customers_contacted(start, end, people=people, group=group) == {
                    k: len(v) for k, v in contacted.items()
                }, (start, end, people, group)
    assert Customer.objects.count() == 4


def test_a_period_is_read_as_whole_months_when_its_months_other_days_hold_no_followups(sales, customers):
    """RPT-5: a year to date is read as the whole year when nobody counted made a follow-up after
    today in its month; one follow-up on those days (by someone counted) keeps the days asked."""
    d = datetime.date
    theirs = {sales.manager: customers[0], sales.colleague: customers[2],
              sales.other: make_customer(manager=sales.other, name="深圳南山软件有限公司")}
    for moment, author in ((at(2025, 3, 2), sales.manager), (at(2026, 2, 10), sales.manager),
                           (at(2026, 11, 18), sales.colleague), (at(2026, 11, 25), sales.other)):
        record(author, theirs[author], moment)
    widened = followup_tally.widened
    assert widened(d(2026, 1, 1), d(2026, 11, 20), people=[sales.manager.pk]) == (d(2026, 1, 1), d(2026, 11, 30))
    assert widened(d(2026, 1, 1), d(2026, 11, 20)) == (d(2026, 1, 1), d(2026, 11, 20))  # 11-25 is after the end
    assert widened(d(2025, 3, 5), d(2026, 11, 18)) == (d(2025, 3, 5), d(2026, 11, 18))  # 03-02 before the start
    assert widened(d(2025, 3, 1), d(2026, 11, 18), people=[sales.manager.pk]) == (d(2025, 3, 1), d(2026, 11, 30))
    assert widened(d(2026, 11, 20), d(2026, 11, 24)) == (d(2026, 11, 20), d(2026, 11, 24))  # 11-18 and 11-25
    assert widened(d(2026, 11, 20), d(2026, 11, 24), people=[sales.other.pk]) == (d(2026, 11, 20), d(2026, 11, 24))
    assert widened(d(2026, 11, 20), d(2026, 11, 24), people=[sales.manager.pk]) == (d(2026, 11, 1), d(2026, 11, 30))
    periods = ((d(2026, 1, 1), d(2026, 11, 20)), (d(2025, 3, 3), d(2026, 11, 24)), (d(2026, 11, 19), d(2026, 11, 24)))
    for start, end in periods:
        for people in (None, [sales.manager.pk], [sales.colleague.pk, sales.other.pk]):
            inside = [f for f in FollowUp.objects.all() if start <= f.followed_at.astimezone(SHANGHAI).date() <= end
                      and (people is None or f.created_by_id in people)]
            assert followup_tally.customers_contacted(start, end, people=people, group=None) == (
                {0: len({f.customer_id for f in inside})} if inside else {}
            ), (start, end, people)


def test_a_customer_of_several_people_counts_once_for_each_of_their_teams(sales, customers, org):
    """RPT-5 by team: two people of 销售一部 and one of 深圳 follow up one customer; it is one customer
    contacted for each team, whatever the period's shape (one year, two years, with edge days)."""
    d = datetime.date
    shared, own, theirs = customers
    for author, customer, moment in (
        (sales.manager, shared, at(2025, 5, 6)), (sales.colleague, shared, at(2026, 2, 3)),
        (sales.other, shared, at(2026, 3, 4)), (sales.manager, own, at(2026, 4, 5)),
        (sales.colleague, theirs, at(2025, 9, 9)), (sales.colleague, theirs, at(2026, 9, 9)),
    ):
        FollowUp.objects.create(customer=customer, method=picklist("followup_method"), content="电话",
                                followed_at=moment, created_by=author)
    followup_tally_rebuild()
    expected = {
        (d(2026, 1, 1), d(2026, 12, 31)): {org.sales1.pk: 3, org.sales2.pk: 1},
        (d(2025, 1, 1), d(2026, 12, 31)): {org.sales1.pk: 3, org.sales2.pk: 1},
        (d(2025, 6, 1), d(2026, 2, 28)): {org.sales1.pk: 2},
        (d(2026, 3, 4), d(2026, 9, 8)): {org.sales1.pk: 1, org.sales2.pk: 1},
    }
    for (start, end), teams in expected.items():
        assert followup_tally.customers_contacted(start, end, group="team") == teams, (start, end)
    two_years = (d(2025, 1, 1), d(2026, 12, 31))
    assert followup_tally.customers_contacted(*two_years, group="team", people=[sales.other.pk]) == {org.sales2.pk: 1}
