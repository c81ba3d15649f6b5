"""The customer self-service portal (SRV-8): invitations, the portal's own login, what a contact
sees and does, and the isolation between the portal and the staff CRM."""

import re

import pytest
from django.core import mail, signing
from django.test import override_settings
from django.urls import reverse

from crm.customers.testing import make_contact, make_customer
from crm.dictionary.selectors import items
from crm.identity.models import UserStatus
from crm.portal import services
from crm.portal.models import PortalAccount, PortalFeedback, PortalRequest
from crm.portal.session import ACCOUNT_KEY
from crm.service import services as service_services
from crm.service.models import Service
from crm.testing import make_user

PASSWORD = "Kehu-2026-portal"


@pytest.fixture
def world(org, seeded):
    supervisor = make_user("supervisor", role="supervisor", department=org.shanghai, name="张伟")
    manager = make_user("manager", role="manager", department=org.sales1, name="刘洋", superior=supervisor)
    other_manager = make_user("manager2", role="manager", department=org.sales2, name="王芳")
    customer = make_customer(manager=manager, name="上海浦江电子有限公司")
    contact = make_contact(customer=customer, name="李娜", email="lina@pujiang.example")
    other = make_customer(manager=other_manager, name="深圳南山机械有限公司")
    return {
        "supervisor": supervisor,
        "manager": manager,
        "other_manager": other_manager,
        "customer": customer,
        "contact": contact,
        "other": other,
    }


def _invite(world, email="lina@pujiang.example"):
    return services.portal_invite(
        actor=world["manager"],
        contact=world["contact"],
        email=email,
        link_for=lambda token: f"/portal/invitation/{token}/",
    )


def _account(world, password=PASSWORD) -> PortalAccount:
    _unused, link = _invite(world)
    token = link.split("/")[-2]
    return services.portal_accept(token=token, password=password, password2=password)


def _login(client, email="lina@pujiang.example", password=PASSWORD):
    return client.post(reverse("portal:login"), {"email": email, "password": password})


def _service(world, customer=None, summary="设备死机"):
    return service_services.service_create(
        actor=world["manager"] if customer is None else world["other_manager"],
        customer=customer or world["customer"],
        data={"type": items("service_type").first(), "summary": summary, "request": "每天死机两三次"},
    )


