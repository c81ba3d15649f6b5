"""The service pages: create then an empty form, the lists of each step, the dialogs, the
archive search, 404 outside the scope, 403 without the function, the customer 360 section."""

from crm.service import services
from crm.service.models import Service
from crm.service.tests.conftest import data, service_type


def _handled(sales, customer) -> Service:
    service = services.service_create(actor=sales.manager, customer=customer, data=data())
    services.service_assign(actor=sales.supervisor, service=service, assignee=sales.manager)
    return services.service_handle(actor=sales.manager, service=service, handling="更换主板")


def test_create_saves_and_offers_an_empty_form_for_the_next(client, sales, customer):
    client.force_login(sales.manager)
    picker = client.get("/services/new/", {"q": "浦江"})
    assert picker.status_code == 200 and f"?customer={customer.pk}" in picker.content.decode()
    form = client.get("/services/new/", {"customer": customer.pk})
    assert form.status_code == 200 and customer.name in form.content.decode()
    answer = client.post(
        f"/services/new/?customer={customer.pk}",
        {"customer": customer.pk, "type": service_type("2").pk, "summary": "界面建议", "request": "希望增加导出按钮"},
        follow=True,
    )
    service = Service.objects.get()
    assert answer.redirect_chain[-1][0] == "/services/new/"
    assert service.number in answer.content.decode() and service.created_by == sales.manager
    bad = client.post(f"/services/new/?customer={customer.pk}", {"customer": customer.pk, "summary": ""})
    assert bad.status_code == 400 and Service.objects.count() == 1


def test_the_step_lists_and_dialogs(client, sales, customer):
    service = services.service_create(actor=sales.manager, customer=customer, data=data())
    client.force_login(sales.supervisor)
    assert service.number in client.get("/services/assign/").content.decode()
    answer = client.post(f"/services/{service.pk}/assign/?next=/services/assign/", {"assignee": sales.manager.pk})
    assert answer.status_code == 302 and answer["Location"] == "/services/assign/"
    client.force_login(sales.manager)
    assert service.number in client.get("/services/handle/").content.decode()
    client.post(f"/services/{service.pk}/handle/", {"handling": "远程处理"})
    assert service.number in client.get("/services/feedback/").content.decode()
    client.post(f"/services/{service.pk}/feedback/", {"result": "还有问题", "satisfaction": "1"})
    assert Service.objects.get(pk=service.pk).status == "assigned"
    page = client.get(f"/services/{service.pk}/").content.decode()
    assert "远程处理" in page and "还有问题" in page and 'data-testid="service-handle"' in page


def test_a_refused_step_shows_on_the_form(client, sales, customer):
    service = services.service_create(actor=sales.manager, customer=customer, data=data())
    client.force_login(sales.manager)
    assert client.get(f"/services/{service.pk}/assign/").status_code == 403
    answer = client.post(f"/services/{service.pk}/feedback/", {"result": "x", "satisfaction": "4"})
    assert answer.status_code == 400 and Service.objects.get(pk=service.pk).status == "new"


def test_archive_search_page(client, sales, customer):
    service = _handled(sales, customer)
    services.service_feedback(actor=sales.manager, service=service, result="好", satisfaction=5)
    client.force_login(sales.manager)
    assert service.number in client.get("/services/archive/", {"customer_name": "浦江"}).content.decode()
    assert service.number not in client.get("/services/archive/", {"customer_name": "不存在"}).content.decode()
    assert service.number not in client.get("/services/archive/", {"type": service_type("1").pk}).content.decode()
    answer = client.get("/services/archive/", {"created_after": "2000-01-01", "summary": "故障"})
    assert service.number in answer.content.decode()


def test_out_of_scope_is_404(client, sales, far_customer, agent):
    service = services.service_create(actor=agent, customer=far_customer, data=data())
    client.force_login(sales.manager)
    assert client.get(f"/services/{service.pk}/").status_code == 404
    assert client.get(f"/services/{service.pk}/handle/").status_code == 404
    assert service.number not in client.get("/services/").content.decode()
    client.force_login(agent)
    assert client.get(f"/services/{service.pk}/").status_code == 200


def test_customer_page_shows_services_and_their_timeline(client, sales, customer):
    service = _handled(sales, customer)
    client.force_login(sales.manager)
    section = client.get(f"/customers/{customer.pk}/section/services/")
    assert section.status_code == 200 and service.number in section.content.decode()
    timeline = client.get(f"/customers/{customer.pk}/section/timeline/").content.decode()
    assert f"/services/{service.pk}/" in timeline and "服务已处理" in timeline


def test_menu_shows_the_service_section_by_function(client, sales, agent):
    client.force_login(agent)
    page = client.get("/services/archive/").content.decode()
    assert "/services/new/" in page and "/services/handle/" in page and "/services/assign/" not in page
    client.force_login(sales.executive)
    page = client.get("/services/archive/").content.decode()
    assert "/services/archive/" in page and "/services/new/" not in page


def test_lists_take_a_fixed_number_of_queries(client, sales, customer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(sales.supervisor)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/services/").status_code == 200
            assert client.get("/api/v1/services/").status_code == 200
        return len(captured)

    services.service_create(actor=sales.manager, customer=customer, data=data())
    queries()  # warm the per-process caches (menu, dictionary)
    one = queries()
    for index in range(5):
        services.service_create(actor=sales.manager, customer=customer, data=data(summary=f"请求{index}"))
    assert queries() == one
