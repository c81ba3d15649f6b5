"""The know-how board: likes unique and toggled, Chinese search by a two-character word and by
pinyin, tags, most liked first, the author edits and deletes, moderators delete any, answers."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from crm.audit.models import AuditEvent
from crm.bulletin import selectors, services
from crm.bulletin.models import Post, PostLike
from crm.bulletin.testing import make_post
from crm.core.errors import PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db


def test_likes_are_unique_and_toggle(sales):
    post = make_post(sales.manager)
    assert services.post_like_toggle(actor=sales.colleague, post=post) == (True, 1)
    assert services.post_like_toggle(actor=sales.other, post=post) == (True, 2)
    assert services.post_like_toggle(actor=sales.colleague, post=post) == (False, 1)
    assert services.post_like_toggle(actor=sales.colleague, post=post) == (True, 2)
    with pytest.raises(IntegrityError), transaction.atomic():
        PostLike.objects.create(post=post, user=sales.colleague)
    assert PostLike.objects.filter(post=post).count() == 2 == Post.objects.get(pk=post.pk).like_count
    answer = services.answer_create(actor=sales.colleague, post=post, body="同意，先问预算。")
    assert services.answer_like_toggle(actor=sales.manager, answer=answer) == (True, 1)
    assert services.answer_like_toggle(actor=sales.manager, answer=answer) == (False, 0)


def test_chinese_search_finds_a_post_by_a_two_character_word_and_by_pinyin(sales):
    tip = make_post(sales.manager, "拜访前的三分钟准备", "查看客户最近的跟进记录和官网新闻。", tags="拜访")
    make_post(sales.manager, "大客户报价技巧", "先摸清采购流程。", tags="报价")

    def found(query):
        return [post.title for post in selectors.post_list(user=sales.other, filters={"q": query})]

    assert found("官网") == [tip.title]
    assert found("跟进 新闻") == [tip.title]
    assert found("baifang") == [tip.title] and found("BFQ") == [tip.title]
    assert found("招标") == []
    assert [p.title for p in selectors.post_list(user=sales.other, filters={"tag": "报价"})] == ["大客户报价技巧"]


def test_most_liked_first(sales):
    plain = make_post(sales.manager, "普通经验")
    liked = make_post(sales.manager, "热门经验")
    services.post_like_toggle(actor=sales.colleague, post=liked)
    ordered = [p.pk for p in selectors.post_list(user=sales.manager, filters={"ordering": "liked"})]
    assert ordered == [liked.pk, plain.pk]
    assert [p.pk for p in selectors.post_list(user=sales.manager)] == [liked.pk, plain.pk]  # newest first too


def test_the_author_edits_and_deletes_moderators_delete_any(sales):
    post = make_post(sales.manager)
    with pytest.raises(PermissionDenied):
        services.post_update(actor=sales.colleague, post=post, data={"title": "改"})
    with pytest.raises(PermissionDenied):
        services.post_delete(actor=sales.colleague, post=post)
    services.post_update(actor=sales.manager, post=post, data={"title": "改过的标题", "tags": "报价，谈判"})
    assert post.tag_list == ["报价", "谈判"]
    assert selectors.post_list(user=sales.manager, filters={"q": "改过"}).get() == post
    answer = services.answer_create(actor=sales.colleague, post=post, body="好经验")
    services.answer_delete(actor=sales.supervisor, answer=answer)  # a moderator
    services.post_delete(actor=sales.supervisor, post=post)
    assert not Post.objects.exists()
    assert AuditEvent.objects.filter(content_type__model="post").count() == 3


def test_too_many_tags_are_refused(sales):
    with pytest.raises(ValidationFailed) as refused:
        make_post(sales.manager, tags=",".join(f"标签{n}" for n in range(11)))
    assert "tags" in refused.value.fields


def test_pages_post_answer_like_and_search(client, sales):
    client.force_login(sales.manager)
    data = {"title": "电话约访话术", "body": "先说明来意。", "tags": "电话"}
    response = client.post(reverse("bulletin:post_create"), data)
    assert response.status_code == 302
    post = Post.objects.get()
    client.force_login(sales.colleague)
    assert "电话约访话术" in client.get(reverse("bulletin:posts"), {"q": "约访"}).content.decode()
    assert "电话约访话术" not in client.get(reverse("bulletin:posts"), {"q": "招标"}).content.decode()
    liked = client.post(reverse("bulletin:post_like", args=[post.pk]), HTTP_HX_REQUEST="true")
    assert liked.status_code == 200 and 'aria-pressed="true"' in liked.content.decode()
    assert client.post(reverse("bulletin:answer_create", args=[post.pk]), {"body": "很实用"}).status_code == 302
    page = client.get(reverse("bulletin:post", args=[post.pk])).content.decode()
    assert "很实用" in page and 'data-testid="post-delete"' not in page
    assert client.post(reverse("bulletin:answer_create", args=[post.pk]), {"body": ""}).status_code == 400
    too_long = client.get(reverse("bulletin:posts"), {"q": "长" * 200})
    assert too_long.status_code == 400


def test_list_queries_do_not_grow_with_the_page(client, sales, org, admin_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from crm.bulletin.testing import announce
    from crm.testing import api_client

    client.force_login(sales.manager)
    api = api_client(sales.manager)
    urls = [reverse("bulletin:posts"), reverse("bulletin:announcements"), "/api/v1/know-how/", "/api/v1/announcements/"]

    def queries() -> list[int]:
        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as context:
                assert (api if url.startswith("/api/") else client).get(url).status_code == 200
            counts.append(len(context.captured_queries))
        return counts

    make_post(sales.colleague)
    announce(admin_user, org.sales1)
    queries()
    one = queries()
    for number in range(15):
        post = make_post(sales.colleague, title=f"经验 {number}", tags=f"标签{number}")
        services.post_like_toggle(actor=sales.manager, post=post)
        announce(admin_user, org.sales1, org.shanghai, title=f"通知 {number}")
    queries()  # the banner is read again after the announcements (then cached)
    assert queries() == one
