"""The login lockout cannot be raced (issue 12 #6): 40 simultaneous wrong passwords for one
username have at most CRM_LOGIN_MAX_FAILURES of them checked; the rest are refused unread."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from crm.identity.models import LoginFailures

ATTEMPTS = 40
MESSAGES = {"locked": "登录失败次数过多", "invalid_login": "用户名或密码错误"}


@pytest.mark.django_db(transaction=True)
def test_forty_simultaneous_wrong_passwords_check_at_most_the_limit(org, make_user, settings):
    make_user("lisi", role="manager", department=org.sales1)
    connection.close()
    barrier = threading.Barrier(ATTEMPTS)
    answers = [""] * ATTEMPTS

    def attempt(index):
        try:
            barrier.wait(timeout=30)
            response = Client(REMOTE_ADDR=f"10.0.{index}.1").post("/login/", {"username": "lisi", "password": "x"})
            html = response.content.decode()  # (the test client's context capture is not thread-safe)
            answers[index] = next((code for code, text in MESSAGES.items() if text in html), html)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert answers.count("invalid_login") == settings.CRM_LOGIN_MAX_FAILURES
    assert answers.count("locked") == ATTEMPTS - settings.CRM_LOGIN_MAX_FAILURES
    assert LoginFailures.objects.get(key="user:lisi").count == ATTEMPTS


def test_a_success_clears_the_username_and_gives_the_address_its_attempt_back(client, org, make_user):
    make_user("lisi", role="manager", department=org.sales1)
    for _ in range(3):
        client.post("/login/", {"username": "lisi", "password": "x"})
    assert LoginFailures.objects.get(key="user:lisi").count == 3
    assert client.post("/login/", {"username": "lisi", "password": "crm-demo"}).status_code == 302
    assert not LoginFailures.objects.filter(key="user:lisi").exists()
    assert LoginFailures.objects.get(key="ip:127.0.0.1").count == 3  # the three failures stay
