"""Quotes 报价单 (issue 16 §2): lines priced on the server (quantity × unit price less the discount,
tax on the subtotal), approval when a flow for quotes applies (e.g. a discount above a limit),
accepted or declined by the customer, and converted into a contract in one step."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.access.engine import access_for
from crm.approvals.services import approval_submit, ensure_editable
from crm.audit.services import audit_create, audit_update
from crm.core.errors import Conflict, ValidationFailed
from crm.core.numbering import next_number
from crm.customers.models import Customer
from crm.customers.permissions import CUSTOMER
from crm.customers.services.contracts import contract_create
from crm.customers.services.events import event_record
from crm.sales.models import QUOTE_STATES, TAX_RATES, Quote, QuoteLine, QuoteStatus
from crm.sales.permissions import QUOTE
from crm.sales.services.contract_lines import contract_lines_save
from crm.sales.services.lines import CENT, priced_lines
from crm.sales.services.money import MAX_AMOUNT, text

QUOTE_DOCUMENT = "quote"
EVENT_QUOTE = "sales.quote"


def _totals(quote: Quote, lines: list[dict]) -> None:
    quote.subtotal = sum((line["amount"] for line in lines), Decimal(0))
    quote.tax = (quote.subtotal * Decimal(quote.tax_rate) / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    quote.total = quote.subtotal + quote.tax
    quote.max_discount = max((line["discount"] for line in lines), default=Decimal(0))
    if quote.total > MAX_AMOUNT:
        raise ValidationFailed(fields={"lines": [_("The total is too large.")]})


def _fields(quote: Quote, data: dict) -> None:
    quote.title = text(data.get("title"), 100)
    if not quote.title:
        raise ValidationFailed(fields={"title": [_("Give the quote a title.")]})
    valid_until = data.get("valid_until")
    if not isinstance(valid_until, datetime.date):
        raise ValidationFailed(fields={"valid_until": [_("Enter a date (YYYY-MM-DD).")]})
    quote.valid_until = valid_until
    rate = str(data.get("tax_rate") or "13")
    if rate not in dict(TAX_RATES):
        raise ValidationFailed(fields={"tax_rate": [_("Choose a tax rate from the list.")]})
    quote.tax_rate = rate
    quote.notes = text(data.get("notes"), 5000)
    opportunity = data.get("opportunity")
    if opportunity is not None and opportunity.customer_id != quote.customer_id:
        raise ValidationFailed(fields={"opportunity": [_("The opportunity belongs to another customer.")]})
    quote.opportunity = opportunity


def _write_lines(quote: Quote, lines: list[dict]) -> None:
    quote.lines.all().delete()
    QuoteLine.objects.bulk_create([QuoteLine(quote=quote, **line) for line in lines])


@transaction.atomic
def quote_create(*, actor, customer: Customer, data: dict, lines) -> Quote:
    access_for(actor).require(f"{QUOTE}.create")
    access_for(actor).check(CUSTOMER, "edit", customer)
    quote = Quote(customer=customer, owner=data.get("owner") or customer.manager or actor, created_by=actor)
    _fields(quote, data)
    priced = priced_lines(lines)
    _totals(quote, priced)
    quote.number = next_number("quote", "BJ")
    quote.save()
    _write_lines(quote, priced)
    audit_create(actor=actor, instance=quote, fields=["number", "customer", "title", "total", "valid_until"])
    event_record(customer=customer, kind=EVENT_QUOTE, actor=actor, summary=f"{quote.number} {quote.title}",
                 data={"quote": quote.pk})
    return quote


@transaction.atomic
def quote_update(*, actor, quote: Quote, data: dict, lines) -> Quote:
    """Change a draft (or a quote ready to send, which then needs approval again if a flow applies)."""
    access_for(actor).check(QUOTE, "edit", quote)
    ensure_editable(QUOTE_DOCUMENT, quote)
    quote = Quote.objects.select_for_update().get(pk=quote.pk)
    if quote.status not in (QuoteStatus.DRAFT, QuoteStatus.APPROVED):
        raise Conflict(_("Only a draft quote or one not yet answered by the customer can change."), code="closed")
    before = quote.total
    _fields(quote, data)
    priced = priced_lines(lines)
    _totals(quote, priced)
    quote.status = QuoteStatus.DRAFT
    quote.save()
    _write_lines(quote, priced)
    audit_update(actor=actor, instance=quote, changes={"total": [before, quote.total]})
    return quote


@transaction.atomic
def quote_submit(*, actor, quote: Quote):
    """Into the approval flow for quotes that applies; with none, ready to send at once."""
    access_for(actor).check(QUOTE, "edit", quote)
    quote = Quote.objects.select_for_update().get(pk=quote.pk)
    if quote.status != QuoteStatus.DRAFT:
        raise Conflict(_("Only a draft quote can be submitted."), code="not_draft")
    return approval_submit(actor=actor, document_type=QUOTE_DOCUMENT, obj=quote)


@transaction.atomic
def quote_answer(*, actor, quote: Quote, action: str) -> Quote:
    """The customer's answer: accepted or declined."""
    access_for(actor).check(QUOTE, "edit", quote)
    target = QUOTE_STATES.target(quote.status, action if action in ("accept", "decline") else "")
    if not Quote.objects.filter(pk=quote.pk, status=quote.status).update(status=target):
        raise Conflict(_("Someone else changed this quote meanwhile; reload it."), code="stale")
    audit_update(actor=actor, instance=quote, changes={"status": [quote.status, target]})
    quote.status = target
    return quote


