"""Printing a quote or a contract (issue 16 §2, §3): the administrator's template per document (HTML
with placeholders, stored in PrintTemplate, the defaults below) rendered with plain values only, as a
page to print and as a PDF with the Chinese font embedded. The PDF renderer fetches nothing but
inline data: no file, no URL, so a template cannot make the server read its disk or call the network."""

import base64
from collections.abc import Callable
from dataclasses import dataclass

from django.template import Context, Engine
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.access.engine import access_for
from crm.audit.services import audit_update
from crm.core.errors import ValidationFailed
from crm.core.models import SystemSettings
from crm.customers.models import Contract
from crm.sales.capitals import rmb_upper
from crm.sales.models import PrintTemplate, Quote
from crm.sales.permissions import QUOTE
from crm.sales.selectors import contract_lines

TEMPLATE_LIMIT = 50_000
FONTS = '"WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif'
# An engine of its own: no loaders, only the tags of crm.sales.print_tags, autoescaping on; it sees
# only the values below.
class PrintEngine(Engine):
    default_builtins = []  # not Django's default tags (load, include, url, debug …), only ours


ENGINE = PrintEngine(builtins=["crm.sales.print_tags"], autoescape=True, libraries={}, loaders=[])

QUOTE_TEMPLATE = """<div class="head">
  {% if company.logo %}<img class="logo" src="{{ company.logo }}" alt="">{% endif %}
  <div><div class="company">{{ company.name }}</div><div class="muted">{{ company.system }}</div></div>
</div>
<h1>报价单 QUOTATION</h1>
<table class="facts">
  <tr><td>报价单号</td><td>{{ quote.number }}</td><td>报价日期</td><td>{{ quote.date }}</td></tr>
  <tr><td>客户</td><td>{{ quote.customer }}</td><td>有效期至</td><td>{{ quote.valid_until }}</td></tr>
  <tr><td>主题</td><td colspan="3">{{ quote.title }}</td></tr>
</table>
<table class="lines">
  <thead><tr><th>#</th><th>产品 / 服务</th><th>数量</th><th>单价</th><th>折扣</th><th>金额</th></tr></thead>
  <tbody>{% for line in lines %}<tr><td>{{ line.position }}</td><td>{{ line.description }}</td>
    <td class="num">{{ line.quantity }}</td><td class="num">{{ line.unit_price }}</td>
    <td class="num">{{ line.discount }}%</td><td class="num">{{ line.amount }}</td></tr>{% endfor %}</tbody>
  <tfoot>
    <tr><td colspan="5">小计</td><td class="num">{{ quote.subtotal }}</td></tr>
    <tr><td colspan="5">税额（{{ quote.tax_rate }}%）</td><td class="num">{{ quote.tax }}</td></tr>
    <tr class="total"><td colspan="5">合计（元）</td><td class="num">{{ quote.total }}</td></tr>
  </tfoot>
</table>
{% if quote.notes %}<h2>条款与说明</h2><p class="notes">{{ quote.notes|linebreaksbr }}</p>{% endif %}
<p class="muted">联系人：{{ quote.owner }}</p>"""

