"""The customer settings pages: public pools (CUS-13), tags (CUS-15), custom fields (CUS-14) and
duplicate rules (CUS-8), each behind its own function permissions."""

import pytest
from django.urls import reverse
from django.utils import translation

from crm.access.models import Role, RolePermission
from crm.audit.models import AuditEvent
from crm.customers.models import CustomerKey, CustomField, DuplicateRule, Pool, Tag
from crm.customers.services.pool import customer_release, pool_create
from crm.customers.testing import make_customer

SETTINGS = reverse("customers:settings")
TAGS = reverse("customers:settings_tags")
FIELDS = reverse("customers:settings_fields")
RULES = reverse("customers:settings_duplicates")


def zh(text: str) -> str:
    """What a zh-hans user reads for this message (the English msgid until the catalogue has it)."""
    with translation.override("zh-hans"):
        return translation.gettext(text)


def _html(response) -> str:
    return response.content.decode()


@pytest.fixture
def admin_client(client, admin_user, seeded):
    client.force_login(admin_user)
    return client


def _role_user(make_user, org, code: str, functions: list[str]):
    role = Role.objects.create(code=code, name=code, default_scope="all")
    for function in functions:
        RolePermission.objects.create(role=role, code=function)
    user = make_user(f"u_{code}", department=org.head)
    user.roles.add(role)
    return user


# --- public pools -----------------------------------------------------------------------------------------
def test_the_pools_tab_lists_each_pool_with_the_customers_it_holds(admin_client, admin_user, sales):
    pool_create(actor=admin_user, data={"name": "华东公海"}, departments=[sales.manager.department])
    pool_create(actor=admin_user, data={"name": "华南公海", "no_followup_days": 30, "claim_cap": 200})
    for name in ("上海甲乙科技有限公司", "上海丙丁贸易有限公司"):
        customer = make_customer(manager=sales.manager, name=name)
        customer_release(actor=sales.manager, customer=customer, reason="不再跟进")
    response = admin_client.get(SETTINGS)
    html = _html(response)
    assert response.status_code == 200
    assert html.count('data-testid="pool-row"') == 3  # with the seeded default pool
    rows = {
        name: html.split(f'data-pool="{name}"')[1].split("</tr>")[0] for name in ("华东公海", "华南公海", "公共客户池")
    }
    assert 'data-testid="pool-count">2<' in rows["华东公海"] and "销售一部" in rows["华东公海"]
    assert 'data-testid="pool-count">0<' in rows["华南公海"] and zh("The whole company") in rows["华南公海"]
    assert zh("default") in rows["公共客户池"] and zh("default") not in rows["华南公海"]
    assert 'data-testid="pool-create"' in html and 'data-testid="pool-delete"' in html
    tabs = html.split('data-testid="settings-tabs"')[1].split("</ul>")[0]
    for label in ("Public pools", "Tags", "Custom fields", "Duplicate rules"):
        assert zh(label) in tabs


def test_a_pool_is_created_with_departments_and_bad_numbers_are_refused(admin_client, org):
    url = reverse("customers:settings_pool_create")
    form = admin_client.get(url)
    assert form.status_code == 200
    assert "\u3000上海分公司" in _html(form)  # the department tree, indented
    bad = admin_client.post(url, {"name": "", "no_followup_days": "-3", "warn_days": "abc", "reclaim_days": "30"})
    assert bad.status_code == 400
    errors = bad.context["form"].errors
    assert set(errors) == {"name", "no_followup_days", "warn_days"}
    assert Pool.objects.count() == 1  # the seeded default pool
    response = admin_client.post(
        url,
        {
            "name": "华东公海",
            "description": "华东大区的公海",
            "departments": [org.east.pk, org.shanghai.pk],
            "no_followup_days": "30",
            "no_deal_days": "90",
            "warn_days": "3",
            "claim_cap": "300",
            "reclaim_days": "15",
            "is_default": "on",
            "is_active": "on",
        },
    )
    assert response.status_code == 302 and response.url == SETTINGS
    pool = Pool.objects.get(name="华东公海")
    assert not Pool.objects.get(name="公共客户池").is_default  # one default pool at a time
    assert (pool.no_followup_days, pool.no_deal_days, pool.claim_cap, pool.reclaim_days) == (30, 90, 300, 15)
    assert pool.is_default and pool.is_active
    assert set(pool.departments.values_list("name", flat=True)) == {"华东大区", "上海分公司"}
    assert AuditEvent.objects.filter(object_repr="华东公海").exists()
    duplicate = admin_client.post(url, {"name": "华东公海", "warn_days": "3", "reclaim_days": "30"})
    assert duplicate.status_code == 400 and "name" in duplicate.context["form"].errors


