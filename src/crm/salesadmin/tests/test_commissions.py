"""Commissions 提成 (issue 18 §4, done means): a salesperson's, a team's (销售一部) and a branch's
(上海分公司) commissions equal a straightforward computation over the records written here; tier
boundaries; a locked month refuses every change (service, page, API) and its corrections go into
the next month; data scope (own lines, the subtree, 404 outside); the calculation is set-based."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crm.audit.models import AuditEvent
from crm.core.errors import Conflict, PermissionDenied, ValidationFailed
from crm.customers.models import Contract, Customer
from crm.opportunities.models import Opportunity, OpportunityStatus
from crm.orders.models import Product
from crm.sales.models import ContractLine, Quote, QuoteLine, QuoteStatus, Receipt, ReceiptStatus
from crm.salesadmin.models import CommissionLine, CommissionMonth, CommissionRule, LineKind, MonthStatus, Target
from crm.salesadmin.periods import month
from crm.salesadmin.selectors.commissions import line_list, month_view
from crm.salesadmin.services.commissions import (
    adjustment_add,
    adjustment_delete,
    clean_tiers,
    month_calculate,
    month_lock,
    month_review,
    rule_save,
    tier_for,
)
from crm.salesadmin.services.targets import target_set
from crm.salesadmin.tests.work_data import NOVEMBER, independent, make_work
from crm.testing import api_client, api_error, make_user

pytestmark = pytest.mark.django_db

DECEMBER = datetime.date(2026, 12, 1)
RECEIVED_TIERS = [{"from": "0", "rate": "2"}, {"from": "80", "rate": "3"}, {"from": "100", "rate": "5"}]
WON_TIERS = [{"from": "0", "rate": "1"}, {"from": "100", "rate": "1.5"}]
SOFTWARE_TIERS = [{"from": "0", "rate": "1"}, {"from": "50", "rate": "4"}]


def _product(name: str, category: str) -> Product:
    return Product.objects.create(external_id=f"P-{name}", name=name, category=category)


def _line(model, position, product, amount, **parent):
    return model.objects.create(position=position, product=product, description=product.name if product else "服务",
                                quantity=1, unit_price=Decimal(amount), amount=Decimal(amount), **parent)


@pytest.fixture
def products(sales):
    """The manager's 50,000 receipt of 2026-11-05 is on a contract 60% software; the colleague's
    40,000 one on a contract 25% software; the manager's 120,000 won opportunity has an accepted
    quote half software (and a declined quote all software, which does not count)."""
    make_work(sales)
    software, hardware = _product("CRM 软件", "软件"), _product("服务器", "硬件")
    first = Receipt.objects.get(number="HK00000").contract
    _line(ContractLine, 1, software, "300000", contract=first)
    _line(ContractLine, 2, hardware, "200000", contract=first)
    colleague = Receipt.objects.get(number="HK00004").contract
    _line(ContractLine, 1, software, "100000", contract=colleague)
    _line(ContractLine, 2, None, "300000", contract=colleague)
    won = Opportunity.objects.get(owner=sales.manager, expected_amount=Decimal("120000"))
    customer = Customer.objects.filter(manager=sales.manager).first()
    for status, lines in ((QuoteStatus.ACCEPTED, [(software, "60000"), (hardware, "60000")]),
                          (QuoteStatus.DECLINED, [(software, "99000")])):
        quote = Quote.objects.create(number=f"BJ-{status}", customer=customer, opportunity=won, title="报价",
                                     valid_until=DECEMBER, status=status, owner=sales.manager)
        for position, (product, amount) in enumerate(lines, 1):
            _line(QuoteLine, position, product, amount, quote=quote)
    return {"software": software, "hardware": hardware}


@pytest.fixture
def rules(sales, admin_user, products):
    target_set(actor=sales.supervisor, month=NOVEMBER, user=sales.manager,
               data={"won_amount": "200000", "received": "100000"})  # 75% and 70%
    target_set(actor=sales.supervisor, month=NOVEMBER, user=sales.colleague,
               data={"won_amount": "80000", "received": "30000"})  # 100% and 133.3%
    target_set(actor=sales.executive, month=NOVEMBER, user=sales.supervisor,
               data={"won_amount": "100000", "received": "30000"})  # 10%, no receipts
    return [
        rule_save(actor=admin_user, data={"name": "回款提成", "basis": "received", "tiers": RECEIVED_TIERS}),
        rule_save(actor=admin_user, data={"name": "成交提成", "basis": "won", "tiers": WON_TIERS}),
        rule_save(actor=admin_user, data={"name": "软件回款奖励", "basis": "received", "category": "软件",
                                          "tiers": SOFTWARE_TIERS}),
    ]


# --- the independent computation --------------------------------------------------------------------------
def _cents(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _share(lines, category) -> Decimal | None:
    """The category's share of these lines' amounts (None: no category, the whole)."""
    if not category:
        return None
    whole = sum((line.amount for line in lines), Decimal(0))
    part = sum((line.amount for line in lines if line.product and line.product.category == category), Decimal(0))
    return part / whole if whole else Decimal(0)


def _basis(rule, user_id) -> tuple[Decimal, int]:
    """The basis and the number of documents that count (a share above 0 for a category)."""
    counted = []
    if rule.basis == "received":
        for receipt in Receipt.objects.select_related("contract"):
            day = receipt.received_on
            if receipt.status == ReceiptStatus.CONFIRMED and receipt.contract.owner_id == user_id and \
                    NOVEMBER <= day <= datetime.date(2026, 11, 30):
                share = _share(list(receipt.contract.lines.select_related("product")), rule.category)
                counted.append(receipt.amount if share is None else share and _cents(receipt.amount * share))
    else:
        start, end = month(NOVEMBER).times()
        for opportunity in Opportunity.objects.all():
            if opportunity.status == OpportunityStatus.WON and opportunity.owner_id == user_id and \
                    start <= opportunity.closed_at < end:
                lines = [line for quote in opportunity.quotes.all()
                         if quote.status in (QuoteStatus.ACCEPTED, QuoteStatus.CONVERTED)
                         for line in quote.lines.select_related("product")]
                share = _share(lines, rule.category)
                counted.append(opportunity.expected_amount if share is None
                               else share and _cents(opportunity.expected_amount * share))
    counted = [value for value in counted if rule.category == "" or value]
    return sum(counted, Decimal(0)), len(counted)


def expected(rules, user_ids) -> dict[tuple[int, str], Decimal]:
    """{(user id, rule name): commission} counted record by record."""
    found = {}
    for user_id in user_ids:
        actuals = independent({user_id}, NOVEMBER, datetime.date(2026, 11, 30))
        target = Target.objects.filter(user_id=user_id, month=NOVEMBER).first()
        for rule in rules:
            basis, documents = _basis(rule, user_id)
            if not documents:
                continue
            measure = "received" if rule.basis == "received" else "won_amount"
            goal = getattr(target, measure, None) if target else None
            attainment = (actuals[measure] * 100 / goal).quantize(Decimal("0.1")) if goal else Decimal(0)
            rate = [Decimal(t["rate"]) for t in rule.tiers if attainment >= Decimal(t["from"])][-1]
            found[(user_id, rule.name)] = _cents(basis * rate / 100)
    return found


def _computed(user) -> dict[tuple[int, str], Decimal]:
    row = CommissionMonth.objects.get(month=NOVEMBER)
    return {(line.user_id, line.rule_name): line.amount for line in line_list(user=user, period=row)}


# --- tests ------------------------------------------------------------------------------------------------
def test_commissions_equal_an_independent_computation(sales, org, rules):
    month_calculate(actor=_admin(), month=NOVEMBER)
    people = {sales.manager.pk, sales.colleague.pk, sales.supervisor.pk, sales.other.pk}
    want = expected(rules, people)
    # The data is what the test means it to be: the manager 70% of the received target (2%), 75%
    # of the won target (1%); 60% of 50,000 received is software, half of the 120,000 won.
    assert want[(sales.manager.pk, "回款提成")] == Decimal("1400.00")  # 70,000 × 2%
    assert want[(sales.manager.pk, "成交提成")] == Decimal("1500.01")  # 150,000.50 × 1%
    assert want[(sales.manager.pk, "软件回款奖励")] == Decimal("1200.00")  # 30,000 × 4% (70% ≥ 50%)
    assert want[(sales.colleague.pk, "回款提成")] == Decimal("2000.00")  # 40,000 × 5% (133.3%)
    assert want[(sales.colleague.pk, "软件回款奖励")] == Decimal("400.00")  # 10,000 × 4%
    assert want[(sales.colleague.pk, "成交提成")] == Decimal("1200.00")  # 80,000 × 1.5% (100%)
    assert want[(sales.other.pk, "回款提成")] == Decimal("1200.00")  # 60,000 × 2%, no target

    assert _computed(_admin()) == want
    salesperson = {k: v for k, v in want.items() if k[0] == sales.manager.pk}
    assert _computed(sales.manager) == salesperson

    view = month_view(user=sales.executive, period=CommissionMonth.objects.get(month=NOVEMBER))
    totals = {item.department.pk: item.total for item in view["departments"]}

    def summed(ids):
        return sum((v for k, v in want.items() if k[0] in ids), Decimal(0))

    assert totals[org.sales1.pk] == summed({sales.manager.pk, sales.colleague.pk})  # the team
    assert totals[org.shanghai.pk] == summed({sales.manager.pk, sales.colleague.pk, sales.supervisor.pk})  # branch
    assert view["total"] == summed(people)

    line = CommissionLine.objects.get(user=sales.manager, rule_name="软件回款奖励")
    assert line.explanation["documents_count"] == 1
    assert line.explanation["documents"][0] == {"kind": "receipt", "id": Receipt.objects.get(number="HK00000").pk,
                                                "number": "HK00000", "date": "2026-11-05", "amount": "50000.00",
                                                "share": "0.6000", "counted": "30000.00"}
    assert (line.attainment, line.rate, line.tier_from) == (Decimal("70.0"), Decimal("4"), Decimal("50"))


def _admin():
    from crm.identity.models import User

    return User.objects.get(username="admin1")


def test_recalculation_is_idempotent_and_keeps_adjustments(sales, rules):
    admin = _admin()
    month_calculate(actor=admin, month=NOVEMBER)
    first = _computed(admin)
    adjustment_add(actor=admin, month=NOVEMBER, user=sales.manager, amount="-100", reason="重复计提")
    Receipt.objects.create(number="HK-LATE", contract=Contract.objects.get(number="HT00000"), amount=Decimal("30000"),
                           received_on=datetime.date(2026, 11, 28), status=ReceiptStatus.CONFIRMED)
    month_calculate(actor=admin, month=NOVEMBER)
    again = _computed(admin)
    assert again[(sales.manager.pk, "回款提成")] == Decimal("5000.00")  # 100,000: 100% of the target, 5%
    assert again == {**first, **expected(rules, {sales.manager.pk}), (sales.manager.pk, ""): Decimal("-100.00")}
    assert CommissionLine.objects.filter(kind=LineKind.ADJUSTMENT).count() == 1
    assert AuditEvent.objects.for_object(CommissionMonth.objects.get()).count() == 2


def test_tier_boundaries():
    tiers = clean_tiers(RECEIVED_TIERS)
    assert [tier_for(tiers, Decimal(a))["rate"] for a in ("0", "79.9", "80.0", "99.9", "100.0", "250")] == [
        "2.00", "2.00", "3.00", "3.00", "5.00", "5.00"]
    assert tier_for(tiers, None)["rate"] == "2.00"  # no target: the first tier
    for bad in ([], [{"from": "10", "rate": "2"}], [{"from": "0", "rate": "2"}, {"from": "0", "rate": "3"}],
                [{"from": "0", "rate": "101"}], [{"from": "0"}], [{"from": "x", "rate": "1"}]):
        with pytest.raises(ValidationFailed):
            clean_tiers(bad)


def test_a_tier_boundary_in_the_calculation(sales, rules):
    # 80,000 received of a 100,000 target: exactly 80.0%, the 3% tier.
    Receipt.objects.create(number="HK-10K", contract=Contract.objects.get(number="HT00000"), amount=Decimal("10000"),
                           received_on=datetime.date(2026, 11, 6), status=ReceiptStatus.CONFIRMED)
    month_calculate(actor=_admin(), month=NOVEMBER)
    line = CommissionLine.objects.get(user=sales.manager, rule_name="回款提成")
    assert (line.attainment, line.rate, line.amount) == (Decimal("80.0"), Decimal("3"), Decimal("2400.00"))


def test_a_locked_month_cannot_change(sales, rules, client):
    admin = _admin()
    month_calculate(actor=admin, month=NOVEMBER)
    with pytest.raises(Conflict):
        month_lock(actor=admin, month=NOVEMBER)  # not reviewed yet
    month_review(actor=admin, month=NOVEMBER)
    month_lock(actor=admin, month=NOVEMBER)
    before = list(CommissionLine.objects.values_list("pk", "amount"))
    with pytest.raises(Conflict):
        month_calculate(actor=admin, month=NOVEMBER)
    with pytest.raises(Conflict):
        month_review(actor=admin, month=NOVEMBER)
    api = api_client(admin)
    for step in ("calculate", "review", "lock"):
        api_error(api.post(f"/api/v1/commissions/2026-11/{step}/"), 409, "illegal_transition")
    client.force_login(admin)
    refused = client.post(reverse("salesadmin:commission_calculate", args=["2026-11"]), follow=True)
    assert refused.status_code == 200 and "已锁定" in refused.content.decode()
    adjustment = adjustment_add(actor=admin, month=NOVEMBER, user=sales.manager, amount="50", reason="补发")
    assert adjustment.period.month == DECEMBER  # not the locked month
    assert list(CommissionLine.objects.filter(period__month=NOVEMBER).values_list("pk", "amount")) == before
    assert CommissionMonth.objects.get(month=NOVEMBER).status == MonthStatus.LOCKED


def test_corrections_go_into_the_next_open_month(sales, rules, client):
    admin = _admin()
    for day in (NOVEMBER, DECEMBER):
        month_calculate(actor=admin, month=day)
        month_review(actor=admin, month=day)
        month_lock(actor=admin, month=day)
    api = api_client(admin)
    answer = api.post("/api/v1/commissions/2026-11/adjustments/",
                      {"user": sales.manager.pk, "amount": "-200.50", "reason": "十一月回款退回"}, format="json")
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["month"] == "2027-01-01" and body["corrects"] == "2026-11" and body["amount"] == "-200.50"
    line = CommissionLine.objects.get(kind=LineKind.ADJUSTMENT)
    assert line.period.status == MonthStatus.DRAFT
    client.force_login(admin)
    page = client.get(reverse("salesadmin:commission_line", args=[line.pk]))
    assert page.status_code == 200 and "十一月回款退回" in page.content.decode()
    api_error(api.post("/api/v1/commissions/2026-12/adjustments/", {"user": sales.manager.pk, "amount": "0",
                                                                   "reason": ""}, format="json"), 400)
    # An adjustment of the open month may be taken back; a locked month's lines never.
    adjustment_delete(actor=admin, line=line)
    locked = CommissionLine.objects.filter(period__month=NOVEMBER).first()
    api_error(api.delete(f"/api/v1/commission-lines/{locked.pk}/"), 409)
    assert CommissionLine.objects.filter(pk=locked.pk).exists()


def test_data_scope(sales, rules, client):
    month_calculate(actor=_admin(), month=NOVEMBER)
    row = CommissionMonth.objects.get(month=NOVEMBER)
    assert {line.user_id for line in line_list(user=sales.manager, period=row)} == {sales.manager.pk}
    assert {line.user_id for line in line_list(user=sales.supervisor, period=row)} == {sales.manager.pk,
                                                                                      sales.colleague.pk,
                                                                                      sales.supervisor.pk}
    assert {line.user_id for line in line_list(user=sales.executive, period=row)} >= {sales.other.pk}
    mine = CommissionLine.objects.filter(user=sales.manager).first()
    for outsider in (sales.other, sales.colleague):
        client.force_login(outsider)
        assert client.get(reverse("salesadmin:commission_line", args=[mine.pk])).status_code == 404
        api_error(api_client(outsider).get(f"/api/v1/commission-lines/{mine.pk}/"), 404, "not_found")
    body = api_client(sales.supervisor).get("/api/v1/commissions/2026-11/").json()
    assert {line["user"] for line in body["lines"]} == {sales.manager.pk, sales.colleague.pk, sales.supervisor.pk}
    listed = api_client(sales.manager).get("/api/v1/commission-lines/?month=2026-11").json()
    assert {line["user"] for line in listed["results"]} == {sales.manager.pk}
    client.force_login(sales.supervisor)
    page = client.get(reverse("salesadmin:commissions") + "?month=2026-11").content.decode()
    assert "周杰" in page and "陈静" not in page


def test_who_may_do_what(sales, rules, admin_user):
    for user in (sales.manager, sales.supervisor, sales.executive):
        with pytest.raises(PermissionDenied):
            month_calculate(actor=user, month=NOVEMBER)
        with pytest.raises(PermissionDenied):
            rule_save(actor=user, data={"name": "x", "basis": "won", "tiers": WON_TIERS})
        api_error(api_client(user).post("/api/v1/commissions/2026-11/calculate/"), 403)
        api_error(api_client(user).post("/api/v1/commission-rules/", {"name": "x"}, format="json"), 403)
    assert api_client(sales.manager).get("/api/v1/commission-rules/").status_code == 200
    assert api_client(sales.manager).get("/api/v1/commissions/2026-11/").status_code == 404  # not calculated


def test_rules_validate_and_are_audited(admin_user, products):
    api = api_client(admin_user)
    bad = api.post("/api/v1/commission-rules/", {"name": "软件", "basis": "received", "category": "不存在",
                                                  "tiers": [{"from": "5", "rate": "2"}]}, format="json")
    fields = api_error(bad, 400)["fields"]
    assert set(fields) == {"category", "tiers"}
    made = api.post("/api/v1/commission-rules/", {"name": "软件提成", "basis": "received", "category": "软件",
                                                   "tiers": SOFTWARE_TIERS}, format="json")
    assert made.status_code == 201, made.content
    rule = made.json()
    assert rule["tiers"] == [{"rate": "1.00", "from": "0.00"}, {"rate": "4.00", "from": "50.00"}]
    changed = api.put(f"/api/v1/commission-rules/{rule['id']}/", {**rule, "active": False, "tiers": WON_TIERS},
                      format="json")
    assert changed.status_code == 200 and changed.json()["active"] is False
    assert AuditEvent.objects.for_object(CommissionRule.objects.get(pk=rule["id"])).count() == 2


def test_the_calculation_is_set_based(sales, rules):
    admin = _admin()
    month_calculate(actor=admin, month=NOVEMBER)
    with CaptureQueriesContext(connection) as few:
        month_calculate(actor=admin, month=NOVEMBER)
    for index in range(6):  # six more people with receipts
        person = make_user(f"extra{index}", role="manager", department=sales.manager.department)
        contract = Contract.objects.create(number=f"HT-X{index}", customer=Customer.objects.first(), title="合同",
                                           amount=Decimal("1000"), owner=person)
        Receipt.objects.create(number=f"HK-X{index}", contract=contract, amount=Decimal("1000"),
                               received_on=datetime.date(2026, 11, 10), status=ReceiptStatus.CONFIRMED)
    with CaptureQueriesContext(connection) as many:
        month_calculate(actor=admin, month=NOVEMBER)
    assert len(many) == len(few)


def test_demo_loads_once(sales, admin_user, products):
    from crm.salesadmin.commission_demo import load

    admin_user.username = "admin"
    admin_user.save(update_fields=["username"])
    log = []
    load(log.append)
    assert CommissionRule.objects.count() == 2  # no product of the IoT category here
    assert list(CommissionMonth.objects.values_list("status", flat=True)) == ["draft", "locked"]
    load(log.append)
    assert log[-1] == "salesadmin commissions: already loaded"


def test_a_month_exports_within_the_scope(sales, rules, client):
    from crm.imports.services import exports as service

    month_calculate(actor=_admin(), month=NOVEMBER)
    with pytest.raises(PermissionDenied):  # salespeople read their lines, they do not export them
        service.export_start(actor=sales.manager, record_type="commissions", params="month=2026-11")
    exported = service.export_start(actor=sales.supervisor, record_type="commissions", params="month=2026-11",
                                    fmt="csv")
    assert exported.rows == CommissionLine.objects.filter(
        user__in=[sales.manager, sales.colleague, sales.supervisor]).count() == 7
    assert "刘洋" in exported.content.decode("utf-8-sig") and "陈静" not in exported.content.decode("utf-8-sig")
    everybody = service.export_start(actor=sales.executive, record_type="commissions", fmt="xlsx")
    assert everybody.rows == CommissionLine.objects.count() == 9
    client.force_login(sales.supervisor)
    assert "commission-export" in client.get(reverse("salesadmin:commissions") + "?month=2026-11").content.decode()


def test_the_month_page_reads_a_fixed_number_of_queries(sales, rules, client):
    month_calculate(actor=_admin(), month=NOVEMBER)
    client.force_login(sales.executive)
    url = reverse("salesadmin:commissions") + "?month=2026-11"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for index in range(5):
        person = make_user(f"late{index}", department=sales.other.department)
        adjustment_add(actor=_admin(), month=NOVEMBER, user=person, amount="10", reason="补发")
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert page.status_code == 200 and page.content.decode().count('data-testid="commission-line"') == 14
    assert len(many) == len(few)


def test_a_category_line_explains_its_share(sales, rules, client):
    month_calculate(actor=_admin(), month=NOVEMBER)
    line = CommissionLine.objects.get(user=sales.manager, rule_name="软件回款奖励")
    client.force_login(sales.manager)
    page = client.get(reverse("salesadmin:commission_line", args=[line.pk])).content.decode()
    assert "HK00000" in page and "0.6000" in page and "30,000.00" in page and "HK00001" not in page
    assert "¥30,000.00 × 4% = <strong>¥1,200.00</strong>" in page
    detail = api_client(sales.manager).get(f"/api/v1/commission-lines/{line.pk}/").json()
    assert detail["explanation"]["tier"] == {"from": "50.00", "rate": "4.00"} and detail["amount"] == "1200.00"