CONTRACT_TEMPLATE = """<div class="head">
  {% if company.logo %}<img class="logo" src="{{ company.logo }}" alt="">{% endif %}
  <div><div class="company">{{ company.name }}</div><div class="muted">{{ company.system }}</div></div>
</div>
<h1>{{ contract.title }}</h1>
<p class="muted" style="text-align: right">合同编号：{{ contract.number }}</p>
<table class="facts">
  <tr><td>甲方（买方）</td><td>{{ contract.customer }}</td><td>乙方（卖方）</td><td>{{ company.name }}</td></tr>
  <tr><td>签订日期</td><td>{{ contract.signed_on }}</td>
    <td>合同期限</td><td>{{ contract.start_on }} 至 {{ contract.end_on }}</td></tr>
</table>
{% if lines %}<table class="lines">
  <thead><tr><th>#</th><th>产品 / 服务</th><th>数量</th><th>单价</th><th>折扣</th><th>金额</th></tr></thead>
  <tbody>{% for line in lines %}<tr><td>{{ line.position }}</td><td>{{ line.description }}</td>
    <td class="num">{{ line.quantity }}</td><td class="num">{{ line.unit_price }}</td>
    <td class="num">{{ line.discount }}%</td><td class="num">{{ line.amount }}</td></tr>{% endfor %}</tbody>
</table>{% endif %}
<table class="facts">
  <tr class="total"><td>合同总金额</td><td>¥{{ contract.amount }}（人民币{{ contract.amount_in_words }}）</td></tr>
</table>
{% if contract.notes %}<h2>合同条款</h2><p class="notes">{{ contract.notes|linebreaksbr }}</p>{% endif %}
<table class="facts" style="margin-top: 28px">
  <tr><td>甲方（盖章）</td><td>{{ contract.customer }}</td><td>乙方（盖章）</td><td>{{ company.name }}</td></tr>
  <tr><td>代表签字</td><td></td><td>代表签字</td><td>{{ contract.owner }}</td></tr>
  <tr><td>日期</td><td></td><td>日期</td><td>{{ contract.signed_on }}</td></tr>
</table>"""

STYLE = f"""@page {{ size: A4; margin: 18mm 16mm; }}
body {{ font-family: {FONTS}; font-size: 10.5pt; color: #212529; }}
.head {{ display: flex; align-items: center; gap: 12px; border-bottom: 2px solid #0d6efd; padding-bottom: 8px; }}
.logo {{ max-height: 40px; }} .company {{ font-size: 15pt; font-weight: bold; }} .muted {{ color: #6c757d; }}
h1 {{ font-size: 16pt; text-align: center; margin: 14px 0; }} h2 {{ font-size: 11pt; }}
table {{ width: 100%; border-collapse: collapse; margin-bottom: 12px; }}
td, th {{ border: 1px solid #dee2e6; padding: 4px 6px; }} th {{ background: #f1f3f5; }}
.num {{ text-align: right; white-space: nowrap; }} .total td {{ font-weight: bold; }}
.facts td:nth-child(odd) {{ background: #f8f9fa; width: 14%; }} .notes {{ white-space: pre-wrap; }}"""


@dataclass(frozen=True)
class PrintDocument:
    key: str
    label: str
    default: str
    context: Callable  # (the record) -> the template's values
    help: str


def template_body(key: str) -> str:
    row = PrintTemplate.objects.filter(key=key).first()
    return row.body if row else DOCUMENTS[key].default


def check_template(body: str) -> str:
    body = body or ""
    if len(body) > TEMPLATE_LIMIT:
        raise ValidationFailed(fields={"body": [_("At most %(limit)d characters.") % {"limit": TEMPLATE_LIMIT}]})
    try:
        ENGINE.from_string(body)
    except Exception as exc:  # a template syntax error of any kind is the administrator's to fix
        raise ValidationFailed(fields={"body": [_("The template has an error: %(error)s") % {"error": exc}]}) from exc
    return body


def template_save(*, actor, key: str, body: str) -> PrintTemplate:
    access_for(actor).require(f"{QUOTE}.template")
    body = check_template(body)
    row, _created = PrintTemplate.objects.update_or_create(key=key, defaults={"body": body, "updated_by": actor})
    audit_update(actor=actor, instance=row, changes={"body": ["…", f"{len(body)} characters"]})
    return row


def _logo(settings: SystemSettings) -> str:
    if not settings.logo:
        return ""
    try:
        with settings.logo.open("rb") as handle:
            data = handle.read(1_000_000)
    except OSError:
        return ""
    kind = "svg+xml" if settings.logo.name.lower().endswith(".svg") else "png"
    return f"data:image/{kind};base64,{base64.b64encode(data).decode()}"


def _money(value) -> str:
    return f"{value:,.2f}"


def _company() -> dict:
    settings = SystemSettings.objects.first() or SystemSettings()
    return {"name": settings.company_name or settings.name, "system": settings.name, "logo": _logo(settings)}


