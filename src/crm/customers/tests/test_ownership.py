"""Sharing (CUS-6), handover singly and in bulk with history (CUS-7), employee departure (ORG-7),
and transfer requests after a blocked create (CUS-8)."""

import datetime

import pytest

from crm.audit.models import AuditAction, AuditEvent
from crm.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from crm.customers.models import ContractStatus, Customer, EventKind, TransferStatus
from crm.customers.selectors.customers import customer_get, customer_list
from crm.customers.services.contracts import contract_create
from crm.customers.services.customers import customer_update
from crm.customers.services.duplicates import customer_from_transfer_token, duplicate_rule_set, transfer_token
from crm.customers.services.ownership import customer_share, customer_unshare, customers_handover
from crm.customers.services.transfers import transfer_request_create, transfer_request_decide
from crm.customers.testing import make_customer
from crm.identity.services import user_depart


def test_a_read_share_shows_and_an_edit_share_also_edits(sales):
    customer = make_customer(manager=sales.manager, name="常州天合光电有限公司")
    with pytest.raises(NotFound):
        customer_get(user=sales.other, pk=customer.pk)
    customer_share(actor=sales.manager, customer=customer, users=[sales.other])
    assert customer_get(user=sales.other, pk=customer.pk) == customer
    with pytest.raises(PermissionDenied):
        customer_update(actor=sales.other, customer=customer, data={"address": "常州"})
    customer_share(actor=sales.manager, customer=customer, users=[sales.other], can_edit=True)
    customer_update(actor=sales.other, customer=customer, data={"address": "常州武进区"})
    customer_unshare(actor=sales.manager, customer=customer, user=sales.other)
    with pytest.raises(NotFound):
        customer_get(user=sales.other, pk=customer.pk)
    assert customer.events.filter(kind=EventKind.SHARED).count() == 3


def test_handover_moves_customers_and_their_open_contracts_and_keeps_history(sales):
    first = make_customer(manager=sales.manager, name="无锡红豆纺织有限公司")
    second = make_customer(manager=sales.manager, name="无锡远东电缆有限公司")
    contract = contract_create(
        actor=sales.manager,
        customer=first,
        data={"title": "年度供货", "amount": "120000", "status": ContractStatus.ACTIVE,
              "signed_on": datetime.date(2026, 1, 5)},
    )
    with pytest.raises(PermissionDenied):
        customers_handover(
            actor=sales.manager, customers=[first], to_manager=sales.colleague
        )  # managers lack the right
    with pytest.raises(ValidationFailed):
        customers_handover(actor=sales.supervisor, customers=[first], to_manager=sales.other)  # outside the scope
    moved = customers_handover(
        actor=sales.supervisor, customers=[first, second], to_manager=sales.colleague, note="调整客户分配"
    )
    assert moved == 2
    assert set(Customer.objects.filter(manager=sales.colleague).values_list("pk", flat=True)) == {first.pk, second.pk}
    contract.refresh_from_db()
    assert contract.owner == sales.colleague
    event = first.events.get(kind=EventKind.HANDED_OVER)
    assert event.data == {"manager": [sales.manager.pk, sales.colleague.pk]} and event.summary == "调整客户分配"
    assert AuditEvent.objects.filter(action=AuditAction.HANDOVER, object_id=str(second.pk)).exists()
    with pytest.raises(NotFound):
        customer_get(user=sales.manager, pk=first.pk)


def test_a_departing_employee_hands_every_customer_over_with_history(sales, admin_user):
    customers = [make_customer(manager=sales.manager, name=f"合肥第{i}机电有限公司") for i in range(3)]
    moved = user_depart(actor=admin_user, user=sales.manager, successor=sales.colleague)
    assert moved["customers.customer.manager"] == 3
    assert Customer.objects.filter(manager=sales.colleague).count() == 3
    assert all(c.events.filter(kind=EventKind.HANDED_OVER).exists() for c in customers)


def test_a_blocked_salesperson_asks_the_owners_supervisor(sales, admin_user):
    duplicate_rule_set(actor=admin_user, kind="name", mode="block")
    customer = make_customer(manager=sales.manager, name="嘉兴五芳斋食品股份有限公司")
    token = transfer_token(actor=sales.other, customer=customer)
    with pytest.raises(NotFound):
        customer_from_transfer_token(actor=sales.colleague, token=token)  # bound to who was blocked
    assert customer_from_transfer_token(actor=sales.other, token=token) == customer
    request = transfer_request_create(actor=sales.other, customer=customer, reason="客户主动联系我司深圳分公司")
    assert request.approver == sales.supervisor
    with pytest.raises(Conflict):
        transfer_request_create(actor=sales.other, customer=customer, reason="再次申请")
    with pytest.raises(PermissionDenied):
        transfer_request_decide(actor=sales.colleague, request=request, approve=True)
    transfer_request_decide(actor=sales.supervisor, request=request, approve=True, note="同意")
    request.refresh_from_db()
    customer.refresh_from_db()
    assert request.status == TransferStatus.APPROVED and customer.manager == sales.other
    with pytest.raises(Conflict):
        transfer_request_decide(actor=sales.supervisor, request=request, approve=False)


def test_lists_are_scoped_for_every_action(sales):
    mine = make_customer(manager=sales.manager, name="绍兴黄酒集团有限公司")
    make_customer(manager=sales.other, name="东莞电子厂有限公司")
    assert list(customer_list(user=sales.manager)) == [mine]
    assert list(customer_list(user=sales.manager, action="export")) == []  # no export right
    assert customer_list(user=sales.executive, action="export").count() == 2
    assert customer_list(user=sales.supervisor).count() == 1  # 深圳 is outside 上海's subtree
