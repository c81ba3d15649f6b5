"""The competitor pages through the test client: the list (search, threat filter, paging, export,
a fixed number of queries), the dialogs (create, edit; products and news), the competitor's page
and its sections, delete after confirmation, the company-wide news page and the top search.
Refusals are shown (400 with the reason, 403, 404), never a 500."""

import csv
import datetime
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from crm.competitors.models import Competitor, CompetitorNews, CompetitorProduct
from crm.competitors.testing import make_competitor, make_news, make_product

LIST = reverse("competitors:list")
CREATE = reverse("competitors:create")
HTMX = {"HTTP_HX_REQUEST": "true"}


def zh(text: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(text)


def _html(response) -> str:
    return response.content.decode()


@pytest.fixture
def manager_client(client, sales):
    client.force_login(sales.manager)
    return client


def _names(response) -> list[str]:
    return [c.name for c in response.context["competitors"]]


# --- the list ---------------------------------------------------------------------------------------------------
def test_the_list_searches_and_filters(manager_client, sales):
    make_competitor(sales.manager, name="远航软件股份有限公司", threat_level="high", business="ERP 与 CRM 套件")
    make_competitor(sales.other, name="云启科技", threat_level="low")
    response = manager_client.get(LIST)
    html = _html(response)
    assert response.status_code == 200 and html.count('data-testid="competitor-row"') == 2
    assert "ERP 与 CRM 套件" in html
    assert 'data-testid="competitor-create"' in html and 'data-testid="competitor-export"' not in html
    assert _names(manager_client.get(LIST, {"q": "yhrj"})) == ["远航软件股份有限公司"]
    assert _names(manager_client.get(LIST, {"q": "云启"})) == ["云启科技"]
    assert _names(manager_client.get(LIST, {"threat_level": "high"})) == ["远航软件股份有限公司"]
    assert "data-testid=\"competitor-row\"" not in _html(manager_client.get(LIST, {"q": "没有这家"}))


def test_a_bad_filter_answers_400_with_the_reason_and_the_valid_rest_applies(manager_client, sales):
    make_competitor(sales.manager, name="远航软件")
    response = manager_client.get(LIST, {"threat_level": "extreme", "q": "远航"})
    assert response.status_code == 400
    assert 'data-testid="filter-errors"' in _html(response) and _names(response) == ["远航软件"]


def test_the_list_pages_and_costs_the_same_queries_for_5_and_30_competitors(manager_client, sales):
    for index in range(5):
        make_product(sales.manager, make_competitor(sales.manager, name=f"对手{index}"))
    manager_client.get(LIST)  # warm caches (system settings, content types)
    with CaptureQueriesContext(connection) as five:
        assert manager_client.get(LIST).status_code == 200
    for index in range(5, 30):
        make_news(sales.manager, make_competitor(sales.manager, name=f"对手{index}"))
    with CaptureQueriesContext(connection) as thirty:
        response = manager_client.get(LIST)
    assert len(response.context["competitors"]) == 20
    assert len(thirty) == len(five), [q["sql"] for q in thirty.captured_queries]
    second = manager_client.get(LIST, {"page": 2})
    assert len(second.context["competitors"]) == 10 and "2 / 2" in _html(second)


def test_pages_need_the_function(client, sales, outsider):
    competitor = make_competitor(sales.manager)
    client.force_login(outsider)
    for url in (LIST, CREATE, reverse("competitors:news"), reverse("competitors:detail", args=[competitor.pk])):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("competitors:delete", args=[competitor.pk])).status_code == 403
    client.force_login(sales.executive)  # reads, exports, writes nothing
    assert client.get(LIST).status_code == 200 and client.get(CREATE).status_code == 403
    assert client.get(reverse("competitors:edit", args=[competitor.pk])).status_code == 403
    html = _html(client.get(reverse("competitors:detail", args=[competitor.pk])))
    assert 'data-testid="competitor-edit"' not in html and 'data-testid="add-product"' not in html


# --- create and edit in the dialog --------------------------------------------------------------------------------
def test_create_in_the_dialog(manager_client, sales):
    form = manager_client.get(CREATE, **HTMX)
    assert form.status_code == 200 and 'data-testid="dialog-form"' in _html(form)
    data = {"name": "云启科技", "website": "yunqi.example.cn", "threat_level": "high", "strengths": "价格低"}
    saved = manager_client.post(CREATE, data, **HTMX)
    assert saved.status_code == 204
    assert "crm:saved" in json.loads(saved["HX-Trigger"])
    competitor = Competitor.objects.get()
    assert competitor.website == "https://yunqi.example.cn" and competitor.created_by == sales.manager
    again = manager_client.post(CREATE, {**data, "name": "云启 科技"}, **HTMX)  # htmx: 200, the dialog stays
    assert again.status_code == 200 and "云启科技" in again.context["form"].errors["name"][0]


