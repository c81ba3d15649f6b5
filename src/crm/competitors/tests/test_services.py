"""Competitors (CMP-1), products (CMP-3) and news (CMP-2) through their services and selectors:
the name unique however it is typed (held by the database too), web addresses http or https only,
function permissions (no data scope), records reached only through their own competitor,
audit entries, search by characters, pinyin and initials, and the demo loader."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from crm.access.engine import access_for
from crm.audit.models import AuditEvent
from crm.competitors import selectors, services
from crm.competitors.models import Competitor, CompetitorNews, CompetitorProduct
from crm.competitors.permissions import COMPETITOR
from crm.competitors.testing import make_competitor, make_news, make_product
from crm.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed


# --- the name ---------------------------------------------------------------------------------------------------
def test_a_competitor_is_created_with_its_derived_keys_and_audited(sales):
    competitor = make_competitor(
        sales.manager, name="  远航软件 ", website="www.yuanhang.example.cn", threat_level="high", size="large"
    )
    competitor.refresh_from_db()
    assert competitor.name == "远航软件" and competitor.name_key == "远航软件"
    assert competitor.search_text == "远航软件 yuanhangruanjian yhrj"
    assert competitor.website == "https://www.yuanhang.example.cn"
    assert competitor.created_by == sales.manager
    event = AuditEvent.objects.get(object_id=str(competitor.pk), action="create")
    assert event.changes["name"] == [None, "远航软件"] and "name_key" not in event.changes


@pytest.mark.parametrize("typed", ["ABC科技", "abc 科技", "ＡＢＣ　科技", " Abc科 技 "])
def test_a_name_taken_however_it_is_typed_is_refused_with_the_existing_name(sales, typed):
    make_competitor(sales.manager, name="abc科技")
    with pytest.raises(Conflict) as caught:
        make_competitor(sales.supervisor, name=typed)
    assert caught.value.code == "duplicate" and caught.value.status == 409
    assert "abc科技" in str(caught.value.fields["name"][0])
    assert Competitor.objects.count() == 1


def test_the_database_itself_refuses_a_second_competitor_with_the_same_name_key(sales):
    make_competitor(sales.manager, name="abc科技")
    with pytest.raises(IntegrityError), transaction.atomic():
        Competitor.objects.create(name="ABC 科技")  # past the services: the unique constraint holds
    assert Competitor.objects.count() == 1


def test_renaming_onto_a_taken_name_is_refused_and_a_change_of_case_is_not(sales):
    make_competitor(sales.manager, name="远航软件")
    other = make_competitor(sales.manager, name="Cloudstart")
    with pytest.raises(Conflict):
        services.competitor_update(actor=sales.manager, competitor=other, data={"name": "远航 软件"})
    services.competitor_update(actor=sales.manager, competitor=other, data={"name": "CloudStart", "notes": "改名"})
    other.refresh_from_db()
    assert other.name == "CloudStart" and other.name_key == "cloudstart" and "cloudstart" in other.search_text
    event = AuditEvent.objects.filter(object_id=str(other.pk), action="update").get()
    assert event.changes == {"name": ["Cloudstart", "CloudStart"], "notes": ["", "改名"]}


def test_a_name_is_required(sales):
    with pytest.raises(ValidationFailed) as caught:
        make_competitor(sales.manager, name="   ")
    assert "name" in caught.value.fields


# --- web addresses ----------------------------------------------------------------------------------------------
REFUSED = ["ftp://files.example.cn", "javascript:alert(1)", "mailto:a@example.cn", "不是网址"]


@pytest.mark.parametrize("address", REFUSED)
def test_web_addresses_other_than_http_and_https_are_refused(sales, address):
    with pytest.raises(ValidationFailed) as caught:
        make_competitor(sales.manager, name="远航软件", website=address)
    assert list(caught.value.fields) == ["website"]
    competitor = make_competitor(sales.manager, name="远航软件")
    with pytest.raises(ValidationFailed) as caught:
        make_news(sales.manager, competitor, source_url=address)
    assert list(caught.value.fields) == ["source_url"]


def test_http_and_https_addresses_are_kept_and_a_bare_host_gets_https(sales):
    competitor = make_competitor(sales.manager, name="远航软件", website="http://yuanhang.example.cn/about")
    assert competitor.website == "http://yuanhang.example.cn/about"
    news = make_news(sales.manager, competitor, source_url="news.example.cn:8080/a?id=1")
    assert news.source_url == "https://news.example.cn:8080/a?id=1"


# --- permissions ------------------------------------------------------------------------------------------------
def test_the_built_in_roles_functions(sales, outsider):
    def functions(user):
        actions = ("view", "create", "edit", "delete", "export")
        return {action for action in actions if access_for(user).can(f"{COMPETITOR}.{action}")}

    assert functions(sales.manager) == {"view", "create", "edit"}
    assert functions(sales.supervisor) == {"view", "create", "edit", "delete", "export"}
    assert functions(sales.executive) == {"view", "export"}
    assert functions(outsider) == set()


def test_a_role_without_the_function_is_refused_and_nothing_changes(sales, outsider):
    competitor = make_competitor(sales.manager)
    product = make_product(sales.manager, competitor)
    news = make_news(sales.manager, competitor)
    with pytest.raises(PermissionDenied):
        make_competitor(outsider, name="蓝海数智")
    with pytest.raises(PermissionDenied):
        make_competitor(sales.executive, name="蓝海数智")
    with pytest.raises(PermissionDenied):
        services.competitor_update(actor=outsider, competitor=competitor, data={"notes": "x"})
    with pytest.raises(PermissionDenied):
        services.competitor_delete(actor=sales.manager, competitor=competitor)  # managers do not delete
    for write in (
        lambda: make_product(sales.executive, competitor, name="新品"),
        lambda: services.product_update(actor=sales.executive, product=product, data={"notes": "x"}),
        lambda: services.product_delete(actor=outsider, product=product),
        lambda: make_news(sales.executive, competitor, title="新闻"),
        lambda: services.news_update(actor=outsider, news=news, data={"title": "x"}),
        lambda: services.news_delete(actor=sales.executive, news=news),
    ):
        with pytest.raises(PermissionDenied):
            write()
    assert Competitor.objects.count() == CompetitorProduct.objects.count() == CompetitorNews.objects.count() == 1
    competitor.refresh_from_db()
    assert competitor.notes == ""
    with pytest.raises(NotFound):
        selectors.competitor_get(user=outsider, pk=competitor.pk)
    assert list(selectors.competitor_list(user=outsider)) == []
    assert selectors.competitor_choices(outsider) == []


def test_every_user_with_the_function_sees_every_competitor(sales):
    """Company-wide knowledge: no data scope, a manager sees what a colleague in 深圳 recorded."""
    competitor = make_competitor(sales.other, name="鼎新信息")
    assert selectors.competitor_get(user=sales.manager, pk=competitor.pk) == competitor
    assert selectors.competitor_choices(sales.manager) == [(competitor.pk, "鼎新信息")]


# --- products and news --------------------------------------------------------------------------------------------
def test_products_and_news_belong_to_their_competitor(sales):
    yuanhang = make_competitor(sales.manager, name="远航软件")
    yunqi = make_competitor(sales.manager, name="云启科技")
    product = make_product(sales.manager, yuanhang, positioning="30–80 万元/套", strengths="集成", weaknesses="贵")
    news = make_news(sales.manager, yuanhang)
    assert selectors.product_get(user=sales.manager, competitor=yuanhang, pk=product.pk) == product
    with pytest.raises(NotFound):
        selectors.product_get(user=sales.manager, competitor=yunqi, pk=product.pk)
    with pytest.raises(NotFound):
        selectors.news_get(user=sales.manager, competitor=yunqi, pk=news.pk)
    with pytest.raises(NotFound):
        selectors.news_get(user=sales.manager, competitor=yuanhang, pk="abc")
    assert list(selectors.product_list(user=sales.manager, competitor=yunqi)) == []


def test_news_needs_a_date_and_a_title_and_the_latest_come_first(sales):
    competitor = make_competitor(sales.manager, name="远航软件")
    with pytest.raises(ValidationFailed) as caught:
        services.news_create(actor=sales.manager, competitor=competitor, data={"title": "", "date": None})
    assert set(caught.value.fields) == {"title", "date"}
    old = make_news(sales.manager, competitor, title="旧闻", day=datetime.date(2024, 1, 5))
    new = make_news(sales.manager, competitor, title="新闻", day=datetime.date(2025, 3, 1))
    other = make_news(sales.manager, make_competitor(sales.manager, name="云启科技"), day=datetime.date(2024, 6, 1))
    assert list(selectors.news_list(user=sales.manager, competitor=competitor)) == [new, old]
    assert list(selectors.latest_news(user=sales.manager)) == [new, other, old]
    assert list(selectors.latest_news(user=sales.manager, filters={"q": "yunqi"})) == [other]
    assert list(selectors.latest_news(user=sales.manager, filters={"competitor": competitor.pk})) == [new, old]
    updated = services.news_update(actor=sales.manager, news=old, data={"content": "补充内容"})
    assert updated.content == "补充内容"


def test_deleting_a_competitor_takes_its_products_and_news_each_audited(sales):
    competitor = make_competitor(sales.manager)
    product = make_product(sales.manager, competitor)
    news = make_news(sales.manager, competitor)
    services.competitor_delete(actor=sales.supervisor, competitor=competitor)
    assert not Competitor.objects.exists() and not CompetitorProduct.objects.exists()
    deleted = set(AuditEvent.objects.filter(action="delete").values_list("object_repr", flat=True))
    assert deleted == {competitor.name, product.name, news.title}


def test_product_changes_are_audited(sales):
    product = make_product(sales.manager, make_competitor(sales.manager))
    services.product_update(actor=sales.manager, product=product, data={"positioning": " 中端 "})
    product.refresh_from_db()
    assert product.positioning == "中端"
    event = AuditEvent.objects.get(object_id=str(product.pk), action="update")
    assert event.changes == {"positioning": ["", "中端"]}
    services.product_delete(actor=sales.manager, product=product)
    assert not CompetitorProduct.objects.exists()


# --- reading ----------------------------------------------------------------------------------------------------------
def test_the_list_finds_by_characters_pinyin_and_initials_and_filters_by_threat(sales):
    yuanhang = make_competitor(sales.manager, name="远航软件股份有限公司", threat_level="high")
    yunqi = make_competitor(sales.manager, name="云启科技", threat_level="low")
    make_product(sales.manager, yuanhang)
    make_product(sales.manager, yuanhang, name="远航云")
    make_news(sales.manager, yuanhang, day=datetime.date(2025, 5, 1))
    make_news(sales.manager, yuanhang, day=datetime.date(2025, 7, 1))

    def found(**filters):
        return [c.name for c in selectors.competitor_list(user=sales.manager, filters=filters)]

    assert found(q="软件") == found(q="yuanhang") == found(q="YHRJ") == found(q="Yuan Hang") == [yuanhang.name]
    assert found(q="yunqi") == found(q="云启") == [yunqi.name]
    assert found(threat_level="low") == [yunqi.name]
    assert found(q="不存在") == []
    row = selectors.competitor_list(user=sales.manager).get(pk=yuanhang.pk)
    assert row.product_count == 2 and row.latest_news_on == datetime.date(2025, 7, 1)
    assert [c.name for c in selectors.competitor_search(user=sales.manager, query="qk", limit=5)] == [yunqi.name]


def test_the_demo_loader_is_idempotent(sales, make_user, org):
    from crm.competitors.demo import COMPETITORS, load

    make_user("admin", role="admin", department=org.head)
    messages = []
    load(messages.append)
    load(messages.append)
    assert Competitor.objects.count() == len(COMPETITORS)
    assert CompetitorProduct.objects.count() == sum(len(row[8]) for row in COMPETITORS)
    assert CompetitorNews.objects.count() == sum(len(row[9]) for row in COMPETITORS)
    assert "0 competitors added" in messages[-1]
