"""Where the portal plugs into the staff CRM: a section of the customer 360 page, for whoever may
edit the customer, to invite contacts and deactivate their accounts."""

from django.utils.translation import gettext_lazy as _

from crm.access.engine import access_for
from crm.customers.permissions import CONTACT, CUSTOMER
from crm.customers.sections import Section, register_section
from crm.portal.models import PortalAccount

SECTION_TEMPLATE = "portal/partials/customer_section.html"
SECTION_SIZE = 100


def section_context(user, customer) -> dict:
    access = access_for(user)
    may_edit = access.allows(CUSTOMER, "edit", customer)
    if not may_edit:
        return {"portal_may_invite": False, "portal_rows": []}
    accounts = {account.contact_id: account for account in PortalAccount.objects.filter(customer=customer)}
    show_email = "email" not in access.concealed_fields(CONTACT)
    rows = [
        {
            "contact": contact,
            "account": accounts.get(contact.pk),
            # The address to invite at: the account's, else the contact's if the user may see it.
            "address": accounts[contact.pk].email if contact.pk in accounts else (contact.email if show_email else ""),
        }
        for contact in customer.contacts.order_by("-is_primary", "id")[:SECTION_SIZE]
    ]
    return {"portal_may_invite": True, "portal_rows": rows}


register_section(
    Section("portal", _("Self-service portal"), SECTION_TEMPLATE, section_context, f"{CUSTOMER}.edit", 80)
)
