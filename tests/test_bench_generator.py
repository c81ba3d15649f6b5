"""The benchmark data generator (bench.generate, issue 5) at a tiny scale on the test database:
the rows are what the services would have written (keys, tokens, numbers, follow-up dates), the
customers are found by the real search, and the data is the same for the same seed."""

import datetime
import hashlib
from collections import Counter

import pytest
from bench import data, generator
from django.db import connection
from django.db.models import Count, F, Max, Q, Sum
from django.utils import timezone

from crm.core.numbering import next_number
from crm.customers.models import Contact, Customer, CustomerKey, FollowUp, FollowUpDay, FollowUpYear
from crm.customers.seeding import seed_all
from crm.customers.selectors.customers import customer_search
from crm.customers.services import indexing
from crm.customers.services.duplicates import duplicate_find
from crm.customers.testing import make_customer
from crm.identity.models import User

TODAY = datetime.date(2026, 1, 15)
OPTIONS = {"scale": 0.0002, "workers": 1, "block_size": 120, "indexes": "keep", "today": TODAY, "seed": 5}


def generate(**options):
    return generator.generate(generator.Options(**{**OPTIONS, **options}), log=lambda message: None)


def digest() -> str:
    rows = Customer.objects.order_by("pk").values_list("number", "name", "phone", "manager__username", "search_tokens")
    followups = FollowUp.objects.order_by("pk").values_list("customer__number", "content", "followed_at")
    return hashlib.sha256(repr((list(rows), list(followups))).encode()).hexdigest()


@pytest.fixture
def generated(db):
    seed_all()  # picklists, regions, the default pool (a transactional test's flush empties them)
    return generate()


def check_counts_numbers_and_the_organisation(generated):
    assert (generated.customers, generated.contacts, generated.followups) == (200, 600, 2000)
    assert Customer.objects.count() == 200
    assert Contact.objects.count() == 600
    assert FollowUp.objects.count() == 2000
    numbers = list(Customer.objects.order_by("pk").values_list("number", flat=True))
    assert numbers == [f"KH{i:06d}" for i in range(1, 201)]
    assert next_number("customer", "KH") == "KH000201"  # the counter continues after the generated numbers
    assert User.objects.filter(username__startswith="bench_").count() == 200
    owners = set(Customer.objects.exclude(manager=None).values_list("manager__roles__code", flat=True))
    assert owners == {"manager"}
    # a customer has a manager, or it sits in the pool
    assert not Customer.objects.filter(Q(manager=None, pool=None) | Q(manager__isnull=False, pool__isnull=False))
    assert Customer.objects.filter(pool__isnull=False).exists()
    # every customer has contacts, exactly one of them primary
    per_customer = Customer.objects.annotate(
        n=Count("contacts"), primary=Count("contacts", filter=Q(contacts__is_primary=True))
    )
    assert not per_customer.filter(Q(n=0) | ~Q(primary=1))


def check_derived_columns_and_keys(generated):
    enforced = indexing.blocked_key_kinds()
    for customer in Customer.objects.prefetch_related("contacts"):
        contacts = list(customer.contacts.all())
        expected = Customer(name=customer.name)
        syllables = indexing.derive_name(expected)
        assert (customer.name_key, customer.name_pinyin, customer.name_initials) == (
            expected.name_key,
            expected.name_pinyin,
            expected.name_initials,
        )
        assert customer.search_tokens == indexing.compute_tokens(customer, contacts, syllables)
        wanted = {(k.kind, k.value, None) for k in indexing.own_keys(customer, enforced)}
        for contact in contacts:
            wanted |= {(k.kind, k.value, contact.pk) for k in indexing.contact_keys(contact)}
        stored = set(CustomerKey.objects.filter(customer=customer).values_list("kind", "value", "contact_id"))
        assert stored == wanted, customer.number
    # credit codes are blocking by default: each one is held (enforced) by its customer
    assert CustomerKey.objects.filter(kind="credit_code", enforced=False).count() == 0


def check_follow_up_dates_denormalised_onto_the_customer(generated):
    latest = {}
    for customer_id, next_on in FollowUp.objects.order_by("customer_id", "followed_at", "id").values_list(
        "customer_id", "next_followup_on"
    ):
        latest[customer_id] = next_on
    last = dict(FollowUp.objects.values("customer_id").annotate(m=Max("followed_at")).values_list("customer_id", "m"))
    for customer in Customer.objects.all():
        assert customer.last_followup_at == last.get(customer.pk)
        assert customer.next_followup_on == latest.get(customer.pk)
    stray = FollowUp.objects.exclude(contact=None).exclude(contact__customer_id=F("customer_id"))
    assert not stray.exists()
    # The work report's tally (ADR 0027): every author, customer and month, counted here anew.
    cells = Counter()
    for author, customer, moment in FollowUp.objects.values_list("created_by_id", "customer_id", "followed_at"):
        local = timezone.localtime(moment)
        cells[(author, customer, local.year, local.month)] += 1
    kept = Counter()
    for row in FollowUpYear.objects.all():
        for month in range(1, 13):
            if getattr(row, f"month_{month}"):
                kept[(row.author_id, row.customer_id, row.year, month)] = getattr(row, f"month_{month}")
    assert kept == cells and kept
    days = Counter()
    for (author, _customer, year, month), n in cells.items():
        days[(author, year, month)] += n
    by_day = Counter()
    for author, day, n in FollowUpDay.objects.values_list("author_id", "day", "count"):
        by_day[(author, day.year, day.month)] += n
    assert by_day == days


