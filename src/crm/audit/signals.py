"""Logins, logouts and failed logins go to the audit log (ORG-8 登录日志)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from crm.audit.models import AuditAction
from crm.audit.services import audit_record


@receiver(user_logged_in, dispatch_uid="crm.audit.login")
def _logged_in(sender, request, user, **kwargs):
    audit_record(actor=user, action=AuditAction.LOGIN, instance=user)


@receiver(user_logged_out, dispatch_uid="crm.audit.logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, action=AuditAction.LOGOUT, instance=user)


@receiver(user_login_failed, dispatch_uid="crm.audit.login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    message = f"{username} (locked out)" if credentials.get("locked") else username
    audit_record(actor=None, action=AuditAction.LOGIN_FAILED, object_repr=username, message=message)
