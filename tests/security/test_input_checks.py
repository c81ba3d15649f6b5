"""Input the CRM must refuse or speak about in the user's language (issue 12 #13)."""

import pytest
from django.utils import translation

from crm.core.errors import ValidationFailed
from crm.customers.normalise import is_valid_website
from crm.customers.testing import make_customer
from crm.identity.services import user_create


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("www.example.com", True),
        ("https://crm.example.cn/about?x=1", True),
        ("http://例子.中国", True),
        ("example.com:8080", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(document.cookie)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("vbscript:msgbox", False),
        ("ftp://files.example.com", False),
        ("mailto:a@example.com", False),
        ("not a url", False),
    ],
)
def test_a_website_is_a_web_address_only(value, valid):
    assert is_valid_website(value) is valid


def test_the_services_refuse_a_script_url_as_a_website(sales):
    with pytest.raises(ValidationFailed) as caught:
        make_customer(manager=sales.manager, name="上海华信网络科技有限公司", website="javascript:alert(1)")
    assert "website" in caught.value.fields
    assert make_customer(manager=sales.manager, name="上海远景贸易有限公司", website="www.yj.cn").website == "www.yj.cn"


def test_the_import_refuses_a_script_url_as_a_website(sales):
    from crm.imports.tests.conftest import csv_bytes, run_import

    header = ["客户名称", "地区", "客户等级", "网址"]
    content = csv_bytes([header, ["上海华信网络科技有限公司", "华东", "A", "javascript:alert(1)"]])
    job = run_import(sales.supervisor, content, "客户.csv")
    assert job.rejected_count == 1 and job.created_count == 0


def test_a_too_short_password_is_refused_in_chinese(admin_user):
    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as caught:
        user_create(actor=admin_user, username="short", password="a1!")
    assert caught.value.fields["password"] == ["密码太短，至少需要 8 个字符。"]


def test_an_export_whose_filter_cannot_apply_exports_nothing_and_says_why(client, sales):
    """Issue 12 #13: a manager outside the caller's scope, or a value no filter takes, used to
    export the caller's whole scope."""
    import csv
    import io

    make_customer(manager=sales.manager, name="上海华信网络科技有限公司")
    client.force_login(sales.supervisor)  # exports 上海分公司 and below; 深圳 is outside
    outside = client.get("/data/exports/new/", {"type": "customers", "format": "csv", "manager": sales.other.pk})
    rows = list(csv.reader(io.StringIO(outside.content.decode("utf-8-sig"))))
    assert outside.status_code == 200 and rows[1:] == []
    refused = client.get("/data/exports/new/", {"type": "customers", "format": "csv", "level": "abc"}, follow=True)
    assert b"PK" not in refused.content[:2] and refused.redirect_chain
    assert list(refused.context["messages"])