def check_found_by_search_and_by_the_duplicate_check(generated):
    executive = User.objects.get(username="bench_exec")
    for customer in Customer.objects.order_by("pk")[:15]:
        for query in (customer.name_key[:4], customer.phone[-8:], customer.number):
            assert customer in customer_search(user=executive, query=query, limit=200), (customer.name, query)
    # the deliberate duplicates: the same company entered twice, found by name or phone
    shared = CustomerKey.objects.filter(contact=None, kind__in=["name", "phone"]).values("kind", "value")
    shared = shared.annotate(n=Count("customer", distinct=True)).filter(n__gt=1)
    assert shared.exists()
    sample = Customer.objects.filter(keys__kind="name", keys__value=shared.filter(kind="name")[0]["value"]).first()
    if sample is None:
        sample = Customer.objects.filter(keys__kind="phone", keys__value=shared[0]["value"]).first()
    report = duplicate_find(actor=executive, name=sample.name, phone=sample.phone, exclude_id=sample.pk)
    assert report.matches


def check_sales_and_services(generated):
    from crm.opportunities.models import OpenTotal, Opportunity, OpportunityStatus
    from crm.service.models import Service, ServiceRound, ServiceStatus

    customers = Customer.objects.filter(manager__isnull=False).count()
    assert Service.objects.count() == customers  # one per owned customer
    statuses = set(Service.objects.values_list("status", flat=True))
    assert statuses <= set(ServiceStatus.values) and ServiceStatus.ARCHIVED in statuses
    # every handled or archived service has its round; none is assigned without an assignee
    handled = Service.objects.filter(status__in=[ServiceStatus.HANDLED, ServiceStatus.ARCHIVED])
    assert not handled.filter(rounds=None).exists()
    assert ServiceRound.objects.filter(service__status=ServiceStatus.NEW).count() == 0
    oldest = Service.objects.order_by("created_at").values_list("created_at", flat=True).first()
    assert oldest < Service.objects.order_by("-created_at").values_list("created_at", flat=True).first()
    # the open pipeline's running totals (PostgreSQL's trigger) agree with the rows
    developing = Opportunity.objects.filter(status=OpportunityStatus.DEVELOPING).count()
    if connection.vendor == "postgresql":
        assert sum(OpenTotal.objects.values_list("n", flat=True)) == developing


def test_generated_data_is_what_the_services_would_have_written(generated):
    check_sales_and_services(generated)
    check_counts_numbers_and_the_organisation(generated)
    check_derived_columns_and_keys(generated)
    check_follow_up_dates_denormalised_onto_the_customer(generated)
    check_found_by_search_and_by_the_duplicate_check(generated)
    # Nothing is dated after the data set's today in the installation's days (the reports read whole
    # months when the rest of the month holds no follow-up, ADR 0027).
    latest = FollowUp.objects.aggregate(latest=Max("followed_at"))["latest"]
    assert timezone.localtime(latest).date() <= TODAY


def test_same_seed_same_data_and_foreign_customers_are_protected(generated, make_user, org):
    first = digest()
    manager = make_user("outsider", role="manager", department=org.sales1)
    make_customer(manager=manager, name="北京外来测试科技有限公司")
    with pytest.raises(generator.Refused):
        generate()
    generate(force=True)
    assert digest() == first
    assert not Customer.objects.filter(name="北京外来测试科技有限公司").exists()
    assert data.trade_names_for(200) == data.trade_names_for(200)


def test_orders_are_generated_set_based_with_lines_totals_and_quiet_customers(generated):
    from crm.orders.models import EFFECTIVE, Order, OrderLine

    assert Order.objects.count() == 5 * 200
    assert Order.objects.values("customer").distinct().count() == 200
    lines = OrderLine.objects.values("order").annotate(total=Sum("amount"))
    assert all(Order.objects.get(pk=row["order"]).total == row["total"] for row in lines[:50])
    last = Order.objects.filter(EFFECTIVE).values("customer").annotate(last=Max("ordered_on"))
    quiet = [row for row in last if row["last"] < TODAY - datetime.timedelta(days=190)]
    assert 10 <= len(quiet) <= 40  # one customer in eight went quiet
    assert Order.objects.filter(status=3).exists()


def test_contracts_payments_and_approvals_as_the_services_keep_them(generated):
    """Issue 16 §7: one customer in five has a contract with two instalments and three receipts; the
    running totals equal their rows; the executive persona has approvals waiting."""
    from crm.approvals.models import ApprovalTask, TaskState
    from crm.customers.models import Contract
    from crm.sales.models import Allocation, PaymentPlan, Receipt

    assert Contract.objects.count() == 200 // 5
    assert PaymentPlan.objects.count() == 2 * 40 and Receipt.objects.count() == 3 * 40
    for contract in Contract.objects.all():
        plans = PaymentPlan.objects.filter(contract=contract)
        assert contract.planned_amount == plans.aggregate(s=Sum("amount"))["s"] == contract.amount
        assert contract.received_amount == Receipt.objects.filter(contract=contract).aggregate(s=Sum("amount"))["s"]
        for plan in plans:
            assert plan.received == Allocation.objects.filter(plan=plan).aggregate(s=Sum("amount"))["s"]
    assert ApprovalTask.objects.filter(state=TaskState.PENDING).count() == Contract.objects.filter(
        status="in_approval").count() > 0
