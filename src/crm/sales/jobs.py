"""Reminders (issue 16 §2–§4): each open instalment reminds its owner once before it falls due and
once when it is overdue; a quote once before it expires; a contract in force once a month before it
ends and once when it has ended. A reminder is claimed by a conditional UPDATE, so it is sent once
however often or in parallel the job runs."""

import datetime

from celery.schedules import crontab
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.customers.models import Contract, ContractStatus
from crm.jobs.registry import job
from crm.notifications.services import notify
from crm.sales.models import PaymentPlan, Quote, QuoteStatus
from crm.sales.services.money import money
from crm.sales.services.quotes import expiring

DAYS_AHEAD = 3
CONTRACT_DAYS_AHEAD = 30


def _remind(plans, flag: str, title: str) -> int:
    sent = 0
    for plan in plans.select_related("contract", "contract__customer", "owner").iterator(chunk_size=500):
        if not PaymentPlan.objects.filter(pk=plan.pk, **{flag: False}).update(**{flag: True}):
            continue
        contract = plan.contract
        notify(
            recipients=[plan.owner],
            title=title % {"customer": contract.customer.name, "amount": money(plan.amount - plan.received)},
            body=_("Contract %(number)s, instalment %(sequence)d, due %(date)s.")
            % {"number": contract.number, "sequence": plan.sequence, "date": plan.due_on.isoformat()},
            link=reverse("customers:contract_detail", args=[contract.pk]),
            kind="payment",
        )
        sent += 1
    return sent


@job(name="sales.remind",
     label=gettext_lazy("Remind owners of payments due and overdue, quotes expiring, contracts ending"),
     schedule=crontab(minute=0, hour=8))
def remind(run, today=None, **kwargs):
    today = timezone.localdate() if today is None else datetime.date.fromisoformat(str(today))
    open_plans = PaymentPlan.objects.filter(received__lt=F("amount"), owner__isnull=False)
    due = open_plans.filter(due_reminded=False, due_on__gte=today, due_on__lte=today + datetime.timedelta(DAYS_AHEAD))
    overdue = open_plans.filter(overdue_reminded=False, due_on__lt=today)
    return {
        "due": _remind(due, "due_reminded", _("Payment due soon: %(customer)s %(amount)s")),
        "overdue": _remind(overdue, "overdue_reminded", _("Payment overdue: %(customer)s %(amount)s")),
        "quotes": _remind_quotes(today),
        "quotes_expired": _remind_expired_quotes(today),
        **_remind_contracts(today),
    }


def _remind_expired_quotes(today: datetime.date) -> int:
    """A quote sent and never answered reminds its owner once more when it has expired."""
    sent = 0
    ended = Quote.objects.filter(status=QuoteStatus.APPROVED, valid_until__lt=today, expired_reminded=False,
                                 owner__isnull=False).select_related("customer", "owner")
    for quote in ended:
        if not Quote.objects.filter(pk=quote.pk, expired_reminded=False).update(expired_reminded=True):
            continue
        notify(
            recipients=[quote.owner],
            title=_("Quote expired: %(customer)s %(number)s") % {"customer": quote.customer.name,
                                                                 "number": quote.number},
            body=_("It was valid until %(date)s and the customer has not answered: follow up, or send a new one.")
            % {"date": quote.valid_until.isoformat()},
            link=reverse("sales:quote_detail", args=[quote.pk]),
            kind="quote",
        )
        sent += 1
    return sent


def _remind_contracts(today: datetime.date) -> dict:
    in_force = Contract.objects.filter(status=ContractStatus.ACTIVE, owner__isnull=False, end_on__isnull=False)
    soon = in_force.filter(expiry_reminded=False, end_on__gte=today,
                           end_on__lte=today + datetime.timedelta(CONTRACT_DAYS_AHEAD))
    ended = in_force.filter(expired_reminded=False, end_on__lt=today)
    return {
        "contracts_expiring": _remind_contract(soon, "expiry_reminded",
                                               _("Contract ending soon: %(customer)s %(number)s")),
        "contracts_expired": _remind_contract(ended, "expired_reminded",
                                              _("Contract ended: %(customer)s %(number)s")),
    }


def _remind_contract(contracts, flag: str, title: str) -> int:
    sent = 0
    for contract in contracts.select_related("customer", "owner").iterator(chunk_size=500):
        if not Contract.objects.filter(pk=contract.pk, **{flag: False}).update(**{flag: True}):
            continue
        notify(
            recipients=[contract.owner],
            title=title % {"customer": contract.customer.name, "number": contract.number},
            body=_("%(title)s ends on %(date)s: renew it, or complete or terminate it.")
            % {"title": contract.title, "date": contract.end_on.isoformat()},
            link=reverse("customers:contract_detail", args=[contract.pk]),
            kind="contract",
        )
        sent += 1
    return sent


def _remind_quotes(today: datetime.date) -> int:
    """A quote sent and not yet answered reminds its owner once, three days before it expires."""
    sent = 0
    for quote in expiring(today, DAYS_AHEAD).filter(expiry_reminded=False, owner__isnull=False).select_related(
        "customer", "owner"
    ):
        if not Quote.objects.filter(pk=quote.pk, expiry_reminded=False).update(expiry_reminded=True):
            continue
        notify(
            recipients=[quote.owner],
            title=_("Quote expiring: %(customer)s %(number)s")
            % {"customer": quote.customer.name, "number": quote.number},
            body=_("Valid until %(date)s.") % {"date": quote.valid_until.isoformat()},
            link=reverse("sales:quote_detail", args=[quote.pk]),
            kind="quote",
        )
        sent += 1
    return sent
