"""Approval jobs: an overdue approval reminds its approver once; a flow's webhook is POSTed,
signed, to a real HTTP server."""

import datetime
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.approvals import jobs, services
from crm.approvals.models import ApprovalTask, Flow, TaskState
from crm.approvals.tests.conftest import big_flow, draft
from crm.customers.services.contracts import contract_submit
from crm.notifications.models import Notification

pytestmark = pytest.mark.django_db


def overdue(user) -> int:
    prefix = _("Overdue approval: %(title)s").split("%(")[0]
    return Notification.objects.filter(recipient=user, title__startswith=prefix).count()


def test_an_overdue_approval_reminds_once(chain, customer):
    big_flow(chain)
    approval = contract_submit(actor=chain.manager, contract=draft(customer, chain.manager))
    now = timezone.now()
    assert jobs.remind(None, now=now + datetime.timedelta(hours=23)) == {"reminded": 0}
    assert jobs.remind(None, now=now + datetime.timedelta(hours=25)) == {"reminded": 1}
    assert jobs.remind(None, now=now + datetime.timedelta(hours=49)) == {"reminded": 0}
    assert overdue(chain.supervisor) == 1 and overdue(chain.executive) == 0
    # The next approver's clock starts when its turn comes.
    services.task_approve(
        actor=chain.supervisor,
        task_id=ApprovalTask.objects.get(approval=approval, approver=chain.supervisor).pk,
    )
    assert jobs.remind(None, now=now + datetime.timedelta(hours=23)) == {"reminded": 0}
    assert jobs.remind(None, now=now + datetime.timedelta(hours=25)) == {"reminded": 1}
    assert overdue(chain.executive) == 1 and overdue(chain.supervisor) == 1


class Receiver(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.received.append((self.headers, body))  # header names case-insensitive
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    Receiver.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook"
    server.shutdown()


def test_the_webhook_receives_the_signed_approval(chain, customer, receiver, django_capture_on_commit_callbacks):
    steps = [{"name": "财务", "approver_kind": "users", "users": [chain.finance1]}]
    flow = big_flow(chain, steps=steps, webhook_url=receiver)
    approval = contract_submit(actor=chain.manager, contract=draft(customer, chain.manager))
    task = ApprovalTask.objects.get(approval=approval, state=TaskState.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        services.task_approve(actor=chain.finance1, task_id=task.pk)
    assert len(Receiver.received) == 1
    headers, body = Receiver.received[0]
    secret = Flow.objects.get(pk=flow.pk).webhook_secret
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-CRM-Signature"] == expected
    payload = json.loads(body)
    assert payload["event"] == "approval.approved" and payload["approval"] == approval.pk
    assert payload["amount"] == "250000.00" and payload["document_type"] == "contract"


def test_an_unreachable_webhook_is_reported_not_raised(chain, customer):
    flow = big_flow(chain, webhook_url="http://127.0.0.1:9/nothing")
    approval = contract_submit(actor=chain.manager, contract=draft(customer, chain.manager))
    assert flow.webhook_url
    assert jobs.webhook(None, approval=approval.pk)["sent"] is False
