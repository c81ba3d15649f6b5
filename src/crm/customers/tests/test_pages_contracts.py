"""Contracts (CUS-16) and attachments (CUS-12): the list with filters, sorting, paging and
export; create, detail, edit, delete; upload, download and delete of files, all through the
permission engine (a record outside the user's scope is a 404)."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from crm.customers.models import Attachment, Contract, ContractStatus
from crm.customers.services.contracts import contract_create
from crm.customers.services.files import attachment_upload
from crm.customers.testing import make_customer

LIST = reverse("customers:contract_list")
CREATE = reverse("customers:contract_create")
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
HTMX = {"HTTP_HX_REQUEST": "true"}


def zh(text: str) -> str:
    """What a zh-hans user reads for this message (the English msgid until the catalogue has it)."""
    with translation.override("zh-hans"):
        return translation.gettext(text)


def _html(response) -> str:
    return response.content.decode()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def customers(sales):
    class Customers:
        mine = make_customer(manager=sales.manager, name="上海华信科技有限公司")
        theirs = make_customer(manager=sales.other, name="深圳腾飞电子有限公司")

    return Customers


def _contract(customer, title="年度维保合同", amount="1234567.80", **data) -> Contract:
    return contract_create(
        actor=customer.manager, customer=customer, data={"title": title, "amount": Decimal(amount), **data}
    )


def _upload(name: str, content: bytes = PDF):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


# --- the list ---------------------------------------------------------------------------------------------
def test_the_list_shows_only_contracts_in_scope_with_amounts_in_yuan(client, sales, customers):
    mine = _contract(customers.mine, signed_on=datetime.date(2025, 3, 1), status=ContractStatus.ACTIVE)
    theirs = _contract(customers.theirs, title="深圳项目")
    client.force_login(sales.manager)
    response = client.get(LIST)
    html = _html(response)
    assert response.status_code == 200
    assert html.count('data-testid="contract-row"') == 1
    assert mine.number in html and theirs.number not in html and "深圳项目" not in html
    assert "¥1,234,567.80" in html and "2025-03-01" in html
    assert 'data-testid="contract-export"' not in html  # a manager has no customers.contract.export
    client.force_login(sales.executive)
    assert _html(client.get(LIST)).count('data-testid="contract-row"') == 2


def test_filters_search_and_sort(client, sales, customers):
    other = make_customer(manager=sales.manager, name="杭州远景贸易有限公司")
    a = _contract(
        customers.mine, title="软件许可", amount="50000", signed_on=datetime.date(2025, 1, 10), status="active"
    )
    b = _contract(customers.mine, title="维保服务", amount="8000", signed_on=datetime.date(2025, 6, 1), status="draft")
    c = _contract(other, title="设备采购", amount="120000", signed_on=datetime.date(2024, 12, 1), status="completed")
    client.force_login(sales.manager)

    def numbers(**query):
        response = client.get(LIST, query)
        assert response.status_code == 200, response.content
        html = _html(response)
        return [n for n in (a.number, b.number, c.number) if f'data-number="{n}"' in html], html

    assert numbers(q="维保")[0] == [b.number]
    assert numbers(q=a.number)[0] == [a.number]
    assert numbers(q="远景")[0] == [c.number]  # the customer's name, through its search index
    assert numbers(status="completed")[0] == [c.number]
    assert numbers(signed_from="2025-01-01", signed_to="2025-03-31")[0] == [a.number]
    assert numbers(amount_min="10000", amount_max="100000")[0] == [a.number]
    _found, html = numbers(ordering="-amount")
    assert html.index(c.number) < html.index(a.number) < html.index(b.number)
    _found, html = numbers(ordering="signed_on")
    assert html.index(c.number) < html.index(a.number) < html.index(b.number)


def test_bad_filter_values_answer_400_with_the_reason(client, sales, customers):
    _contract(customers.mine)
    client.force_login(sales.manager)
    response = client.get(LIST, {"amount_min": "很多", "signed_from": "2025-13-45", "ordering": "hack"})
    assert response.status_code == 400
    html = _html(response)
    assert 'data-testid="filter-errors"' in html
    assert html.count('data-testid="contract-row"') == 1  # the valid rest still applies
    reversed_range = client.get(LIST, {"amount_min": "100", "amount_max": "10"})
    assert zh("The end of the range is before its start.") in _html(reversed_range)


def test_the_list_costs_the_same_number_of_queries_for_5_and_30_contracts(client, sales, customers):
    client.force_login(sales.manager)
    for index in range(5):
        _contract(customers.mine, title=f"合同{index}")
    client.get(LIST)  # warm caches (system settings, content types)
    with CaptureQueriesContext(connection) as five:
        assert client.get(LIST).status_code == 200
    for index in range(25):
        _contract(customers.mine, title=f"合同{index + 5}")
    with CaptureQueriesContext(connection) as thirty:
        response = client.get(LIST)
    assert _html(response).count('data-testid="contract-row"') == 20  # one page
    assert len(thirty) == len(five), [q["sql"] for q in thirty.captured_queries]


def test_export_needs_its_permission_and_keeps_to_the_scope(client, sales, customers):
    mine = _contract(customers.mine, status=ContractStatus.ACTIVE, signed_on=datetime.date(2026, 1, 5))
    theirs = _contract(customers.theirs, title="深圳项目")
    client.force_login(sales.manager)
    assert client.get(reverse("imports:export_new"), {"type": "contracts", "format": "csv"}).status_code == 403
    client.force_login(sales.supervisor)  # 上海分公司 and below: not 深圳
    assert 'data-testid="contract-export"' in _html(client.get(LIST))
    response = client.get(reverse("imports:export_new"), {"type": "contracts", "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == [zh("Number"), zh("Title")]
    assert [row[0] for row in rows[1:]] == [mine.number] and theirs.number not in response.content.decode("utf-8-sig")
    assert rows[1][4] == "1234567.80" and rows[1][8] == zh("In force")
    xlsx = client.get(reverse("imports:export_new"), {"type": "contracts", "format": "xlsx", "status": "draft"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    bad = client.get(reverse("imports:export_new"), {"type": "contracts", "format": "pdf"})
    assert bad.status_code == 302


# --- create --------------------------------------------------------------------------------------------
def test_a_contract_is_created_for_a_customer_with_checked_values(client, sales, customers):
    client.force_login(sales.manager)
    url = f"{CREATE}?customer={customers.mine.pk}"
    page = client.get(url)
    assert page.status_code == 200 and customers.mine.name in _html(page)
    bad = client.post(
        url, {"title": "", "amount": "-5", "status": "draft", "start_on": "2025-06-01", "end_on": "2025-01-01"}
    )
    assert bad.status_code == 400
    assert set(bad.context["form"].errors) == {"title", "amount", "end_on"}
    assert zh("The end date is before the start date.") in _html(bad)
    response = client.post(
        url,
        {
            "title": "年度维保合同",
            "amount": "98000.50",
            "status": "active",
            "owner": sales.manager.pk,
            "signed_on": "2025-05-20",
            "notes": "含两次上门",
        },
    )
    contract = Contract.objects.get()
    assert response.status_code == 302 and response.url == reverse("customers:contract_detail", args=[contract.pk])
    assert contract.number.startswith("HT") and contract.amount == Decimal("98000.50")
    assert contract.customer == customers.mine and contract.created_by == sales.manager
    customers.mine.refresh_from_db()
    assert customers.mine.last_deal_on == datetime.date(2025, 5, 20)


def test_from_the_360_page_the_dialog_closes_and_the_section_reloads(client, sales, customers):
    client.force_login(sales.manager)
    url = f"{CREATE}?customer={customers.mine.pk}"
    dialog = client.get(url, **HTMX)
    assert 'data-testid="dialog-form"' in _html(dialog) and "<html" not in _html(dialog)
    invalid = client.post(url, {"title": "x"}, **HTMX)
    assert invalid.status_code == 200 and "invalid-feedback" in _html(invalid)  # htmx swaps only 2xx
    response = client.post(url, {"title": "试用合同", "amount": "1000", "status": "draft"}, **HTMX)
    assert response.status_code == 204 and "crm:saved" in response["HX-Trigger"]
    section = client.get(reverse("customers:section", args=[customers.mine.pk, "contracts"]))
    assert "试用合同" in _html(section) and "¥1,000.00" in _html(section)


def test_out_of_scope_customers_are_404_and_pool_customers_403(client, sales, customers, admin_user):
    from crm.customers.services.pool import customer_release

    client.force_login(sales.manager)
    assert client.get(CREATE, {"customer": customers.theirs.pk}).status_code == 404
    assert (
        client.post(
            f"{CREATE}?customer={customers.theirs.pk}", {"title": "x", "amount": "1", "status": "draft"}
        ).status_code
        == 404
    )
    assert client.get(CREATE, {"customer": "abc"}).status_code == 404
    pooled = make_customer(manager=sales.manager, name="南京达信物流有限公司")
    customer_release(actor=sales.manager, customer=pooled, reason="不再跟进")
    assert client.get(CREATE, {"customer": pooled.pk}).status_code == 403  # visible in the pool, not workable
    assert not Contract.objects.exists()


def test_without_a_customer_the_picker_searches_workable_customers(client, sales, customers):
    client.force_login(sales.manager)
    page = client.get(CREATE)
    assert page.status_code == 200 and 'id="customer-search"' in _html(page)
    results = client.get(reverse("customers:contract_customer_search"), {"q": "华信"}, **HTMX)
    assert f"?customer={customers.mine.pk}" in _html(results)
    assert f"?customer={customers.theirs.pk}" not in _html(
        client.get(reverse("customers:contract_customer_search"), {"q": "腾飞"})
    )
    plain = client.get(CREATE, {"q": "huaxin"})  # without JavaScript: the same results on the page
    assert f"?customer={customers.mine.pk}" in _html(plain)


# --- one contract ------------------------------------------------------------------------------------------
def test_the_detail_shows_the_terms_and_other_peoples_contracts_are_404(client, sales, customers):
    contract = _contract(customers.mine, signed_on=datetime.date(2025, 3, 1), notes="分两期付款")
    theirs = _contract(customers.theirs)
    client.force_login(sales.manager)
    html = _html(client.get(reverse("customers:contract_detail", args=[contract.pk])))
    assert contract.number in html and "¥1,234,567.80" in html and "分两期付款" in html
    assert reverse("customers:detail", args=[customers.mine.pk]) in html
    assert 'data-testid="contract-edit"' in html and 'data-testid="upload-attachment"' in html
    assert 'data-testid="contract-delete"' not in html  # a manager has no customers.contract.delete
    for name in ("contract_detail", "contract_edit", "contract_attachments", "contract_attachment_upload"):
        assert client.get(reverse(f"customers:{name}", args=[theirs.pk])).status_code == 404, name
    assert client.get(reverse("customers:contract_detail", args=[99999])).status_code == 404


def test_a_closed_contract_keeps_its_terms(client, sales, customers):
    contract = _contract(customers.mine, status=ContractStatus.COMPLETED, signed_on=datetime.date(2025, 1, 1))
    client.force_login(sales.manager)
    url = reverse("customers:contract_edit", args=[contract.pk])
    form = client.get(url).context["form"]
    assert form.fields["amount"].disabled and form.fields["title"].disabled and not form.fields["notes"].disabled
    response = client.post(url, {"title": "改过的", "amount": "1", "status": "completed", "notes": "已验收"})
    assert response.status_code == 302
    contract.refresh_from_db()
    assert (contract.title, contract.amount, contract.notes) == ("年度维保合同", Decimal("1234567.80"), "已验收")


def test_an_open_contract_is_edited(client, sales, customers):
    contract = _contract(customers.mine)
    client.force_login(sales.manager)
    url = reverse("customers:contract_edit", args=[contract.pk])
    response = client.post(
        url, {"title": "年度维保合同（续）", "amount": "2000", "status": "active", "owner": sales.manager.pk,
              "signed_on": "2026-01-05"}
    )
    assert response.status_code == 302
    contract.refresh_from_db()
    assert (contract.title, contract.amount, contract.status) == ("年度维保合同（续）", Decimal("2000.00"), "active")
    client.force_login(sales.colleague)  # same department, scope "own": not theirs
    assert client.get(url).status_code == 404


def test_only_drafts_are_deleted(client, sales, customers):
    draft = _contract(customers.mine)
    active = _contract(customers.mine, status=ContractStatus.ACTIVE, signed_on=datetime.date(2026, 1, 5))
    client.force_login(sales.manager)
    assert client.post(reverse("customers:contract_delete", args=[draft.pk])).status_code == 403
    client.force_login(sales.supervisor)
    assert 'data-testid="contract-delete"' in _html(client.get(reverse("customers:contract_detail", args=[draft.pk])))
    assert 'data-testid="contract-delete"' not in _html(
        client.get(reverse("customers:contract_detail", args=[active.pk]))
    )
    response = client.post(reverse("customers:contract_delete", args=[active.pk]), follow=True)
    assert zh("Only draft contracts can be deleted; void a contract that is no longer wanted.") in _html(response)
    response = client.post(reverse("customers:contract_delete", args=[draft.pk]))
    assert response.status_code == 302 and response.url == LIST
    assert list(Contract.objects.values_list("pk", flat=True)) == [active.pk]
    assert client.get(reverse("customers:contract_delete", args=[active.pk])).status_code == 405


# --- attachments ---------------------------------------------------------------------------------------------
def test_a_pdf_is_uploaded_from_the_360_page_and_downloaded_with_its_chinese_name(client, sales, customers, media):
    client.force_login(sales.manager)
    url = reverse("customers:attachment_upload", args=[customers.mine.pk])
    dialog = _html(client.get(url, **HTMX))
    assert 'enctype="multipart/form-data"' in dialog and 'accept=".pdf' in dialog
    response = client.post(
        url, {"file": _upload("报价单 2025.pdf"), "kind": "quote", "description": "首次报价"}, **HTMX
    )
    assert response.status_code == 204 and "crm:saved" in response["HX-Trigger"]
    attachment = Attachment.objects.get()
    assert (attachment.original_name, attachment.kind, attachment.content_type) == (
        "报价单 2025.pdf",
        "quote",
        "application/pdf",
    )
    assert attachment.file.name.startswith("attachments/") and "报价" not in attachment.file.name
    section = _html(client.get(reverse("customers:section", args=[customers.mine.pk, "attachments"])))
    assert "报价单 2025.pdf" in section and 'data-testid="attachment-delete"' in section
    download = client.get(reverse("customers:attachment_download", args=[attachment.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''%E6%8A%A5%E4%BB%B7%E5%8D%95%202025.pdf" in disposition
    assert 'filename="2025.pdf"' in disposition  # the ASCII fallback


def test_wrong_kinds_and_too_large_files_are_form_errors(client, sales, customers, settings):
    client.force_login(sales.manager)
    url = reverse("customers:attachment_upload", args=[customers.mine.pk])
    fake = client.post(url, {"file": _upload("合同.pdf", b"MZ\x90\x00 not a pdf"), "kind": "contract"})
    assert fake.status_code == 400  # the page again, with the error
    assert fake.context["form"].errors["file"] == [zh("The file's content does not match its name.")]
    exe = client.post(url, {"file": _upload("setup.exe", b"MZ\x90\x00"), "kind": "other"})
    assert "file" in exe.context["form"].errors
    settings.CRM_UPLOAD_MAX_BYTES = 64
    big = client.post(url, {"file": _upload("大文件.pdf", PDF + b"0" * 100), "kind": "other"}, **HTMX)
    assert big.status_code == 200  # the dialog shows it; htmx swaps only 2xx
    errors = big.context["form"].errors["file"]
    assert len(errors) == 1 and "64" in errors[0]
    assert "invalid-feedback d-block" in _html(big)
    assert not Attachment.objects.exists()


def test_other_peoples_attachments_are_404(client, sales, customers):
    theirs = attachment_upload(actor=sales.other, customer=customers.theirs, upload=_upload("深圳.pdf"))
    client.force_login(sales.manager)
    assert client.get(reverse("customers:attachment_download", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("customers:attachment_delete", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("customers:attachment_upload", args=[customers.theirs.pk])).status_code == 404
    assert client.get(reverse("customers:attachment_download", args=[424242])).status_code == 404
    client.force_login(sales.executive)  # sees everything, works on nothing
    assert client.get(reverse("customers:attachment_download", args=[theirs.pk])).status_code == 200


def test_an_attachment_is_uploaded_to_a_contract_and_deleted(
    client, sales, customers, media, django_capture_on_commit_callbacks
):
    contract = _contract(customers.mine)
    client.force_login(sales.manager)
    url = reverse("customers:contract_attachment_upload", args=[contract.pk])
    assert client.get(url, **HTMX).context["form"].initial["kind"] == "contract"
    response = client.post(url, {"file": _upload("合同扫描件.pdf"), "kind": "contract"})
    assert response.status_code == 302 and response.url == reverse("customers:contract_detail", args=[contract.pk])
    attachment = Attachment.objects.get()
    assert attachment.contract == contract and attachment.customer == customers.mine
    partial = _html(client.get(reverse("customers:contract_attachments", args=[contract.pk])))
    assert "合同扫描件.pdf" in partial and "<html" not in partial
    stored = media / attachment.file.name
    assert stored.exists()
    with django_capture_on_commit_callbacks(execute=True):  # the file goes once the row is gone
        response = client.post(reverse("customers:attachment_delete", args=[attachment.pk]), **HTMX)
    assert response.status_code == 204 and "crm:saved" in response["HX-Trigger"]
    assert not Attachment.objects.exists() and not stored.exists()


def test_the_360_sections_offer_buttons_by_permission(client, sales, customers):
    contract = _contract(customers.mine)
    attachment_upload(actor=sales.manager, customer=customers.mine, upload=_upload("报价.pdf"), contract=contract)
    client.force_login(sales.manager)
    html = _html(client.get(reverse("customers:detail", args=[customers.mine.pk])))
    assert 'data-testid="add-contract"' in html and 'data-testid="upload-attachment"' in html
    assert reverse("customers:contract_detail", args=[contract.pk]) in html
    assert reverse("customers:attachment_download", args=[Attachment.objects.get().pk]) in html
    client.force_login(sales.executive)
    html = _html(client.get(reverse("customers:detail", args=[customers.mine.pk])))
    assert 'data-testid="add-contract"' not in html and 'data-testid="upload-attachment"' not in html
    assert 'data-testid="attachment-delete"' not in html and "¥1,234,567.80" in html