def test_create_as_a_page_answers_400_with_the_reasons_and_goes_on_to_the_competitor(manager_client, sales):
    make_competitor(sales.manager, name="远航软件")
    taken = manager_client.post(CREATE, {"name": "远航软件", "threat_level": "medium"})
    assert taken.status_code == 400
    assert zh("A competitor with this name exists already: %(name)s.") % {"name": "远航软件"} in _html(taken)
    bad = manager_client.post(CREATE, {"name": "云启", "threat_level": "medium", "website": "ftp://yunqi.example.cn"})
    assert bad.status_code == 400
    assert zh("Enter a web address (http or https), such as www.example.com.") in _html(bad)
    missing = manager_client.post(CREATE, {"threat_level": "severe"})
    assert missing.status_code == 400 and set(missing.context["form"].errors) == {"name", "threat_level"}
    done = manager_client.post(CREATE, {"name": "云启", "threat_level": "low"})
    competitor = Competitor.objects.get(name="云启")
    assert done.status_code == 302 and done["Location"] == reverse("competitors:detail", args=[competitor.pk])


def test_edit_in_the_dialog(manager_client, sales):
    competitor = make_competitor(sales.manager, name="远航软件", strategy="强调上线快")
    url = reverse("competitors:edit", args=[competitor.pk])
    form = manager_client.get(url, **HTMX)
    assert form.status_code == 200 and "强调上线快" in _html(form)
    data = {"name": "远航软件股份", "threat_level": "high", "strategy": "强调移动端"}
    saved = manager_client.post(url, data, **HTMX)
    assert saved.status_code == 204
    competitor.refresh_from_db()
    assert (competitor.name, competitor.strategy, competitor.threat_level) == ("远航软件股份", "强调移动端", "high")
    assert manager_client.get(reverse("competitors:edit", args=[99999])).status_code == 404


# --- the competitor's page ------------------------------------------------------------------------------------------
def test_the_competitors_page_and_its_sections(manager_client, sales):
    competitor = make_competitor(
        sales.manager, name="远航软件", website="https://yuanhang.example.cn", strengths="品牌", weaknesses="实施慢"
    )
    make_product(sales.manager, competitor, positioning="30–80 万元/套")
    make_news(sales.manager, competitor, title="发布半年报", source_url="https://news.example.cn/1")
    response = manager_client.get(reverse("competitors:detail", args=[competitor.pk]))
    html = _html(response)
    assert response.status_code == 200
    for text in ("远航软件", "品牌", "实施慢", "远航 CRM 企业版", "30–80 万元/套", "发布半年报", "2025-06-01"):
        assert text in html, text
    assert 'href="https://yuanhang.example.cn"' in html and 'href="https://news.example.cn/1"' in html
    assert 'data-testid="competitor-delete"' not in html  # managers do not delete
    for key, text in (("profile", "品牌"), ("products", "30–80 万元/套"), ("news", "发布半年报")):
        section = manager_client.get(reverse("competitors:section", args=[competitor.pk, key]), **HTMX)
        assert section.status_code == 200 and text in _html(section) and "<html" not in _html(section)
    assert manager_client.get(reverse("competitors:section", args=[competitor.pk, "secrets"])).status_code == 404
    assert manager_client.get(reverse("competitors:detail", args=[99999])).status_code == 404


def test_delete_after_confirmation(client, sales):
    competitor = make_competitor(sales.manager, name="远航软件")
    make_product(sales.manager, competitor)
    url = reverse("competitors:delete", args=[competitor.pk])
    client.force_login(sales.manager)
    assert client.post(url).status_code == 403
    client.force_login(sales.supervisor)
    page = _html(client.get(reverse("competitors:detail", args=[competitor.pk])))
    assert 'data-testid="competitor-delete"' in page and "data-confirm=" in page
    assert client.get(url).status_code == 405  # only a POST deletes
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == LIST
    assert not Competitor.objects.exists() and not CompetitorProduct.objects.exists()
    assert client.post(url).status_code == 404