# --- invitations ---------------------------------------------------------------------------------------
def test_the_manager_invites_a_contact_from_the_customer_page(client, world, django_capture_on_commit_callbacks):
    client.force_login(world["manager"])
    page = client.get(reverse("customers:detail", args=[world["customer"].pk]))
    assert b'data-testid="portal-section"' in page.content and b"lina@pujiang.example" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("portal_staff:invite", args=[world["customer"].pk]),
            {"contact": world["contact"].pk, "email": "LiNa@pujiang.example"},
        )
    assert response.status_code == 200
    link = re.search(rb'data-testid="portal-invite-link"|value="(http[^"]+)"', response.content)
    account = PortalAccount.objects.get()
    assert account.email == "lina@pujiang.example" and account.customer == world["customer"]
    assert account.invited_by == world["manager"] and not account.has_password
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["lina@pujiang.example"]
    url = re.search(r"http://testserver(/portal/invitation/[^/\s]+/)", mail.outbox[0].body).group(1)
    assert url.encode() in response.content and link is not None
    client.logout()
    assert client.get(url).status_code == 200
    response = client.post(url, {"password": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    assert client.session[ACCOUNT_KEY] == account.pk
    account.refresh_from_db()
    assert account.has_password and PASSWORD not in account.password
    assert account.check_password(PASSWORD)
    assert client.get(url).status_code == 400  # used


def test_only_who_may_edit_the_customer_invites(client, world):
    client.force_login(world["other_manager"])
    response = client.post(
        reverse("portal_staff:invite", args=[world["customer"].pk]), {"contact": world["contact"].pk, "email": "a@b.cn"}
    )
    assert response.status_code == 404
    assert not PortalAccount.objects.exists()


def test_a_contact_of_another_customer_cannot_be_invited_there(client, world):
    stranger = make_contact(customer=world["other"], name="赵强", actor=world["other_manager"])
    client.force_login(world["manager"])
    response = client.post(
        reverse("portal_staff:invite", args=[world["customer"].pk]), {"contact": stranger.pk, "email": "z@b.cn"}
    )
    assert response.status_code == 404


def test_reinviting_replaces_the_old_link(client, world):
    _unused, first = _invite(world)
    _unused, second = _invite(world)
    response = client.get(first)
    assert response.status_code == 400 and b'data-testid="portal-invalid-link"' in response.content
    assert client.get(second).status_code == 200


@pytest.mark.parametrize("case", ["tampered", "expired", "used", "deactivated"])
def test_a_bad_invitation_link_is_refused_with_a_clear_message(client, world, case, monkeypatch):
    account, link = _invite(world)
    if case == "tampered":
        link = link[:-3] + ("A" if link[-3] != "A" else "B") + "/"
    elif case == "expired":
        monkeypatch.setattr(services, "INVITE_MAX_AGE", -1)
    elif case == "used":
        token = link.split("/")[-2]
        services.portal_accept(token=token, password=PASSWORD, password2=PASSWORD)
    else:
        services.portal_deactivate(actor=world["manager"], account=account)
    response = client.post(link, {"password": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 400
    assert b'data-testid="portal-invalid-link"' in response.content
    assert ACCOUNT_KEY not in client.session


def test_the_password_follows_the_validators(client, world):
    _unused, link = _invite(world)
    response = client.post(link, {"password": "12345678", "password2": "12345678"})
    assert response.status_code == 400 and b"invalid-feedback" in response.content
    assert not PortalAccount.objects.get().has_password
    response = client.post(link, {"password": PASSWORD, "password2": PASSWORD + "x"})
    assert response.status_code == 400 and not PortalAccount.objects.get().has_password


def test_an_invitation_needs_a_free_valid_email(world):
    from crm.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        _invite(world, email="not-an-email")
    with pytest.raises(ValidationFailed):
        _invite(world, email="x" * 120 + "@a.cn")
    _invite(world)
    second = make_contact(customer=world["customer"], name="周杰")
    with pytest.raises(ValidationFailed):
        services.portal_invite(actor=world["manager"], contact=second, email="lina@pujiang.example", link_for=str)


# --- login ---------------------------------------------------------------------------------------------
def test_login_gives_one_answer_for_unknown_email_wrong_password_and_inactive_account(client, world):
    account = _account(world)
    unknown = _login(client, email="nobody@pujiang.example")
    wrong = _login(client, password="wrong-password")
    PortalAccount.objects.filter(pk=account.pk).update(is_active=False)
    inactive = _login(client)
    assert unknown.status_code == wrong.status_code == inactive.status_code == 400
    message = re.search(rb'portal-login-error">([^<]+)<', unknown.content).group(1)
    assert message == re.search(rb'portal-login-error">([^<]+)<', wrong.content).group(1)
    assert message == re.search(rb'portal-login-error">([^<]+)<', inactive.content).group(1)
    assert ACCOUNT_KEY not in client.session


def test_login_rotates_the_session_and_logout_ends_it(client, world):
    _account(world)
    client.get(reverse("portal:login"))
    client.session.save()
    before = client.cookies["sessionid"].value if "sessionid" in client.cookies else None
    response = _login(client)
    assert response.status_code == 302
    assert client.cookies["sessionid"].value != before
    assert client.get(reverse("portal:home")).status_code == 200
    client.post(reverse("portal:logout"))
    assert client.get(reverse("portal:home")).status_code == 302


def test_login_is_rate_limited(client, world):
    _account(world)
    statuses = [_login(client, password=f"wrong-{n}").status_code for n in range(11)]
    assert statuses[:10] == [400] * 10 and statuses[10] == 429
    assert _login(client).status_code == 429  # even the right password, until the period ends


def test_a_changed_password_ends_other_sessions(client, world):
    account = _account(world)
    _login(client)
    account.set_password("Another-pass-2026")
    account.save()
    assert client.get(reverse("portal:home")).status_code == 302


def test_login_redirect_stays_in_the_portal(client, world):
    _account(world)
    response = client.post(
        reverse("portal:login"), {"email": "lina@pujiang.example", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("portal:home")


# --- isolation -----------------------------------------------------------------------------------------
def test_an_account_sees_only_its_customers_services(client, world):
    _account(world)
    mine = _service(world)
    theirs = _service(world, customer=world["other"], summary="别家的服务")
    _login(client)
    home = client.get(reverse("portal:home")).content.decode()
    assert mine.summary in home and theirs.summary not in home
    assert client.get(reverse("portal:detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("portal:detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("portal:detail", args=[99999999])).status_code == 404
    response = client.post(reverse("portal:feedback", args=[theirs.pk]), {"result": "好", "satisfaction": 5})
    assert response.status_code == 404


@pytest.mark.parametrize("url", ["/", "/customers/", "/services/", "/services/new/", "/notifications/"])
def test_a_portal_session_is_nobody_on_staff_pages(client, world, url):
    _account(world)
    _login(client)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("identity:login"))


@pytest.mark.parametrize("url", ["/api/v1/customers/", "/api/v1/services/", "/api/v1/me/"])
def test_a_portal_session_is_nobody_on_the_staff_api(client, world, url):
    _account(world)
    _login(client)
    response = client.get(url)
    assert response.status_code in (401, 403)
    assert "上海浦江" not in response.content.decode()


def test_a_staff_login_does_not_open_the_portal(client, world):
    _account(world)
    client.force_login(world["manager"])
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("portal:login"))
    # Nor does a session mixing both (a staff login after a portal login in one browser).
    _login(client)
    client.force_login(world["manager"])
    assert client.get(reverse("portal:home")).status_code == 302


def test_a_portal_account_is_not_a_staff_user(world):
    account = _account(world)
    from django.contrib.auth import authenticate

    assert authenticate(username="lina@pujiang.example", password=PASSWORD) is None
    assert not hasattr(account, "is_staff")


# --- requests and feedback -----------------------------------------------------------------------------
def test_a_contact_submits_a_request(client, world):
    account = _account(world)
    _login(client)
    kind = items("service_type").first()
    response = client.post(
        reverse("portal:request_create"), {"type": kind.pk, "summary": "打印机卡纸", "request": "三楼打印机总卡纸"}
    )
    service = Service.objects.get()
    assert response.status_code == 302 and response["Location"].startswith(reverse("portal:detail", args=[service.pk]))
    assert service.customer == world["customer"] and service.created_by == world["manager"]
    assert service.status == "new"
    assert PortalRequest.objects.get().account == account and PortalRequest.objects.get().service == service


def test_request_inputs_are_bounded(client, world):
    _account(world)
    _login(client)
    kind = items("service_type").first()
    response = client.post(
        reverse("portal:request_create"), {"type": kind.pk, "summary": "长" * 201, "request": "x" * 5001}
    )
    assert response.status_code == 400 and not Service.objects.exists()
    response = client.post(reverse("portal:request_create"), {"type": 999999, "summary": "a", "request": "b"})
    assert response.status_code == 400 and not Service.objects.exists()


def test_without_a_manager_who_may_create_the_request_is_refused_clearly(client, world):
    _account(world)
    world["manager"].status = UserStatus.DISABLED
    world["manager"].save()
    world["customer"].refresh_from_db()
    # The inviter is the same manager: nobody may take the request.
    _login(client)
    kind = items("service_type").first()
    response = client.post(reverse("portal:request_create"), {"type": kind.pk, "summary": "a", "request": "b"})
    assert response.status_code == 400 and not Service.objects.exists()
    assert b"alert-danger" in response.content


def _handled(world):
    service = _service(world)
    service_services.service_assign(actor=world["supervisor"], service=service, assignee=world["manager"])
    service_services.service_handle(actor=world["manager"], service=service, handling="上门更换主板")
    return service


@pytest.mark.parametrize(("score", "status"), [(4, "archived"), (2, "assigned")])
def test_feedback_on_a_handled_service(client, world, score, status):
    account = _account(world)
    service = _handled(world)
    _login(client)
    page = client.get(reverse("portal:detail", args=[service.pk])).content.decode()
    assert "上门更换主板" in page and 'data-testid="portal-feedback-form"' in page
    assert "刘洋" not in page  # staff names stay inside
    response = client.post(reverse("portal:feedback", args=[service.pk]), {"result": "已修好", "satisfaction": score})
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.status == status and service.satisfaction == score
    assert PortalFeedback.objects.get().account == account


def test_no_feedback_before_the_service_is_handled(client, world):
    _account(world)
    service = _service(world)
    _login(client)
    assert b"portal-feedback-form" not in client.get(reverse("portal:detail", args=[service.pk])).content
    response = client.post(reverse("portal:feedback", args=[service.pk]), {"result": "好", "satisfaction": 5})
    assert response.status_code == 400
    service.refresh_from_db()
    assert service.status == "new"


def test_feedback_satisfaction_is_bounded(client, world):
    _account(world)
    service = _handled(world)
    _login(client)
    response = client.post(reverse("portal:feedback", args=[service.pk]), {"result": "好", "satisfaction": 9})
    assert response.status_code == 400
    service.refresh_from_db()
    assert service.status == "handled"


# --- deactivation and notifications --------------------------------------------------------------------
def test_the_manager_deactivates_an_account(client, world):
    account = _account(world)
    portal = client.__class__()
    _login(portal)
    client.force_login(world["manager"])
    response = client.post(reverse("portal_staff:deactivate", args=[account.pk]))
    assert response.status_code == 200
    account.refresh_from_db()
    assert not account.is_active
    assert portal.get(reverse("portal:home")).status_code == 302
    assert _login(portal).status_code == 400


@override_settings(CRM_EMAIL_ENABLED=True)
def test_the_contact_hears_of_each_status_change(world, django_capture_on_commit_callbacks):
    account = _account(world)
    with django_capture_on_commit_callbacks(execute=True):
        service = services.portal_request_create(
            account=account, data={"type": items("service_type").first(), "summary": "打印机卡纸", "request": "总卡纸"}
        )
    with django_capture_on_commit_callbacks(execute=True):
        service_services.service_assign(actor=world["supervisor"], service=service, assignee=world["manager"])
    with django_capture_on_commit_callbacks(execute=True):
        service_services.service_handle(actor=world["manager"], service=service, handling="已更换搓纸轮")
    with django_capture_on_commit_callbacks(execute=True):
        services.portal_feedback(account=account, service=service, result="好了", satisfaction=5)
    sent = [message for message in mail.outbox if message.to == ["lina@pujiang.example"]]
    assert len(sent) == 4
    assert all(service.number in message.subject for message in sent)


def test_no_status_mail_without_an_email_server(world, django_capture_on_commit_callbacks):
    account = _account(world)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.portal_request_create(
            account=account, data={"type": items("service_type").first(), "summary": "a", "request": "b"}
        )
    assert mail.outbox == []


def test_the_signed_token_names_the_salt(world):
    _unused, link = _invite(world)
    with pytest.raises(signing.BadSignature):
        signing.loads(link.split("/")[-2])  # without the portal's salt it is nothing


def test_the_portal_shows_public_published_articles_only(client, world):
    from crm.knowledge.services import article_create, article_publish, article_update

    def article(title, *, public, publish=True):
        made = article_create(actor=world["manager"], data={"title": title, "solution": "重启设备后再试。"})
        if public:
            made = article_update(actor=world["supervisor"], article=made, data={"is_public": True})
        return article_publish(actor=world["supervisor"], article=made) if publish else made

    shown = article("打印机卡纸怎么处理", public=True)
    internal = article("内部报价折扣规则", public=False)
    draft = article("打印机驱动安装草稿", public=True, publish=False)
    _account(world)
    _login(client)
    page = client.get(reverse("portal:articles")).content.decode()
    assert "打印机卡纸" in page and "内部报价" not in page and "驱动安装草稿" not in page
    found = client.get(reverse("portal:articles"), {"q": "卡纸"}).content.decode()
    assert "打印机卡纸" in found
    assert client.get(reverse("portal:article", args=[shown.pk])).status_code == 200
    for hidden in (internal, draft):
        assert client.get(reverse("portal:article", args=[hidden.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("portal:articles")).status_code == 302  # to the portal's login
