"""Printing a quote (issue 16 §2): the administrator's template (HTML with placeholders, stored in
PrintTemplate, the default below) rendered with plain values only, as a page to print and as a PDF
with the Chinese font embedded. The PDF renderer fetches nothing but inline data: no file, no URL,
so a template cannot make the server read its disk or call the network."""

import base64

from django.template import Context, Engine
from django.utils.translation import gettext as _

from crm.access.engine import access_for
from crm.audit.services import audit_update
from crm.core.errors import ValidationFailed
from crm.core.models import SystemSettings
from crm.sales.models import PrintTemplate, Quote
from crm.sales.permissions import QUOTE

TEMPLATE_LIMIT = 50_000
FONTS = '"WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif'
# An engine of its own: no loaders, only the tags of crm.sales.print_tags, autoescaping on; it sees
# only the values below.
class PrintEngine(Engine):
    default_builtins = []  # not Django's default tags (load, include, url, debug …), only ours


ENGINE = PrintEngine(builtins=["crm.sales.print_tags"], autoescape=True, libraries={}, loaders=[])

DEFAULT_TEMPLATE = """<div class="head">
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

STYLE = f"""@page {{ size: A4; margin: 18mm 16mm; }}
body {{ font-family: {FONTS}; font-size: 10.5pt; color: #212529; }}
.head {{ display: flex; align-items: center; gap: 12px; border-bottom: 2px solid #0d6efd; padding-bottom: 8px; }}
.logo {{ max-height: 40px; }} .company {{ font-size: 15pt; font-weight: bold; }} .muted {{ color: #6c757d; }}
h1 {{ font-size: 16pt; text-align: center; margin: 14px 0; }} h2 {{ font-size: 11pt; }}
table {{ width: 100%; border-collapse: collapse; margin-bottom: 12px; }}
td, th {{ border: 1px solid #dee2e6; padding: 4px 6px; }} th {{ background: #f1f3f5; }}
.num {{ text-align: right; white-space: nowrap; }} .total td {{ font-weight: bold; }}
.facts td:nth-child(odd) {{ background: #f8f9fa; width: 14%; }} .notes {{ white-space: pre-wrap; }}"""


def template_body() -> str:
    row = PrintTemplate.objects.filter(key="quote").first()
    return row.body if row else DEFAULT_TEMPLATE


def check_template(body: str) -> str:
    body = body or ""
    if len(body) > TEMPLATE_LIMIT:
        raise ValidationFailed(fields={"body": [_("At most %(limit)d characters.") % {"limit": TEMPLATE_LIMIT}]})
    try:
        ENGINE.from_string(body)
    except Exception as exc:  # a template syntax error of any kind is the administrator's to fix
        raise ValidationFailed(fields={"body": [_("The template has an error: %(error)s") % {"error": exc}]}) from exc
    return body


def template_save(*, actor, body: str) -> PrintTemplate:
    access_for(actor).require(f"{QUOTE}.template")
    body = check_template(body)
    row, _created = PrintTemplate.objects.update_or_create(key="quote", defaults={"body": body, "updated_by": actor})
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


def context(quote: Quote) -> dict:
    settings = SystemSettings.objects.first() or SystemSettings()
    money = lambda value: f"{value:,.2f}"  # noqa: E731
    return {
        "company": {"name": settings.company_name or settings.name, "system": settings.name, "logo": _logo(settings)},
        "quote": {
            "number": quote.number, "title": quote.title, "customer": quote.customer.name,
            "date": quote.created_at.date().isoformat() if quote.created_at else "",
            "valid_until": quote.valid_until.isoformat(), "tax_rate": quote.tax_rate,
            "subtotal": money(quote.subtotal), "tax": money(quote.tax), "total": money(quote.total),
            "notes": quote.notes, "owner": str(quote.owner or ""),
        },
        "lines": [
            {"position": line.position, "description": line.description, "quantity": f"{line.quantity.normalize():f}",
             "unit_price": money(line.unit_price), "discount": f"{line.discount.normalize():f}",
             "amount": money(line.amount)}
            for line in quote.lines.order_by("position")
        ],
    }


def quote_html(quote: Quote) -> str:
    """The printable page's body: the template with the quote's values."""
    return ENGINE.from_string(template_body()).render(Context(context(quote)))


def _fetcher():
    """WeasyPrint's fetcher allowed inline data only (the logo): no file:, http:, https: or ftp:."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False, timeout=1)


def quote_pdf(quote: Quote, *, compressed: bool = True) -> bytes:
    from weasyprint import HTML  # imported when a PDF is made: pango loads only then

    document = f"<html><head><meta charset='utf-8'><style>{STYLE}</style></head><body>{quote_html(quote)}</body></html>"
    return HTML(string=document, url_fetcher=_fetcher(), base_url=None).write_pdf(uncompressed_pdf=not compressed)