# --- products and news ----------------------------------------------------------------------------------------------
def test_products_are_added_edited_and_deleted_under_their_competitor(manager_client, sales):
    competitor = make_competitor(sales.manager, name="远航软件")
    other = make_competitor(sales.manager, name="云启科技")
    create = reverse("competitors:product_create", args=[competitor.pk])
    assert manager_client.post(create, {"positioning": "高端"}, **HTMX).context["form"].errors["name"]
    data = {"name": "远航云", "positioning": "中端", "weaknesses": "功能少"}
    assert manager_client.post(create, data, **HTMX).status_code == 204
    product = CompetitorProduct.objects.get()
    assert product.competitor == competitor and product.created_by == sales.manager
    edit = reverse("competitors:product_edit", args=[competitor.pk, product.pk])
    assert "功能少" in _html(manager_client.get(edit, **HTMX))
    assert manager_client.post(edit, {"name": "远航云 2.0", "positioning": "中端"}, **HTMX).status_code == 204
    product.refresh_from_db()
    assert product.name == "远航云 2.0" and product.weaknesses == ""
    # Another competitor's address for the same product does not exist.
    assert manager_client.get(reverse("competitors:product_edit", args=[other.pk, product.pk])).status_code == 404
    assert manager_client.post(reverse("competitors:product_delete", args=[other.pk, product.pk])).status_code == 404
    deleted = manager_client.post(reverse("competitors:product_delete", args=[competitor.pk, product.pk]), **HTMX)
    assert deleted.status_code == 204 and deleted["HX-Redirect"] == reverse("competitors:detail", args=[competitor.pk])
    assert not CompetitorProduct.objects.exists()


def test_news_is_added_edited_and_deleted_under_its_competitor(manager_client, sales):
    competitor = make_competitor(sales.manager, name="远航软件")
    other = make_competitor(sales.manager, name="云启科技")
    create = reverse("competitors:news_create", args=[competitor.pk])
    bad = manager_client.post(create, {"date": "2025-13-40", "title": "融资", "source_url": "ftp://x.example.cn"})
    assert bad.status_code == 400 and set(bad.context["form"].errors) == {"date", "source_url"}
    data = {"date": "2025-06-18", "title": "完成 C 轮融资", "content": "3 亿元", "source_url": "news.example.cn/c"}
    assert manager_client.post(create, data, **HTMX).status_code == 204
    news = CompetitorNews.objects.get()
    assert news.date == datetime.date(2025, 6, 18) and news.source_url == "https://news.example.cn/c"
    edit = reverse("competitors:news_edit", args=[competitor.pk, news.pk])
    assert 'value="2025-06-18"' in _html(manager_client.get(edit, **HTMX))
    assert manager_client.post(edit, {**data, "title": "完成 C 轮融资 3 亿元"}, **HTMX).status_code == 204
    assert manager_client.get(reverse("competitors:news_edit", args=[other.pk, news.pk])).status_code == 404
    deleted = manager_client.post(reverse("competitors:news_delete", args=[competitor.pk, news.pk]))
    assert deleted.status_code == 302 and not CompetitorNews.objects.exists()


def test_the_latest_news_page(manager_client, sales):
    yuanhang = make_competitor(sales.manager, name="远航软件")
    yunqi = make_competitor(sales.manager, name="云启科技")
    make_news(sales.manager, yuanhang, title="远航半年报", day=datetime.date(2025, 7, 1))
    make_news(sales.manager, yunqi, title="云启融资", day=datetime.date(2025, 8, 1))
    url = reverse("competitors:news")
    html = _html(manager_client.get(url))
    assert html.index("云启融资") < html.index("远航半年报")
    assert "远航半年报" not in _html(manager_client.get(url, {"competitor": yunqi.pk}))
    assert "远航半年报" not in _html(manager_client.get(url, {"q": "融资"}))
    bad = manager_client.get(url, {"competitor": "abc"})
    assert bad.status_code == 400 and "云启融资" in _html(bad)


# --- export and the top search ----------------------------------------------------------------------------------------
def test_export_needs_its_function_and_keeps_the_filters(client, sales):
    make_competitor(sales.manager, name="远航软件", threat_level="high", strengths="品牌")
    make_competitor(sales.manager, name="云启科技", threat_level="low")
    export = reverse("imports:export_new")
    client.force_login(sales.manager)
    assert client.get(export, {"type": "competitors", "format": "csv"}).status_code == 403
    client.force_login(sales.supervisor)
    assert 'data-testid="competitor-export"' in _html(client.get(LIST))
    response = client.get(export, {"type": "competitors", "format": "csv", "threat_level": "high"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == [zh("Name"), zh("Threat level")]
    assert [row[0] for row in rows[1:]] == ["远航软件"] and rows[1][1] == zh("High") and rows[1][5] == "品牌"
    xlsx = client.get(export, {"type": "competitors", "format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    refused = client.get(export, {"type": "competitors", "format": "csv", "threat_level": "extreme"}, follow=True)
    assert refused.redirect_chain and refused["Content-Type"].startswith("text/html")  # no file: nothing exported
    assert list(refused.context["messages"])


def test_the_top_search_finds_competitors_by_pinyin(client, sales, outsider):
    competitor = make_competitor(sales.manager, name="云启科技")
    client.force_login(sales.manager)
    html = _html(client.get(reverse("console:search"), {"q": "yunqi"}))
    assert reverse("competitors:detail", args=[competitor.pk]) in html
    client.force_login(outsider)
    assert reverse("competitors:detail", args=[competitor.pk]) not in _html(
        client.get(reverse("console:search"), {"q": "yunqi"})
    )
