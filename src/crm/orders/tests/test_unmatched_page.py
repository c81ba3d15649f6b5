"""The unmatched orders page: shipped and paid orders with no customer, one row per ERP customer code;
the dialog searches a customer and links every order of the code; refusals show in the dialog."""

import datetime

from crm.customers.testing import make_customer
from crm.orders.models import CustomerLink, Order
from crm.orders.testing import make_order

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_page_lists_groups_by_code(client, admin_user, sales):
    make_order(None, customer_code="ERP-7", customer_name="浦江电子", ordered_on=datetime.date(2026, 1, 2))
    make_order(None, customer_code="ERP-7", customer_name="浦江电子", ordered_on=datetime.date(2026, 2, 3))
    make_order(None, customer_code="ERP-9", status=2)
    client.force_login(admin_user)
    html = client.get("/orders/unmatched/").content.decode()
    assert html.count('data-testid="unmatched-row"') == 1
    assert 'data-code="ERP-7"' in html and "浦江电子" in html and "2026-02-03" in html and "¥4,800.00" in html
    assert "未关联订单" in html
    client.force_login(sales.manager)
    assert client.get("/orders/unmatched/").status_code == 403
    assert client.get("/orders/unmatched/resolve/", {"code": "ERP-7"}).status_code == 403


def test_the_menu_offers_the_pages(client, admin_user, sales):
    client.force_login(admin_user)
    html = client.get("/").content.decode()
    pages = (("/orders/products/", "产品"), ("/orders/inventory/", "库存"), ("/orders/unmatched/", "未关联订单"))
    for url, label in pages:
        assert f'href="{url}"' in html and label in html
    assert "基础数据" in html
    client.force_login(sales.manager)
    html = client.get("/").content.decode()
    assert 'href="/orders/products/"' in html and 'href="/orders/unmatched/"' not in html


def test_the_dialog_searches_and_links(client, admin_user, sales):
    customer = make_customer(manager=sales.manager, name="上海浦江电子有限公司")
    orders = [make_order(None, customer_code="ERP-7", customer_name="上海浦江电子有限公司") for _ in range(2)]
    client.force_login(admin_user)
    dialog = client.get("/orders/unmatched/resolve/", {"code": "ERP-7"}, **HTMX)
    html = dialog.content.decode()
    assert dialog.status_code == 200 and 'data-testid="resolve-dialog"' in html and "<html" not in html
    assert 'data-testid="customer-result"' in html  # searched with the name the ERP sent
    results = client.get("/orders/unmatched/customers/", {"code": "ERP-7", "q": "浦江"}, **HTMX).content.decode()
    assert customer.name in results and 'name="code" value="ERP-7"' in results
    answer = client.post("/orders/unmatched/resolve/", {"code": "ERP-7", "customer": customer.pk}, **HTMX)
    assert answer.status_code == 204 and answer["HX-Redirect"] == "/orders/unmatched/"
    assert set(Order.objects.filter(customer=customer)) == set(orders)
    assert CustomerLink.objects.get(code="ERP-7").customer == customer
    page = client.get("/orders/unmatched/").content.decode()
    assert 'data-testid="unmatched-row"' not in page and "上海浦江电子有限公司" in page  # the message


def test_a_refusal_shows_in_the_dialog(client, admin_user, sales):
    customer = make_customer(manager=sales.manager, name="上海浦江电子有限公司")
    make_order(None, customer_code="ERP-7")
    client.force_login(admin_user)
    gone = client.post("/orders/unmatched/resolve/", {"code": "ERP-0", "customer": customer.pk}, **HTMX)
    assert gone.status_code == 200 and 'data-testid="resolve-error"' in gone.content.decode()
    unknown = client.post("/orders/unmatched/resolve/", {"code": "ERP-7", "customer": "999999"}, **HTMX)
    assert 'data-testid="resolve-error"' in unknown.content.decode()
    page = client.post("/orders/unmatched/resolve/", {"code": "ERP-7", "customer": "abc"})
    assert page.status_code == 400 and "<html" in page.content.decode()
    assert Order.objects.filter(customer=None).count() == 1


def test_without_javascript_the_dialog_is_a_page(client, admin_user, sales):
    customer = make_customer(manager=sales.manager, name="上海浦江电子有限公司")
    make_order(None, customer_code="ERP-7")
    client.force_login(admin_user)
    page = client.get("/orders/unmatched/resolve/", {"code": "ERP-7", "q": "浦江"})
    assert page.status_code == 200 and customer.name in page.content.decode()
    answer = client.post("/orders/unmatched/resolve/", {"code": "ERP-7", "customer": customer.pk})
    assert answer.status_code == 302 and answer["Location"] == "/orders/unmatched/"
