"""REST API of the customer settings: tags (CUS-15), custom fields (CUS-14), public pools (CUS-13),
duplicate rules (CUS-8), and each user's saved list views (CUS-11)."""

from crm.audit.models import AuditEvent
from crm.customers.models import CustomerKey, CustomField, DuplicateRule, Pool, SavedView, Tag
from crm.customers.services.pool import customer_release
from crm.customers.testing import make_customer
from crm.customers.tests.test_api_customers import CUSTOMERS, client_for, error, required_values

TAGS = "/api/v1/customer-tags/"
FIELDS = "/api/v1/customer-custom-fields/"
POOLS = "/api/v1/customer-pools/"
RULES = "/api/v1/customer-duplicate-rules/"
VIEWS = "/api/v1/customer-views/"


def test_tags(sales, admin_user):
    admin = client_for(admin_user)
    response = admin.post(TAGS, {"name": "重点客户", "group": "合作状态", "color": "danger"}, format="json")
    assert response.status_code == 201, response.content
    tag = response.json()
    assert "name" in error(admin.post(TAGS, {"name": "重点客户"}, format="json"), 400)["fields"]
    assert "color" in error(admin.post(TAGS, {"name": "别的", "color": "pink"}, format="json"), 400)["fields"]
    manager = client_for(sales.manager)
    assert [row["name"] for row in manager.get(TAGS, {"search": "重点"}).json()["results"]] == ["重点客户"]
    error(manager.patch(f"{TAGS}{tag['id']}/", {"name": "x"}, format="json"), 403)
    assert admin.patch(f"{TAGS}{tag['id']}/", {"sort_order": 3}, format="json").json()["sort_order"] == 3
    error(admin.get(f"{TAGS}999/"), 404)
    assert admin.delete(f"{TAGS}{tag['id']}/").status_code == 204 and not Tag.objects.exists()


def test_custom_fields_and_their_use_on_customers(sales, admin_user):
    admin = client_for(admin_user)
    body = {"key": "employees", "label": "员工人数", "field_type": "number"}
    response = admin.post(FIELDS, body, format="json")
    assert response.status_code == 201, response.content
    definition = response.json()
    assert definition["resource"] == "customer" and definition["options"] == []
    assert "key" in error(admin.post(FIELDS, body, format="json"), 400)["fields"]
    assert (
        "options"
        in error(admin.post(FIELDS, {**body, "key": "grade", "field_type": "choice"}, format="json"), 400)["fields"]
    )
    assert "key" in error(admin.post(FIELDS, {**body, "key": "Bad Key"}, format="json"), 400)["fields"]
    url = f"{FIELDS}{definition['id']}/"
    error(admin.patch(url, {"key": "staff"}, format="json"), 409, "frozen")
    assert admin.patch(url, {"label": "员工数", "required": True}, format="json").json()["label"] == "员工数"
    error(client_for(sales.manager).post(FIELDS, {**body, "key": "x"}, format="json"), 403)
    assert client_for(sales.manager).get(FIELDS, {"resource": "customer"}).json()["count"] == 1

    api = client_for(sales.manager)
    fields = error(api.post(CUSTOMERS, required_values(name="南京达信物流有限公司"), format="json"), 400)["fields"]
    assert list(fields) == ["custom.employees"]
    created = api.post(CUSTOMERS, required_values(name="南京达信物流有限公司", custom={"employees": 80}), format="json")
    assert created.status_code == 201 and created.json()["custom"] == {"employees": 80}
    assert admin.delete(url).status_code == 204 and not CustomField.objects.exists()


def test_public_pools(sales, admin_user, org):
    admin = client_for(admin_user)
    body = {"name": "华南公海", "departments": [org.south.pk], "no_followup_days": 30, "claim_cap": 100}
    response = admin.post(POOLS, body, format="json")
    assert response.status_code == 201, response.content
    pool = response.json()
    assert pool["departments"] == [org.south.pk] and pool["reclaim_days"] == 30
    assert "name" in error(admin.post(POOLS, body, format="json"), 400)["fields"]
    url = f"{POOLS}{pool['id']}/"
    response = admin.patch(url, {"departments": [], "warn_days": 5}, format="json")
    assert response.json()["departments"] == [] and response.json()["warn_days"] == 5
    error(client_for(sales.supervisor).post(POOLS, {"name": "x"}, format="json"), 403)

    default = Pool.objects.get(is_default=True)
    customer_release(actor=sales.manager, customer=make_customer(manager=sales.manager, name="甲公司"), reason="无需求")
    error(admin.delete(f"{POOLS}{default.pk}/"), 409, "pool_not_empty")
    assert admin.delete(url).status_code == 204
    assert list(Pool.objects.values_list("name", flat=True)) == ["公共客户池"]


