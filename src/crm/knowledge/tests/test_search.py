"""Full-text search in Chinese and English (SRV-7), on the database the suite runs on (SQLite's
FTS5 or PostgreSQL's weighted tsvector): words segmented by jieba on both sides, English words
whatever their case, title matches first, drafts never suggested, the query bounded."""

import pytest

from crm.knowledge import selectors, tokens
from crm.knowledge.index import PG_INDEX
from crm.knowledge.models import Article
from crm.knowledge.testing import make_article


def titles(articles) -> list[str]:
    return [article.title for article in articles]


@pytest.fixture
def library(sales):
    sup = sales.supervisor
    garbled = make_article(
        sup,
        "Excel 导入后中文显示乱码",
        "将 Excel 文件另存为“CSV UTF-8（逗号分隔）”格式后重新导入。",
        problem="客户导入联系人后，姓名一列全是问号和乱码。",
        tags="导入, Excel",
        publish_as=sup,
    )
    login = make_article(
        sup, "登录失败提示密码错误", "检查大小写锁定，或由管理员重置密码。", tags="登录", publish_as=sup
    )
    invoice = make_article(
        sup, "如何开具增值税专用发票", "在订单页点击开票，填写纳税人识别号和开户行。", tags="发票", publish_as=sup
    )
    return garbled, login, invoice


def test_chinese_words_find_the_article_and_nothing_unrelated(library, sales):
    garbled, login, invoice = library
    assert titles(selectors.article_list(user=sales.manager, filters={"q": "导入乱码"})) == [garbled.title]
    assert titles(selectors.article_list(user=sales.manager, filters={"q": "专用发票"})) == [invoice.title]
    assert titles(selectors.article_list(user=sales.manager, filters={"q": "登录失败怎么办"})) == [login.title]
    # every word must match: 乱码 is in one article, 发票 in another
    assert titles(selectors.article_list(user=sales.manager, filters={"q": "乱码 发票"})) == []
    assert titles(selectors.article_list(user=sales.manager, filters={"q": "物流"})) == []


def test_english_words_whatever_their_case_and_width(library, sales):
    garbled = library[0]
    for query in ("excel", "EXCEL", "Excel 乱码", "ＥＸＣＥＬ", "utf"):
        assert titles(selectors.article_list(user=sales.manager, filters={"q": query})) == [garbled.title], query
    assert titles(selectors.article_list(user=sales.manager, filters={"q": "word"})) == []


def test_tags_and_product_are_searched_too(library, sales):
    make_article(sales.supervisor, "打印模板错位", "调整页边距。", product="云 CRM 专业版", publish_as=sales.supervisor)
    assert titles(selectors.article_list(user=sales.manager, filters={"q": "专业版"})) == ["打印模板错位"]
    assert titles(selectors.article_list(user=sales.manager, filters={"tag": "发票"})) == [library[2].title]
    assert titles(selectors.article_list(user=sales.manager, filters={"tag": "发"})) == []  # whole tags only


def test_title_matches_rank_above_solution_matches(sales):
    sup = sales.supervisor
    # The solution-only article repeats the words, and is newer: still below the title match.
    repeated = "数据导入 乱码 的处理：先看数据导入 乱码 的日志。" * 3
    in_solution = make_article(sup, "客户资料批量修改", repeated, publish_as=sup)
    in_title = make_article(sup, "数据导入乱码", "检查文件编码。", publish_as=sup)
    newer = make_article(sup, "数据导入后乱码怎么处理", "另存为 UTF-8。", publish_as=sup)
    Article.objects.filter(pk=in_solution.pk).update(updated_at=newer.updated_at)
    found = titles(selectors.article_list(user=sales.manager, filters={"q": "数据导入乱码"}))
    assert set(found[:2]) == {in_title.title, newer.title}
    assert found[2] == in_solution.title
    assert titles(selectors.article_list(user=sales.manager, filters={"q": "乱码"}))[-1] == in_solution.title


def test_suggest_returns_published_matches_best_first_and_never_drafts(library, sales):
    garbled, login, _invoice = library
    draft = make_article(sales.manager, "导入 Excel 出现乱码（草稿）", "未完成")
    text = "客户反映：用 Excel 导入客户资料以后，中文全部变成乱码，请尽快处理"
    suggested = selectors.suggest(text)
    assert suggested[0] == garbled
    assert draft not in suggested and login not in suggested
    assert selectors.suggest(text, limit=0) == []
    assert selectors.suggest("！？。") == []
    assert selectors.suggest(text, user=sales.manager)[0] == garbled


def test_drafts_are_seen_by_their_author_and_editors_only(sales, agent, marketer):
    draft = make_article(agent, "报表导出超时", "缩小日期范围。")
    assert titles(selectors.article_list(user=agent, filters={"q": "导出"})) == [draft.title]
    assert titles(selectors.article_list(user=sales.supervisor, filters={"q": "导出"})) == [draft.title]
    assert titles(selectors.article_list(user=sales.manager, filters={"q": "导出"})) == []
    assert titles(selectors.article_list(user=marketer)) == []


def test_queries_are_bounded():
    long_query = " ".join(f"词{i}" for i in range(200))
    assert len(tokens.query_terms(long_query)) <= tokens.MAX_QUERY_TERMS
    assert len(tokens.suggestion_terms("数据导入乱码 " * 1000)) <= tokens.MAX_SUGGEST_TERMS
    assert tokens.query_terms("的了吗？！") == []
    assert tokens.query_terms("导入乱码") == ["导入", "乱码"]
    assert tokens.query_terms("增值税专用发票") == ["增值", "增值税", "专用", "发票"]


def test_a_compound_word_finds_its_parts_written_apart(sales):
    make_article(sales.supervisor, "专用的发票怎么开", "在合同页申请。", publish_as=sales.supervisor)
    make_article(sales.supervisor, "增值服务说明", "购买增值服务。", publish_as=sales.supervisor)
    assert titles(selectors.article_list(user=sales.manager, filters={"q": "专用发票"})) == ["专用的发票怎么开"]
    assert titles(selectors.article_list(user=sales.manager, filters={"q": "增值税"})) == []


def test_a_query_with_nothing_searchable_matches_nothing(library, sales):
    assert titles(selectors.article_list(user=sales.manager, filters={"q": "？！"})) == []
    assert len(selectors.article_list(user=sales.manager, filters={})) == 3


def test_global_search_finds_articles_by_title(library, sales):
    assert titles(selectors.article_search(user=sales.manager, query="乱码", limit=5)) == [library[0].title]
    assert selectors.article_search(user=sales.manager, query="纳税人", limit=5) == []  # solution only


def test_changes_reindex_the_article(library, sales):
    login = library[1]
    from crm.knowledge import services

    services.article_update(actor=sales.supervisor, article=login, data={"title": "账号被锁定"})
    assert titles(selectors.article_list(user=sales.manager, filters={"q": "账号锁定"})) == ["账号被锁定"]
    assert selectors.article_search(user=sales.manager, query="登录失败", limit=5) == []
    services.article_delete(actor=sales.supervisor, article=login)
    assert titles(selectors.article_list(user=sales.manager, filters={"q": "密码"})) == []


def test_postgresql_searches_through_the_gin_index(library, sales):
    """On PostgreSQL the condition is the indexed expression itself (the plan names the index
    once sequential scans are priced out, as they are on a big table)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    # The supervisor reads every draft too: no status condition for the planner to prefer.
    queryset = selectors.article_list(user=sales.supervisor, filters={"q": "导入乱码"})
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert PG_INDEX in plan, plan
