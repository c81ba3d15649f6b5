"""The customer and contract lists' charts (issue 17 §3): what they may be grouped by and summed,
and their records: the lists' own filters (quick filters, conditions) on the viewer's scope."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm.charts import fields
from crm.charts.registry import ChartSource, Measure, checked, dated, register
from crm.core.errors import ValidationFailed
from crm.customers.forms import CustomerFilterForm
from crm.customers.forms_admin import ContractFilterForm
from crm.customers.models import ContractStatus, CustomerStatus
from crm.customers.models.customer import RATING_CHOICES
from crm.customers.permissions import CONTRACT, CUSTOMER
from crm.customers.selectors.customers import customer_list
from crm.customers.selectors.related import contract_list


def customer_records(user, params):
    """The page's filters, read as the page reads them; what the page would leave out is a 400 here."""
    form = CustomerFilterForm(params)
    filters = form.filters()
    if form.non_field_errors():
        raise ValidationFailed("; ".join(form.non_field_errors()))
    return customer_list(user=user, filters=filters)


register(
    ChartSource(
        code="customers",
        label=_("Customers"),
        resource=CUSTOMER,
        records=customer_records,
        list_url="customers:list",
        not_drilled=("view",),
        groups=[
            fields.picklist("level", _("Customer level"), drill="level"),
            fields.picklist("region", _("Region"), drill="region"),
            fields.picklist("source", _("Customer source"), drill="source"),
            fields.picklist("industry", _("Industry"), drill="industry"),
            fields.picklist("customer_type", _("Customer type"), drill="customer_type"),
            fields.picklist("stage", _("Customer stage"), drill="stage"),
            fields.picklist("potential", _("Development potential"), drill="potential"),
            fields.region("province", _("Province"), drill="province"),
            fields.choice("status", _("Status"), CustomerStatus.choices, drill="status"),
            fields.choice("satisfaction", _("Satisfaction"), RATING_CHOICES),
            fields.choice("credit", _("Credit"), RATING_CHOICES),
            *fields.owner("manager", _("Account manager"), drill="manager"),
            *dated("created", pgettext_lazy("chart", "Created"), "created_at", drill=("created_from", "created_to")),
        ],
        measures=[
            Measure("registered_capital", _("Registered capital (10k CNY)"), "registered_capital"),
            Measure("annual_revenue", _("Annual revenue (10k CNY)"), "annual_revenue"),
            Measure("satisfaction", _("Satisfaction"), "satisfaction"),
            Measure("credit", _("Credit"), "credit"),
        ],
    )
)


register(
    ChartSource(
        code="contracts",
        label=_("Contracts"),
        resource=CONTRACT,
        records=lambda user, params: contract_list(user=user, filters=checked(ContractFilterForm(params or None))),
        list_url="customers:contract_list",
        groups=[
            fields.choice("status", _("Status"), ContractStatus.choices, drill="status"),
            *fields.owner("owner", _("Owner")),
            fields.picklist("customer_level", _("Customer level"), "customer__level"),
            *dated("signed", _("Signed on"), "signed_on", drill=("signed_from", "signed_to")),
        ],
        measures=[
            Measure("amount", _("Amount (CNY)"), "amount"),
            Measure("received_amount", _("Received"), "received_amount"),
            Measure("invoiced_amount", _("Invoiced"), "invoiced_amount"),
        ],
    )
)