def test_duplicate_rules(sales, admin_user):
    admin = client_for(admin_user)
    rules = admin.get(RULES).json()
    assert [(r["kind"], r["mode"]) for r in rules["results"]] == [
        ("name", "warn"),
        ("phone", "warn"),
        ("email", "warn"),
        ("credit_code", "block"),
        ("similar_name", "warn"),
    ]
    assert client_for(sales.manager).get(f"{RULES}phone/").json()["mode"] == "warn"
    error(client_for(sales.manager).patch(f"{RULES}phone/", {"mode": "off"}, format="json"), 403)
    make_customer(manager=sales.colleague, name="苏州恒通机械有限公司", phone="0512-62345678")
    response = admin.patch(f"{RULES}phone/", {"mode": "block"}, format="json")
    assert response.status_code == 200 and response.json()["mode"] == "block"
    assert CustomerKey.objects.filter(kind="phone", enforced=True).count() == 1
    duplicate = required_values(name="另一家公司", phone="0512 6234 5678", confirm_duplicates=True)
    error(client_for(sales.manager).post(CUSTOMERS, duplicate, format="json"), 409, "duplicate")

    error(admin.patch(f"{RULES}similar_name/", {"mode": "block"}, format="json"), 409, "invalid_mode")
    assert "threshold" in error(admin.patch(f"{RULES}similar_name/", {"threshold": 20}, format="json"), 400)["fields"]
    assert admin.patch(f"{RULES}similar_name/", {"threshold": 90}, format="json").json()["threshold"] == 90
    assert "mode" in error(admin.patch(f"{RULES}name/", {"mode": "sometimes"}, format="json"), 400)["fields"]
    error(admin.patch(f"{RULES}nothing/", {"mode": "off"}, format="json"), 404)
    assert DuplicateRule.objects.get(kind="similar_name").threshold == 90
    phone_rule = DuplicateRule.objects.get(kind="phone")
    assert AuditEvent.objects.filter(action="update", object_id=str(phone_rule.pk)).exists()


def test_saved_views_belong_to_their_owner(sales):
    api = client_for(sales.manager)
    body = {
        "name": "我的大客户",
        "logic": "and",
        "conditions": [{"field": "satisfaction", "op": "gte", "value": "4"}],
        "filters": {"manager": "me"},
        "columns": ["number", "name", "level"],
        "ordering": "-created_at",
    }
    response = api.post(VIEWS, body, format="json")
    assert response.status_code == 201, response.content
    view = response.json()
    assert view["owner"] == sales.manager.pk and view["mine"] is True and view["is_shared"] is False
    assert "name" in error(api.post(VIEWS, body, format="json"), 400)["fields"]
    bad = {**body, "name": "坏条件", "conditions": [{"field": "password", "op": "eq", "value": "x"}]}
    error(api.post(VIEWS, bad, format="json"), 400)
    error(api.post(VIEWS, {**body, "name": "公开", "is_shared": True}, format="json"), 403)
    url = f"{VIEWS}{view['id']}/"
    assert api.patch(url, {"name": "大客户"}, format="json").json()["name"] == "大客户"

    colleague = client_for(sales.colleague)
    assert colleague.get(VIEWS).json()["count"] == 0
    error(colleague.get(url), 404)
    shared = client_for(sales.supervisor).post(VIEWS, {**body, "name": "全员视图", "is_shared": True}, format="json")
    assert shared.status_code == 201
    assert [row["name"] for row in colleague.get(VIEWS).json()["results"]] == ["全员视图"]
    error(colleague.delete(f"{VIEWS}{shared.json()['id']}/"), 403)
    assert api.delete(url).status_code == 204
    assert list(SavedView.objects.values_list("name", flat=True)) == ["全员视图"]