def _lines(lines) -> list[dict]:
    return [
        {"position": line.position, "description": line.description, "quantity": f"{line.quantity.normalize():f}",
         "unit_price": _money(line.unit_price), "discount": f"{line.discount.normalize():f}",
         "amount": _money(line.amount)}
        for line in lines
    ]


def quote_context(quote: Quote) -> dict:
    return {
        "company": _company(),
        "quote": {
            "number": quote.number, "title": quote.title, "customer": quote.customer.name,
            "date": quote.created_at.date().isoformat() if quote.created_at else "",
            "valid_until": quote.valid_until.isoformat(), "tax_rate": quote.tax_rate,
            "subtotal": _money(quote.subtotal), "tax": _money(quote.tax), "total": _money(quote.total),
            "notes": quote.notes, "owner": str(quote.owner or ""),
        },
        "lines": _lines(quote.lines.order_by("position")),
    }


def contract_context(contract: Contract) -> dict:
    day = lambda value: value.isoformat() if value else ""  # noqa: E731
    return {
        "company": _company(),
        "contract": {
            "number": contract.number, "title": contract.title, "customer": contract.customer.name,
            "signed_on": day(contract.signed_on), "start_on": day(contract.start_on), "end_on": day(contract.end_on),
            "amount": _money(contract.amount), "amount_in_words": rmb_upper(contract.amount),
            "status": contract.get_status_display(), "notes": contract.notes, "owner": str(contract.owner or ""),
        },
        "lines": _lines(contract_lines(contract)),
    }


DOCUMENTS = {
    "quote": PrintDocument(
        "quote", gettext_lazy("Quote"), QUOTE_TEMPLATE, quote_context,
        gettext_lazy(
            "HTML with placeholders: {{ company.name }}, {{ company.logo }}, {{ quote.number }}, {{ quote.customer }}, "
            "{{ quote.title }}, {{ quote.date }}, {{ quote.valid_until }}, {{ quote.subtotal }}, {{ quote.tax_rate }}, "
            "{{ quote.tax }}, {{ quote.total }}, {{ quote.notes }}, {{ quote.owner }}, and {% for line in lines %} "
            "with line.position, line.description, line.quantity, line.unit_price, line.discount, line.amount. Only "
            "for, if and with and a few text filters are allowed; nothing is fetched from files or the network."
        ),
    ),
    "contract": PrintDocument(
        "contract", gettext_lazy("Contract"), CONTRACT_TEMPLATE, contract_context,
        gettext_lazy(
            "HTML with placeholders: {{ company.name }}, {{ company.logo }}, {{ contract.number }}, "
            "{{ contract.title }}, {{ contract.customer }}, {{ contract.signed_on }}, {{ contract.start_on }}, "
            "{{ contract.end_on }}, {{ contract.amount }}, {{ contract.amount_in_words }} (the amount in Chinese "
            "capitals), {{ contract.status }}, {{ contract.notes }}, {{ contract.owner }}, and "
            "{% for line in lines %} with line.position, line.description, line.quantity, line.unit_price, "
            "line.discount, line.amount. Only for, if and with and a few text filters are allowed; nothing is "
            "fetched from files or the network."
        ),
    ),
}


def document_html(key: str, obj) -> str:
    """The printable page's body: the document's template with the record's values."""
    return ENGINE.from_string(template_body(key)).render(Context(DOCUMENTS[key].context(obj)))


def _fetcher():
    """WeasyPrint's fetcher allowed inline data only (the logo): no file:, http:, https: or ftp:."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False, timeout=1)


def document_pdf(key: str, obj, *, compressed: bool = True) -> bytes:
    from weasyprint import HTML  # imported when a PDF is made: pango loads only then

    body = document_html(key, obj)
    document = f"<html><head><meta charset='utf-8'><style>{STYLE}</style></head><body>{body}</body></html>"
    return HTML(string=document, url_fetcher=_fetcher(), base_url=None).write_pdf(uncompressed_pdf=not compressed)