def test_editing_a_pool_moves_the_default_and_its_departments(admin_client, admin_user, org):
    first = Pool.objects.get(is_default=True)
    second = pool_create(actor=admin_user, data={"name": "华南公海"}, departments=[org.south])
    page = admin_client.get(reverse("customers:settings_pool_edit", args=[second.pk]))
    assert page.status_code == 200 and 'value="华南公海"' in _html(page)
    response = admin_client.post(
        reverse("customers:settings_pool_edit", args=[second.pk]),
        {
            "name": "华南公海",
            "departments": [org.shenzhen.pk],
            "warn_days": "5",
            "reclaim_days": "30",
            "is_default": "on",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.is_default and not first.is_default and second.warn_days == 5
    assert list(second.departments.values_list("name", flat=True)) == ["深圳分公司"]
    assert admin_client.get(reverse("customers:settings_pool_edit", args=[9999])).status_code == 404


def test_a_pool_that_holds_customers_is_not_deleted_and_the_reason_is_shown(admin_client, admin_user, sales):
    pool = Pool.objects.get(is_default=True)
    customer = make_customer(manager=sales.manager, name="杭州远洋渔业有限公司")
    customer_release(actor=sales.manager, customer=customer, reason="无意向")
    url = reverse("customers:settings_pool_delete", args=[pool.pk])
    assert admin_client.get(url).status_code == 405
    response = admin_client.post(url, follow=True)
    assert zh("The pool still holds customers. Assign them or move them first.") in _html(response)
    assert Pool.objects.filter(pk=pool.pk).exists()
    empty = pool_create(actor=admin_user, data={"name": "空公海"})
    response = admin_client.post(reverse("customers:settings_pool_delete", args=[empty.pk]), follow=True)
    assert not Pool.objects.filter(pk=empty.pk).exists()
    assert zh("Pool “%(name)s” deleted.") % {"name": "空公海"} in _html(response)


# --- tags -----------------------------------------------------------------------------------------------------
def test_tags_are_listed_by_group_as_coloured_badges(admin_client, admin_user):
    from crm.customers.services.config import tag_create

    tag_create(actor=admin_user, name="合作中", group="合作状态", color="success")
    tag_create(actor=admin_user, name="已停止合作", group="合作状态", color="danger", sort_order=2)
    tag_create(actor=admin_user, name="百万级", group="成交金额", color="warning")
    tag_create(actor=admin_user, name="重点", color="primary")
    html = _html(admin_client.get(TAGS))
    assert html.count('data-testid="tag-group"') == 3
    assert html.index('data-group=""') < html.index('data-group="合作状态"')  # ungrouped first, as sorted
    group = html.split('data-group="合作状态"')[1].split("</section>")[0]
    assert group.count('data-testid="tag-row"') == 2
    assert '<span class="badge text-bg-success">合作中</span>' in group
    assert group.index("合作中") < group.index("已停止合作")
    assert zh("Without a group") in html


def test_a_tag_is_created_edited_and_deleted(admin_client):
    create = reverse("customers:settings_tag_create")
    page = _html(admin_client.get(create))
    assert 'class="badge text-bg-danger"' in page and 'list="tag-groups"' in page  # colour previews, group suggestions
    assert admin_client.post(create, {"name": "", "color": "pink"}).status_code == 400
    response = admin_client.post(create, {"name": " 高意向 ", "group": "意向", "color": "info", "sort_order": "1"})
    assert response.status_code == 302 and response.url == TAGS
    tag = Tag.objects.get()
    assert (tag.name, tag.group, tag.color) == ("高意向", "意向", "info")
    again = admin_client.post(create, {"name": "高意向", "color": "info"})
    assert again.status_code == 400
    assert again.context["form"].errors["name"] == [zh("A tag with this name exists.")]
    response = admin_client.post(
        reverse("customers:settings_tag_edit", args=[tag.pk]), {"name": "强意向", "group": "意向", "color": "danger"}
    )
    assert response.status_code == 302
    tag.refresh_from_db()
    assert (tag.name, tag.color) == ("强意向", "danger")
    admin_client.post(reverse("customers:settings_tag_delete", args=[tag.pk]))
    assert not Tag.objects.exists()


# --- custom fields --------------------------------------------------------------------------------------------
def test_a_choice_field_needs_options_one_per_line(admin_client):
    url = reverse("customers:settings_field_create")
    assert 'value="contact" selected' in _html(admin_client.get(url, {"resource": "contact"}))
    data = {
        "resource": "customer",
        "label": "行业细分",
        "key": "segment",
        "field_type": "choice",
        "options": " \n",
        "is_active": "on",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 400
    assert response.context["form"].errors["options"] == [zh("A choice field needs at least one option.")]
    bad_key = admin_client.post(url, {**data, "key": "Segment-1", "options": "制造\n零售"})
    assert "key" in bad_key.context["form"].errors
    response = admin_client.post(url, {**data, "options": "制造\n 零售 \n\n批发", "required": "on"})
    assert response.status_code == 302 and response.url == f"{FIELDS}?resource=customer"
    field = CustomField.objects.get()
    assert field.options == ["制造", "零售", "批发"] and field.required
    html = _html(admin_client.get(FIELDS))
    assert 'data-key="segment"' in html and "制造、零售、批发" in html
    duplicate = admin_client.post(url, {**data, "options": "甲"})
    assert duplicate.status_code == 400 and duplicate.context["form"].errors["key"]  # the (type, key) pair is taken


def test_the_key_and_type_are_read_only_when_editing(admin_client):
    definition = CustomField.objects.create(key="employees", label="员工人数", field_type="number")
    url = reverse("customers:settings_field_edit", args=[definition.pk])
    page = _html(admin_client.get(url))
    assert page.count("disabled") >= 3  # record type, key, type
    response = admin_client.post(
        url,
        {
            "resource": "contact",
            "key": "staff",
            "field_type": "text",
            "label": "员工数",
            "sort_order": "2",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    definition.refresh_from_db()
    assert (definition.resource, definition.key, definition.field_type) == ("customer", "employees", "number")
    assert (definition.label, definition.sort_order) == ("员工数", 2)


def test_a_field_is_deactivated_then_deleted_and_new_ones_appear_on_the_customer_form(admin_client):
    url = reverse("customers:settings_field_create")
    admin_client.post(
        url,
        {"resource": "customer", "label": "员工人数", "key": "employees", "field_type": "number", "is_active": "on"},
    )
    definition = CustomField.objects.get()
    assert 'name="custom_employees"' in _html(admin_client.get(reverse("customers:create")))
    admin_client.post(reverse("customers:settings_field_toggle", args=[definition.pk]))
    definition.refresh_from_db()
    assert not definition.is_active
    assert 'name="custom_employees"' not in _html(admin_client.get(reverse("customers:create")))
    assert 'data-testid="field-activate"' in _html(admin_client.get(FIELDS))
    admin_client.post(reverse("customers:settings_field_delete", args=[definition.pk]))
    assert not CustomField.objects.exists()


# --- duplicate rules ------------------------------------------------------------------------------------------
def test_the_rules_page_explains_block_and_switching_name_to_block_enforces_keys(admin_client, sales):
    first = make_customer(manager=sales.manager, name="北京华信科技有限公司")
    second = make_customer(manager=sales.colleague, name="华信科技（北京）有限公司")  # warned, confirmed: both exist
    page = admin_client.get(RULES)
    html = _html(page)
    assert html.count('data-testid="rule"') == 5
    assert zh("Similar names can only warn: the database cannot enforce a likeness.") in html
    similar = html.split('data-kind="similar_name"')[1].split("</li>")[0]
    assert 'value="block"' not in similar and 'value="80"' in similar
    data = {
        "mode_name": "block",
        "mode_phone": "warn",
        "mode_email": "warn",
        "mode_credit_code": "block",
        "mode_similar_name": "warn",
        "threshold": "85",
    }
    response = admin_client.post(RULES, data)
    assert response.status_code == 302
    assert DuplicateRule.objects.get(kind="name").mode == "block"
    assert DuplicateRule.objects.get(kind="similar_name").threshold == 85
    enforced = CustomerKey.objects.filter(kind="name", enforced=True).values_list("customer_id", flat=True)
    assert list(enforced) == [first.pk] and second.pk  # the oldest holds the key; the other stays
    assert 'value="block" checked' in _html(admin_client.get(RULES)).split('data-kind="name"')[1].split("</li>")[0]


def test_similar_names_cannot_block_and_the_threshold_is_bounded(admin_client):
    data = {
        "mode_name": "warn",
        "mode_phone": "warn",
        "mode_email": "warn",
        "mode_credit_code": "block",
        "mode_similar_name": "block",
        "threshold": "40",
    }
    response = admin_client.post(RULES, data)
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"mode_similar_name", "threshold"}
    assert dict(DuplicateRule.objects.values_list("kind", "mode"))["similar_name"] == "warn"
    assert DuplicateRule.objects.get(kind="similar_name").threshold == 80


# --- who sees what -------------------------------------------------------------------------------------------
def test_each_tab_needs_its_own_function_permissions(client, make_user, org, seeded):
    tagger = _role_user(make_user, org, "tagger", ["customers.tag.view", "customers.tag.create", "customers.tag.edit"])
    client.force_login(tagger)
    response = client.get(SETTINGS)
    assert response.status_code == 302 and response.url == TAGS
    html = _html(client.get(TAGS))
    tabs = html.split('data-testid="settings-tabs"')[1].split("</ul>")[0]
    assert zh("Tags") in tabs and zh("Public pools") not in tabs and zh("Duplicate rules") not in tabs
    assert 'data-testid="tag-create"' in html
    for url in (FIELDS, RULES, reverse("customers:settings_pool_create"), reverse("customers:settings_field_create")):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("customers:settings_tag_delete", args=[1])).status_code == 403
    assert SETTINGS in _html(client.get(reverse("console:home")))  # the menu entry leads to the tags tab


def test_a_manager_reads_the_settings_but_changes_nothing(client, sales, admin_user):
    tag = Tag.objects.create(name="重点")
    client.force_login(sales.manager)
    html = _html(client.get(SETTINGS))
    assert 'data-testid="pool-create"' not in html and 'data-testid="pool-edit"' not in html
    assert SETTINGS not in _html(client.get(reverse("console:home")))
    rules = _html(client.get(RULES))
    assert "<fieldset disabled>" in rules and 'data-testid="rules-save"' not in rules
    assert client.post(RULES, {"mode_name": "block"}).status_code == 403
    assert (
        client.post(reverse("customers:settings_tag_edit", args=[tag.pk]), {"name": "x", "color": "info"}).status_code
        == 403
    )
    assert client.post(reverse("customers:settings_field_create"), {}).status_code == 403
    assert DuplicateRule.objects.get(kind="name").mode == "warn"


def test_without_any_settings_permission_the_page_is_forbidden(client, make_user, org, seeded):
    user = _role_user(make_user, org, "reader", ["customers.customer.view"])
    client.force_login(user)
    response = client.get(SETTINGS)
    assert response.status_code == 403
    assert zh("You do not have permission to do this.") in _html(response)
