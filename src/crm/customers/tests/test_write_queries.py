"""The statements of the everyday writes (issue 19): each is counted, so a change that adds one is
seen. Measured times: `python -m bench.run --only 'writes.*'` (docs/benchmarks.md).

Counted as a request meets them: the user loaded anew (the permission engine reads its roles),
the settings held in memory (duplicate rules, custom fields, content types) already read; the
test's transaction turns each atomic block into a SAVEPOINT and its RELEASE."""

import pytest
from django.db import connection

from crm.customers.models import Contact, Customer, CustomerKey, FollowUp
from crm.customers.services.activities import followup_create, followup_update
from crm.customers.services.contacts import contact_create, contact_update
from crm.customers.services.customers import customer_create, customer_update
from crm.customers.testing import make_contact, make_customer, picklist
from crm.identity.models import User

# The permission engine: which roles the user holds. What those roles allow (their functions, scopes
# and field rules: three more) is held per process and set of roles (ADR 0028); it was 4.
ENGINE = 1
# Edit rights on one customer: the user's shares that allow editing, then the record in scope.
EDIT_RIGHTS = 2


def key_locks(count: int) -> int:
    """PostgreSQL holds each duplicate key of the customer being written (an advisory lock a key)."""
    return count if connection.vendor == "postgresql" else 0


@pytest.fixture
def warm(sales):
    """One of each write done before, so what every process holds in memory is held."""
    customer = make_customer(manager=sales.manager, name="上海远景贸易有限公司", phone="021-62345678")
    contact = make_contact(customer=customer)
    followup_create(
        actor=sales.manager, customer=customer, data={"method": picklist("followup_method"), "content": "首次拜访"}
    )
    return customer, contact


def _fresh(user) -> User:
    return User.objects.select_related("department").get(pk=user.pk)


def test_creating_a_customer(sales, warm, django_assert_num_queries):
    data = {
        "name": "北京华信科技有限公司",
        "phone": "13812345678",
        "region": picklist("region"),
        "level": picklist("customer_level"),
        "satisfaction": 3,
        "credit": 3,
    }
    actor = _fresh(sales.manager)
    # the engine; the manager in scope; the region and level picklists; the keys held (PostgreSQL);
    # the duplicate keys and the similar names; the number; the customer; its keys (in a savepoint:
    # a key taken meanwhile is a conflict, 3); audit; timeline; the service's own transaction
    # (SAVEPOINT, RELEASE)
    with django_assert_num_queries(ENGINE + 1 + 2 + key_locks(2) + 2 + 1 + 1 + 3 + 1 + 1 + 2):
        customer = customer_create(actor=actor, data=data, manager=actor)
    assert customer.number and customer.search_tokens
    assert CustomerKey.objects.filter(customer=customer).count() == 4  # name, phone, brand and its sound


def test_editing_a_customers_phone(sales, warm, django_assert_num_queries):
    customer = make_customer(manager=sales.manager, name="北京华信科技有限公司", phone="13812345678")
    actor = _fresh(sales.manager)
    # the customer locked; the engine; edit rights; the keys held; the duplicate keys and similar names; its contacts
    # for the search tokens; the customer; its keys replaced (savepoint, delete, insert, release);
    # audit; timeline; the transaction
    with django_assert_num_queries(1 + ENGINE + EDIT_RIGHTS + key_locks(2) + 2 + 1 + 1 + 4 + 1 + 1 + 2):
        customer_update(actor=actor, customer=customer, data={"phone": "13812345679", "address": "人民路 2 号"})
    customer = Customer.objects.get(pk=customer.pk)
    assert customer.phone == "138 1234 5679" and "13812345679" in customer.search_tokens
    assert set(CustomerKey.objects.filter(customer=customer).values_list("value", flat=True)) == {
        "华信科技",
        "13812345679",
        "华信",
        "huaxin",
    }


def test_adding_a_contact(sales, warm, django_assert_num_queries):
    customer, _contact = warm
    actor = _fresh(sales.manager)
    data = {
        "name": "王五",
        "gender": "male",
        "position": "经理",
        "office_phone": "021-62345699",
        "mobile": "13912345678",
    }
    # the engine; edit rights on the customer; is it the first contact; the customer (the one-primary
    # constraint names it) and that constraint (in a savepoint, 3); the contact; its keys; the
    # customer's contacts and its search tokens; audit; timeline; the transaction
    with django_assert_num_queries(ENGINE + EDIT_RIGHTS + 1 + 1 + 3 + 1 + 1 + 2 + 1 + 1 + 2):
        contact = contact_create(actor=actor, customer=customer, data=data)
    assert "13912345678" in Customer.objects.get(pk=customer.pk).search_tokens
    assert CustomerKey.objects.filter(contact=contact).count() == 2


def test_editing_a_contacts_mobile(sales, warm, django_assert_num_queries):
    _customer, contact = warm
    actor = _fresh(sales.manager)
    contact = Contact.objects.select_related("customer").get(pk=contact.pk)
    # the engine; edit rights; the customer and the one-primary constraint (3); the contact; its keys
    # replaced (2); the customer's contacts and its search tokens; audit; the transaction
    with django_assert_num_queries(ENGINE + EDIT_RIGHTS + 1 + 3 + 1 + 2 + 2 + 1 + 2):
        contact_update(actor=actor, contact=contact, data={"mobile": "13912345670", "position": "总监"})
    assert "13912345670" in Customer.objects.get(pk=contact.customer_id).search_tokens


def test_recording_a_follow_up(sales, warm, django_assert_num_queries):
    customer, _contact = warm
    actor = _fresh(sales.manager)
    method = picklist("followup_method")
    # the engine; edit rights; the method picklist; the follow-up; the customer's latest follow-up
    # and its dates; the author's follow-up tally and day (ADR 0027); audit; timeline; the transaction
    with django_assert_num_queries(ENGINE + EDIT_RIGHTS + 1 + 1 + 2 + 2 + 1 + 1 + 2):
        followup = followup_create(actor=actor, customer=customer, data={"method": method, "content": "电话沟通"})
    assert Customer.objects.get(pk=customer.pk).last_followup_at == followup.followed_at


def test_editing_a_follow_ups_content(sales, warm, django_assert_num_queries):
    customer, _contact = warm
    followup = FollowUp.objects.select_related("customer").get(customer=customer)
    actor = _fresh(sales.manager)
    # the engine; edit rights; the follow-up; audit; the transaction. The customer's follow-up
    # dates stay: neither the time nor the next date changed.
    with django_assert_num_queries(ENGINE + EDIT_RIGHTS + 1 + 1 + 2):
        followup_update(actor=actor, followup=followup, data={"content": "再次沟通"})
    assert FollowUp.objects.get(pk=followup.pk).content == "再次沟通"
