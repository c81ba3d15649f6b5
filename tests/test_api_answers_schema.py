"""The OpenAPI schema says what the API really answers (issue 12 #9): every list and detail
endpoint, called on data that has what a real installation has (a pool customer, a tag of every
colour, contracts, contacts), answers JSON that validates against the schema's response."""

import re

import pytest
from drf_spectacular.generators import SchemaGenerator
from jsonschema import Draft7Validator

from crm.customers.models import Tag
from crm.customers.services.activities import followup_create
from crm.customers.services.contracts import contract_create
from crm.customers.services.pool import customer_release
from crm.customers.testing import make_contact, make_customer, picklist

FORMATS = Draft7Validator.FORMAT_CHECKER
BINARY = ("download", "rejects", "template", "schema", "docs")


def _jsonschema(node):
    """OpenAPI 3.0's `nullable` as JSON Schema's null type, everywhere in the tree."""
    if isinstance(node, list):
        return [_jsonschema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _jsonschema(value) for key, value in node.items()}
    if node.pop("nullable", False):
        return {"anyOf": [node, {"type": "null"}]}
    return node


@pytest.fixture
def data(sales, admin_user):
    for colour, _label in Tag._meta.get_field("color").choices or [(c, c) for c in ("light", "primary")]:
        Tag.objects.get_or_create(name=f"标签{colour}", defaults={"color": colour})
    customer = make_customer(manager=sales.manager, name="上海华信网络科技有限公司", phone="021-62345678")
    customer.tags.set(Tag.objects.all())
    make_contact(customer=customer, name="王芳")
    method = picklist("followup_method")
    followup_create(actor=sales.manager, customer=customer, data={"content": "电话沟通", "method": method})
    contract_create(actor=sales.manager, customer=customer, data={"title": "年度框架协议", "amount": "1000.00"})
    pooled = make_customer(manager=sales.manager, name="深圳腾飞电子有限公司")
    customer_release(actor=sales.manager, customer=pooled, reason="客户暂无需求")
    return customer


def test_every_list_and_detail_answer_validates_against_the_schema(client, admin_user, data):
    schema = SchemaGenerator(urlconf="crm.urls").get_schema(request=None, public=True)
    components = _jsonschema(schema["components"])
    client.force_login(admin_user)
    ids: dict[str, int] = {}
    checked, failures = 0, []
    for path in sorted(schema["paths"], key=lambda p: (p.count("{"), p)):
        operation = schema["paths"][path].get("get")
        if operation is None or any(word in path for word in BINARY):
            continue
        url, missing = path, False
        for name in re.findall(r"{(\w+)}", path):
            if name == "customer_pk":
                url = url.replace("{customer_pk}", str(data.pk))
            elif path.split("{")[0] in ids:
                url = url.replace(f"{{{name}}}", str(ids[path.split("{")[0]]))
            else:
                missing = True
        content = operation["responses"].get("200", {}).get("content", {}).get("application/json")
        if missing or content is None:
            continue
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        body = response.json()
        rows = body.get("results") if isinstance(body, dict) else body
        if isinstance(rows, list) and rows and isinstance(rows[0], dict) and "id" in rows[0]:
            ids.setdefault(path, rows[0]["id"])
        validator = Draft7Validator(
            {"components": components, "allOf": [_jsonschema(content["schema"])]}, format_checker=FORMATS
        )
        failures += [f"{url}: {'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(body)]
        checked += 1
    assert checked > 40 and failures == [], "\n".join(failures)
