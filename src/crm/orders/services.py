"""The ERP's service account: a user that can only push to the integration API."""

import secrets

from django.db import transaction

from crm.access.models import Role
from crm.audit.services import audit_record
from crm.identity.models import User
from crm.identity.services import user_create
from crm.identity.tokens import token_issue, tokens_revoke

INTEGRATION_ROLE = "integration"  # crm.access.defaults: grants orders.integration.push alone


@transaction.atomic
def erp_account_issue(*, username: str = "erp", name: str = "ERP 接口", rotate: bool = False) -> tuple[User, str]:
    """The ERP's account (created the first time) with the integration role as its only role and
    no password, so it cannot sign in to the pages; a new API token for it, returned in clear
    once. `rotate` revokes its earlier tokens."""
    role = Role.objects.get(code=INTEGRATION_ROLE)
    user = User.objects.filter(username=username).first()
    if user is None:
        user = user_create(actor=None, username=username, password=secrets.token_urlsafe(24), name=name)
    user.set_unusable_password()
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    user.roles.set([role])
    if rotate:
        tokens_revoke(user=user)
    key = token_issue(user=user)
    audit_record(actor=None, action="orders.erp_token", instance=user, message="ERP API token issued")
    return user, key
