"""Which customer an order from the ERP belongs to (ORD-1).

In this order: a link made earlier for the ERP's customer code (CustomerLink); a customer whose
CRM number is that code (an ERP that was given our numbers); the duplicate check's keys, the
normalised name or the unified social credit code, when exactly one customer holds them. A match
found by number or keys is kept as a link, so later orders skip the search and a renamed customer
stays linked. No match: the order is kept with no customer and listed for someone to resolve."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from crm.access.engine import access_for
from crm.audit.services import audit_record
from crm.core.errors import NotFound, ValidationFailed
from crm.customers import normalise
from crm.customers.models import Customer, KeyKind
from crm.customers.selectors.duplicates import key_holders
from crm.orders import totals
from crm.orders.extensions import customers_ordered
from crm.orders.models import EFFECTIVE, CustomerLink, Order
from crm.orders.permissions import ORDER


@dataclass(frozen=True)
class Party:
    """How an order names its customer: the ERP's code, the name and credit code it sent."""

    code: str = ""
    name: str = ""
    credit_code: str = ""


def match_customers(parties: list[Party]) -> dict[Party, int]:
    """{party: customer id} for the parties that match, with a fixed number of queries per call."""
    found: dict[Party, int] = {}
    codes = {p.code for p in parties if p.code}
    links = dict(CustomerLink.objects.filter(code__in=codes).values_list("code", "customer_id")) if codes else {}
    numbered = (
        dict(Customer.objects.filter(number__in=codes - set(links)).values_list("number", "pk")) if codes else {}
    )
    rest = []
    for party in parties:
        customer_id = links.get(party.code) or numbered.get(party.code)
        if customer_id:
            found[party] = customer_id
        else:
            rest.append(party)
    keys = {party: _keys(party) for party in rest}
    wanted: dict[str, set[str]] = {}
    for party_keys in keys.values():
        for kind, value in party_keys:
            wanted.setdefault(kind, set()).add(value)
    holders = key_holders(wanted)
    for party, party_keys in keys.items():
        for key in party_keys:  # the credit code first: it names one company
            ids = holders.get(key, set())
            if len(ids) == 1:
                found[party] = next(iter(ids))
                break
    new_links = {party.code: pk for party, pk in found.items() if party.code and party.code not in links}
    if new_links:
        CustomerLink.objects.bulk_create(
            [CustomerLink(code=code, customer_id=pk) for code, pk in new_links.items()], ignore_conflicts=True
        )
    return found


def _keys(party: Party) -> list[tuple[str, str]]:
    keys = []
    if party.credit_code:
        keys.append((str(KeyKind.CREDIT_CODE), normalise.credit_code_key(party.credit_code)))
    if party.name:
        keys.append((str(KeyKind.NAME), normalise.name_key(party.name)[:120]))
    return [(kind, value) for kind, value in keys if value]


@transaction.atomic
def orders_resolve(*, actor, code: str, customer: Customer) -> int:
    """Name the customer of every unmatched order with the ERP customer code `code`, and of every
    later one: the link is kept. The actor resolves orders and may see the customer. Returns how
    many orders were linked."""
    access = access_for(actor)
    access.require(f"{ORDER}.resolve")
    access.get("customers.customer", customer.pk)  # NotFound outside the actor's scope
    if not code:
        raise ValidationFailed(fields={"code": [_("Name the ERP customer code.")]})
    if not Order.objects.filter(customer=None, customer_code=code).exists():
        raise NotFound(_("No unmatched order has this customer code."))
    link, created = CustomerLink.objects.get_or_create(
        code=code, defaults={"customer": customer, "created_by": actor}
    )
    if not created and link.customer_id != customer.pk:
        CustomerLink.objects.filter(pk=link.pk).update(customer=customer, created_by=actor)
    linked = Order.objects.filter(customer=None, customer_code=code).update(customer=customer)
    audit_record(
        actor=actor,
        action="orders.resolve",
        instance=customer,
        changes={"code": code, "orders": linked},
        message=_("%(count)s orders with the ERP customer code %(code)s linked") % {"count": linked, "code": code},
    )
    if Order.objects.filter(EFFECTIVE, customer=customer, customer_code=code).exists():
        customers_ordered({customer.pk})
    totals.refresh([customer.pk])
    return linked
