"""Data cleaning (IMP-3): the report of invalid and duplicate data in what the user may edit, and
the bulk fixes (phone numbers in the standard form, invalid e-mails cleared, inactive dictionary
values replaced), batched and audited."""

import pytest

from crm.audit.models import AuditAction, AuditEvent
from crm.customers.models import Contact, Customer, CustomerKey, CustomField
from crm.customers.testing import make_contact, make_customer, picklist
from crm.dictionary.models import DictionaryItem
from crm.imports.services import cleaning


@pytest.fixture
def messy(sales):
    """Data as it comes from an old system: written straight into the tables."""
    a = make_customer(manager=sales.manager, name="上海华信科技有限公司", email="info@huaxin.cn")
    b = make_customer(manager=sales.manager, name="杭州远景网络有限公司")
    c = make_customer(manager=sales.colleague, name="苏州恒通机械有限公司")
    outside = make_customer(manager=sales.other, name="深圳腾飞电子有限公司")
    Customer.objects.filter(pk=a.pk).update(phone="13812345678", fax="(021)62345678")
    Customer.objects.filter(pk=b.pk).update(phone="12345", email="not-an-email", credit_code="91310000600037341X")
    Customer.objects.filter(pk=outside.pk).update(phone="99", email="bad@")
    contact = make_contact(customer=c, name="王小明")
    Contact.objects.filter(pk=contact.pk).update(mobile="+86 139-0000-1111", position="")
    return {"a": a, "b": b, "c": c, "outside": outside, "contact": contact}


def _findings(actor) -> dict:
    return {finding.code: finding for finding in cleaning.cleaning_report(actor=actor)}


def test_the_report_finds_invalid_data_within_the_users_scope(sales, messy):
    old = picklist("customer_level", "2")
    Customer.objects.filter(pk=messy["c"].pk).update(level=old)
    DictionaryItem.objects.filter(pk=old.pk).update(is_active=False)
    CustomField.objects.create(key="employees", label="员工人数", field_type="number", required=True)
    found = _findings(sales.supervisor)
    assert (found["customer.phone"].count, found["customer.phone"].fixable) == (2, 1)  # outside's "99" not counted
    assert (found["customer.fax"].count, found["customer.fax"].fixable) == (1, 1)
    assert found["contact.mobile"].fixable == 1
    assert found["customer.email"].count == 1 and found["customer.email"].samples[0]["value"] == "not-an-email"
    assert found["customer.credit_code"].count == 1
    assert found["customer.level.inactive"].count == 1
    assert found["customer.level.inactive"].extra["items"][0]["entry"] == old.entry
    assert found["customer.custom.employees"].count == 3
    assert found["contact.required"].count == 1
    # A manager sees only their own customers.
    mine = _findings(sales.manager)
    assert mine["customer.phone"].count == 2 and mine["customer.level.inactive"].count == 0


def test_phone_numbers_are_normalised_in_bulk_and_audited(sales, messy):
    keys_before = sorted(CustomerKey.objects.values_list("kind", "value"))
    changed = cleaning.cleaning_fix_phones(actor=sales.supervisor)
    assert changed == 3  # a's phone and fax, the contact's mobile; b's "12345" cannot be fixed
    a = Customer.objects.get(pk=messy["a"].pk)
    assert (a.phone, a.fax) == ("138 1234 5678", "021-62345678")
    assert Contact.objects.get(pk=messy["contact"].pk).mobile == "139 0000 1111"
    assert Customer.objects.get(pk=messy["outside"].pk).phone == "99"  # outside the scope: untouched
    audits = AuditEvent.objects.filter(action=AuditAction.UPDATE, message="data cleaning")
    assert audits.count() == 3
    assert audits.filter(object_id=str(a.pk), changes__phone=["13812345678", "138 1234 5678"]).exists()
    assert sorted(CustomerKey.objects.values_list("kind", "value")) == keys_before  # same digits, same keys
    assert _findings(sales.supervisor)["customer.phone"].fixable == 0


def test_invalid_emails_are_cleared_with_their_keys(sales, messy):
    CustomerKey.objects.create(customer=messy["b"], kind="email", value="not-an-email")
    assert cleaning.cleaning_clear_emails(actor=sales.supervisor) == 1
    assert Customer.objects.get(pk=messy["b"].pk).email == ""
    assert Customer.objects.get(pk=messy["a"].pk).email == "info@huaxin.cn"
    assert not CustomerKey.objects.filter(value="not-an-email").exists()
    assert Customer.objects.get(pk=messy["outside"].pk).email == "bad@"


def test_an_inactive_dictionary_value_is_replaced(sales, messy):
    old, new = picklist("customer_level", "2"), picklist("customer_level", "3")
    Customer.objects.filter(pk__in=[messy["a"].pk, messy["outside"].pk]).update(level=old)
    DictionaryItem.objects.filter(pk=old.pk).update(is_active=False)
    assert cleaning.cleaning_replace_item(actor=sales.supervisor, fieldname="level", old_id=old.pk, new_id=new.pk) == 1
    assert Customer.objects.get(pk=messy["a"].pk).level == new
    assert Customer.objects.get(pk=messy["outside"].pk).level == old
    assert AuditEvent.objects.filter(message="data cleaning", changes__level=[old.pk, new.pk]).count() == 1


def test_the_cleaning_page_reports_and_fixes(client, sales, messy):
    client.force_login(sales.supervisor)
    page = client.get("/data/cleaning/")
    assert page.status_code == 200
    assert 'data-finding="customer.phone"' in page.content.decode()
    response = client.post("/data/cleaning/fix/", {"action": "phones"})
    assert response.status_code == 302
    assert Customer.objects.get(pk=messy["a"].pk).phone == "138 1234 5678"
    client.force_login(sales.executive)  # may see, may not edit
    assert client.get("/data/cleaning/").status_code == 403
