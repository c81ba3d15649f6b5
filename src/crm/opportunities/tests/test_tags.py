"""Opportunity tags (OPP-9): administrators keep the list, whoever develops an opportunity tags it
while it is open, the board, the list and the API filter by a tag within the viewer's scope."""

import pytest
from django.urls import reverse

from crm.core.errors import Conflict, PermissionDenied, ValidationFailed
from crm.opportunities import board, pipelines, selectors, services
from crm.opportunities.models import OpportunityTag, Pipeline
from crm.testing import api_client, api_error

DATA = {"customer_name": "客户", "probability": 20, "summary": "概要", "description": "描述"}


def _developing(sales, owner=None, name="客户"):
    opportunity = services.opportunity_create(actor=sales.supervisor, data={**DATA, "customer_name": name})
    return services.opportunity_assign(actor=sales.supervisor, opportunity=opportunity, owner=owner or sales.manager)


@pytest.fixture
def tags(admin_user):
    names = ("重点", "招投标")
    return [pipelines.tag_create(actor=admin_user, data={"name": name, "color": "danger"}) for name in names]


def test_only_administrators_keep_the_tags_and_names_are_unique(sales, admin_user, tags):
    with pytest.raises(PermissionDenied):
        pipelines.tag_create(actor=sales.supervisor, data={"name": "续约"})
    with pytest.raises(ValidationFailed) as caught:
        pipelines.tag_create(actor=admin_user, data={"name": "重点"})
    assert "name" in caught.value.fields
    pipelines.tag_update(actor=admin_user, tag=tags[0], data={"name": "重点客户", "color": "warning"})
    assert OpportunityTag.objects.get(pk=tags[0].pk).name == "重点客户"


def test_the_developer_tags_an_open_opportunity_and_deleting_a_tag_keeps_the_opportunity(sales, admin_user, tags):
    opportunity = _developing(sales)
    with pytest.raises(PermissionDenied):  # someone else's opportunity: a colleague does not develop it
        services.opportunity_set_tags(actor=sales.colleague, opportunity=opportunity, tags=tags)
    services.opportunity_set_tags(actor=sales.manager, opportunity=opportunity, tags=tags)
    assert {tag.name for tag in opportunity.tags.all()} == {"重点", "招投标"}
    services.opportunity_fail(actor=sales.manager, opportunity=opportunity)
    with pytest.raises(Conflict):  # closed: its tags stay as they were
        services.opportunity_set_tags(actor=sales.manager, opportunity=opportunity, tags=[])
    pipelines.tag_delete(actor=admin_user, tag=tags[0])
    assert [tag.name for tag in opportunity.tags.all()] == ["招投标"]


def test_the_board_and_the_list_filter_by_tag_within_the_scope(client, sales, tags):
    tagged, plain = _developing(sales, name="甲"), _developing(sales, name="乙")
    elsewhere = _developing(sales, owner=sales.colleague, name="丙")
    for opportunity, owner in ((tagged, sales.manager), (elsewhere, sales.colleague)):
        services.opportunity_set_tags(actor=owner, opportunity=opportunity, tags=[tags[0]])
    pipeline = Pipeline.objects.get(is_default=True)
    columns = board.board(user=sales.manager, pipeline=pipeline, filters={"tag": tags[0].pk})
    cards = [card for column in columns for card in column.cards]
    assert [card.customer_name for card in cards] == ["甲"]  # 丙 is tagged too, but not in the manager's scope
    assert [tag.name for tag in cards[0].tags.all()] == ["重点"]
    listed = selectors.opportunity_list(user=sales.manager, filters={"view": "all", "tag": tags[0]})
    assert list(listed) == [tagged] and plain not in listed
    client.force_login(sales.manager)
    page = client.get(reverse("opportunities:board"), {"tag": tags[0].pk}).content.decode()
    assert "甲" in page and "乙" not in page
    page = client.get(reverse("opportunities:list"), {"view": "all", "tag": tags[0].pk}).content.decode()
    assert tagged.number in page and plain.number not in page


def test_the_board_reads_the_cards_tags_in_one_query(sales, tags, django_assert_max_num_queries):
    for index in range(5):
        opportunity = _developing(sales, name=f"客户{index}")
        services.opportunity_set_tags(actor=sales.manager, opportunity=opportunity, tags=tags)
    pipeline = Pipeline.objects.get(is_default=True)
    board.board(user=sales.manager, pipeline=pipeline)  # warm the engine's caches: then stages, totals, cards, tags
    with django_assert_max_num_queries(4):
        columns = board.board(user=sales.manager, pipeline=pipeline)
        names = [tag.name for column in columns for card in column.cards for tag in card.tags.all()]
    assert len(names) == 10


def test_the_api_sets_lists_and_filters_tags(sales, tags):
    opportunity = _developing(sales)
    api = api_client(sales.manager)
    url = f"/api/v1/opportunities/{opportunity.pk}/"
    answer = api.patch(url, {"tags": [tags[1].pk]}, format="json")
    assert answer.status_code == 200 and answer.json()["tags"] == [tags[1].pk]
    assert api.patch(url, {"tags": [999999]}, format="json").status_code == 400
    listed = api.get("/api/v1/opportunities/", {"tag": tags[1].pk}).json()["results"]
    assert [row["id"] for row in listed] == [opportunity.pk]
    assert api.get("/api/v1/opportunities/", {"tag": tags[0].pk}).json()["results"] == []
    names = [row["name"] for row in api.get("/api/v1/opportunity-tags/").json()["results"]]
    assert names == ["招投标", "重点"]
    services.opportunity_fail(actor=sales.manager, opportunity=opportunity)
    refused = api.patch(url, {"tags": []}, format="json")
    api_error(refused, 409, "illegal_transition")


def test_the_settings_page_adds_and_deletes_a_tag(client, admin_user):
    client.force_login(admin_user)
    answer = client.post(reverse("opportunities:tag_create"), {"name": "续约", "color": "info"})
    assert answer.status_code == 302
    tag = OpportunityTag.objects.get(name="续约")
    assert "续约" in client.get(reverse("opportunities:pipelines")).content.decode()
    assert client.post(reverse("opportunities:tag_delete", args=[tag.pk])).status_code == 302
    assert not OpportunityTag.objects.filter(pk=tag.pk).exists()
