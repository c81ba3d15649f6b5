"""A customer's fields by what people do with them, named once: the form and the 360 page show
them in these groups, the services accept `ENTERED`, merge lets one choose among them."""

BASIC = [
    "name", "region", "manager", "level", "satisfaction", "credit", "customer_type", "source", "industry",
    "potential", "stage",
]
CONTACT_DETAILS = ["phone", "fax", "email", "website", "province", "address", "postcode"]
REGISTRATION = [
    "credit_code", "licence_no", "legal_representative", "registered_capital", "annual_revenue", "bank",
    "bank_account", "local_tax_no", "national_tax_no",
]
# What people enter (form, API, import); the manager changes by handover, the rest is derived.
ENTERED = [name for name in (*BASIC, *CONTACT_DETAILS, *REGISTRATION, "city", "notes") if name != "manager"]
# The 360 page's rows below its header (which shows the name, region, manager, level and ratings).
INFO = [*BASIC[6:], *(name for name in CONTACT_DETAILS if name != "province"), *REGISTRATION, "notes"]
