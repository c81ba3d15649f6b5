"""Every JSON body is bounded in depth as it is in size (crm.core.api.parsers): a body nested
past the limit, or too deep for Python's decoder, is a 400 in the JSON error shape, never a 500."""

import pytest

from crm.testing import api_client, api_error


@pytest.mark.parametrize(
    "body",
    [
        "[" * 100_000 + "]" * 100_000,  # past the decoder's recursion limit
        '{"name": ' + '{"a": ' * 40 + "1" + "}" * 40 + "}",  # within it, past ours
        '{"name": NaN}',
        '{"name": "unterminated',
    ],
)
def test_a_json_body_too_deep_or_not_json_is_a_400(sales, body):
    client = api_client(sales.manager)
    response = client.post("/api/v1/customers/", body, content_type="application/json")
    api_error(response, 400)


def test_an_ordinary_nested_body_is_read(sales):
    client = api_client(sales.manager)
    response = client.post("/api/v1/customers/", {"name": "上海浦江电子有限公司", "tags": []}, format="json")
    assert response.status_code in (201, 400), response.content  # read and judged, not refused as JSON
    assert b"nested" not in response.content