@transaction.atomic
def quote_convert(*, actor, quote: Quote):
    """One step from an accepted quote to a draft contract for its total (CordysCRM #955)."""
    access_for(actor).check(QUOTE, "edit", quote)
    QUOTE_STATES.target(quote.status, "convert")
    if not Quote.objects.filter(pk=quote.pk, status=QuoteStatus.ACCEPTED).update(status=QuoteStatus.CONVERTED):
        raise Conflict(_("Someone else changed this quote meanwhile; reload it."), code="stale")
    contract = contract_create(
        actor=actor,
        customer=quote.customer,
        data={"title": quote.title, "amount": quote.total, "owner": quote.owner,
              "notes": _("From quote %(number)s.") % {"number": quote.number}},
    )
    contract_lines_save(actor=actor, contract=contract, lines=_contract_lines(quote))
    Quote.objects.filter(pk=quote.pk).update(contract=contract)
    quote.status, quote.contract = QuoteStatus.CONVERTED, contract
    audit_update(actor=actor, instance=quote, changes={"status": [QuoteStatus.ACCEPTED, quote.status],
                                                       "contract": [None, contract.pk]})
    return contract


def _contract_lines(quote: Quote) -> list[dict]:
    """The quote's lines, and its tax as a line of its own, so the contract's lines add up to the
    quote's total to the cent."""
    lines = [{"product": line.product, "description": line.description, "quantity": line.quantity,
              "unit_price": line.unit_price, "discount": line.discount}
             for line in quote.lines.select_related("product").order_by("position")]
    if quote.tax:
        lines.append({"description": _("VAT %(rate)s%%") % {"rate": quote.tax_rate}, "quantity": 1,
                      "unit_price": quote.tax, "discount": 0})
    return lines


def quote_decided(quote: Quote, status: str) -> None:
    """The approval engine's outcome: ready to send, or a draft again."""
    target = QuoteStatus.APPROVED if status else QuoteStatus.DRAFT
    Quote.objects.filter(pk=quote.pk).update(status=target)
    quote.status = target


def expiring(today: datetime.date | None = None, days: int = 3):
    today = today or timezone.localdate()
    return Quote.objects.filter(status=QuoteStatus.APPROVED, valid_until__gte=today,
                                valid_until__lte=today + datetime.timedelta(days=days))
