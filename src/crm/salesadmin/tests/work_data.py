"""Recorded work around November 2026 for the targets' and reports' tests: customers created,
follow-ups, opportunities won (and lost), confirmed receipts (and one in approval), on both sides
of the month's edges and across teams."""

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from crm.customers.models import Contract, Customer, FollowUp
from crm.customers.services.followup_tally import followup_tally_rebuild
from crm.customers.testing import make_customer
from crm.dictionary.models import DictionaryItem
from crm.opportunities.models import Opportunity, OpportunityStatus
from crm.sales.models import Receipt, ReceiptStatus

NOVEMBER = datetime.date(2026, 11, 1)
_serial = itertools.count(1)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_current_timezone())


def make_work(sales) -> None:
    d = datetime.date
    mgr, colleague, sup, other = sales.manager, sales.colleague, sales.supervisor, sales.other
    customers = []
    for index, (who, day) in enumerate([(mgr, d(2026, 11, 1)), (mgr, d(2026, 11, 30)), (mgr, d(2026, 10, 31)),
                                        (colleague, d(2026, 11, 15)), (sup, d(2026, 11, 2)),
                                        (other, d(2026, 11, 20)), (colleague, d(2026, 12, 1))]):
        customer = make_customer(manager=who, name=f"测试客户{index}有限公司")
        Customer.objects.filter(pk=customer.pk).update(created_at=at(day, 0 if index % 2 else 23))
        customers.append(customer)
    method, _ = DictionaryItem.objects.get_or_create(category="followup_method", entry="电话",
                                                     defaults={"value": "phone"})
    for index, (customer, who, day) in enumerate([
        (0, mgr, d(2026, 11, 2)), (0, mgr, d(2026, 11, 30)), (1, mgr, d(2026, 11, 3)), (1, mgr, d(2026, 12, 1)),
        (3, colleague, d(2026, 11, 1)), (3, colleague, d(2026, 10, 31)), (4, sup, d(2026, 11, 5)),
        (5, other, d(2026, 11, 6)), (0, colleague, d(2026, 11, 9)),
    ]):
        FollowUp.objects.create(customer=customers[customer], method=method, content="电话沟通",
                                followed_at=at(day, 23 if index % 2 else 0), created_by=who)
    followup_tally_rebuild()  # the follow-ups written above, counted (ADR 0027)
    won, lost = OpportunityStatus.WON, OpportunityStatus.LOST
    for who, status, amount, closed in [
        (mgr, won, "120000", d(2026, 11, 10)), (mgr, won, "30000.50", d(2026, 11, 30)),
        (mgr, won, "99999", d(2026, 12, 1)), (mgr, lost, "50000", d(2026, 11, 12)),
        (colleague, won, "80000", d(2026, 11, 1)), (sup, won, "10000", d(2026, 11, 20)),
        (other, won, "70000", d(2026, 11, 21)),
    ]:
        Opportunity.objects.create(
            number=f"SJ{next(_serial):05d}", customer_name="测试", probability=50, summary="采购", description="采购",
            status=status, owner=who, created_by=who, expected_amount=Decimal(amount), closed_at=at(closed, 22))
    for index, (customer, owner, amount, day, status) in enumerate([
        (0, mgr, "50000", d(2026, 11, 5), ReceiptStatus.CONFIRMED), (0, mgr, "20000", d(2026, 11, 30),
                                                                     ReceiptStatus.CONFIRMED),
        (1, mgr, "9000", d(2026, 11, 8), ReceiptStatus.IN_APPROVAL), (1, mgr, "7000", d(2026, 10, 31),
                                                                      ReceiptStatus.CONFIRMED),
        (3, colleague, "40000", d(2026, 11, 18), ReceiptStatus.CONFIRMED),
        (5, other, "60000", d(2026, 11, 18), ReceiptStatus.CONFIRMED),
    ]):
        contract = Contract.objects.create(number=f"HT{index:05d}", customer=customers[customer], title="年度合同",
                                           amount=Decimal("500000"), owner=owner, created_by=owner)
        Receipt.objects.create(number=f"HK{index:05d}", contract=contract, amount=Decimal(amount), received_on=day,
                               status=status, created_by=owner)


def independent(user_ids: set[int], start: datetime.date, end: datetime.date) -> dict:
    """The four targeted measures for these people, counted row by row in Python."""
    def inside(moment) -> bool:
        day = timezone.localtime(moment).date() if isinstance(moment, datetime.datetime) else moment
        return start <= day <= end

    return {
        "won_amount": sum((o.expected_amount for o in Opportunity.objects.all()
                           if o.status == OpportunityStatus.WON and o.owner_id in user_ids and inside(o.closed_at)),
                          Decimal(0)),
        "received": sum((r.amount for r in Receipt.objects.select_related("contract")
                         if r.status == ReceiptStatus.CONFIRMED and r.contract.owner_id in user_ids
                         and inside(r.received_on)), Decimal(0)),
        "new_customers": sum(1 for c in Customer.objects.all() if c.manager_id in user_ids and inside(c.created_at)),
        "followups": sum(1 for f in FollowUp.objects.all() if f.created_by_id in user_ids and inside(f.followed_at)),
    }
