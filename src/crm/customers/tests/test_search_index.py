"""The customers' search index kept off the customers row (ADR 0032): written when the tokens
change, never for other changes, emptied with the customers, refilled after a bulk load."""

import pytest
from django.db import connection

from crm.customers.models import Customer, CustomerStatus
from crm.customers.search import PG_TABLE, drop_search_triggers, ensure_search_index, matching
from crm.customers.selectors.customers import customer_search
from crm.customers.services.customers import customer_update, customers_status_move
from crm.customers.testing import make_customer


def _found(query: str) -> list[int]:
    return sorted(Customer.objects.filter(matching(query)).values_list("pk", flat=True))


def _entries() -> dict[int, str]:
    """PostgreSQL: each customer's row of the search table, its tokens as text."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, tokens::text FROM {PG_TABLE}")
        return dict(cursor.fetchall())


def _search_table_writes() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables WHERE relname = %s",
                       [PG_TABLE])
        return cursor.fetchone()[0]


def test_the_tokens_are_searchable_after_create_edit_and_delete(sales):
    customer = make_customer(manager=sales.manager, name="杭州青松科技有限公司")
    other = make_customer(manager=sales.manager, name="苏州明月贸易有限公司")
    assert _found("青松") == [customer.pk]
    assert _found("qingsong") == [customer.pk]
    customer_update(actor=sales.manager, customer=customer, data={"name": "杭州白云科技有限公司"})
    assert _found("青松") == []
    assert _found("白云") == [customer.pk]
    assert [c.pk for c in customer_search(user=sales.manager, query="白云")] == [customer.pk]
    Customer.objects.filter(pk=customer.pk).delete()
    assert _found("白云") == []
    assert _found("明月") == [other.pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the search table is PostgreSQL's")
def test_a_status_change_writes_no_search_entry_and_a_name_change_one(sales):
    names = ("无锡东方机械有限公司", "无锡西山机械有限公司", "无锡北塘机械有限公司")
    customers = [make_customer(manager=sales.manager, name=name) for name in names]
    entries = _entries()
    assert set(entries) == {c.pk for c in customers}
    assert "'东方'" in entries[customers[0].pk]
    before = _search_table_writes()
    customers_status_move(actor=None, customer_ids=[c.pk for c in customers[:2]], action="warn")
    assert Customer.objects.filter(status=CustomerStatus.CHURN_WARNING).count() == 2
    assert _search_table_writes() == before  # no trigger ran: the tokens did not change
    customer_update(actor=sales.manager, customer=customers[2], data={"name": "无锡南湖机械有限公司"})
    assert _search_table_writes() == before + 1
    assert "'南湖'" in _entries()[customers[2].pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the search table is PostgreSQL's")
def test_truncating_the_customers_empties_it(sales):
    make_customer(manager=sales.manager, name="宁波海港物流有限公司")
    assert _entries()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred check pending: TRUNCATE may run
        cursor.execute("TRUNCATE customers_customer CASCADE")
    assert _entries() == {}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the search table is PostgreSQL's")
def test_a_load_without_triggers_is_indexed_in_one_pass_afterwards(sales):
    kept = make_customer(manager=sales.manager, name="温州瓯江电器有限公司")
    drop_search_triggers()
    loaded = make_customer(manager=sales.manager, name="台州椒江模具有限公司")
    Customer.objects.filter(pk=kept.pk).update(search_tokens="")  # a change the triggers did not see
    assert _found("椒江") == []
    ensure_search_index()
    assert _found("椒江") == [loaded.pk]
    assert _found("瓯江") == []
    assert set(_entries()) == {kept.pk, loaded.pk}
    ensure_search_index()  # with every trigger present: nothing refilled, nothing lost
    assert _found("椒江") == [loaded.pk]
