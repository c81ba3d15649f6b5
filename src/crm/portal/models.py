"""The customer self-service portal 客户自助服务 (SRV-8): a customer's contacts log in with their own
accounts, which are not staff users. An account belongs to one contact and, locked with it, to one
customer: it only ever sees that customer's services."""

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.utils.translation import gettext_lazy as _

EMAIL_MAX = 120


class PortalAccount(models.Model):
    contact = models.OneToOneField(
        "customers.Contact", on_delete=models.CASCADE, related_name="portal_account", verbose_name=_("contact")
    )
    # Denormalised from the contact and never changed: the one customer this account sees.
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="portal_accounts", verbose_name=_("customer")
    )
    email = models.EmailField(_("e-mail"), max_length=EMAIL_MAX, unique=True)
    password = models.CharField(_("password"), max_length=128, blank=True)  # empty: not set yet
    is_active = models.BooleanField(_("active"), default=True)
    last_login = models.DateTimeField(_("last login"), null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    # The current invitation's secret: a new invitation replaces it, accepting one clears it, so a
    # link works once and only the latest link works.
    invite_nonce = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("portal account")
        verbose_name_plural = _("portal accounts")
        indexes = [models.Index(fields=["customer", "id"], name="portal_account_customer_idx")]

    def __str__(self) -> str:
        return self.email

    @property
    def has_password(self) -> bool:
        return bool(self.password)

    def set_password(self, raw: str) -> None:
        self.password = make_password(raw)

    def check_password(self, raw: str) -> bool:
        return bool(self.password) and check_password(raw, self.password)


class PortalRequest(models.Model):
    """A service a contact submitted through the portal (the service's creator is a staff user: the
    customer's manager; this row says who really asked)."""

    service = models.OneToOneField(
        "service.Service", on_delete=models.CASCADE, related_name="portal_request", verbose_name=_("service")
    )
    account = models.ForeignKey(PortalAccount, on_delete=models.CASCADE, related_name="requests")
    notified_status = models.CharField(max_length=20, blank=True)  # the last status the contact was told of
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]


class PortalFeedback(models.Model):
    """Feedback a contact gave through the portal (the service round records the staff actor)."""

    service = models.ForeignKey("service.Service", on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(PortalAccount, on_delete=models.CASCADE, related_name="feedbacks")
    satisfaction = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
