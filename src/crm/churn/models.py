"""Churn management 客户流失管理 (s003/5 §3.2.2, CHURN-1…3) and customer value (SEG-4).

A weekly scan warns of every customer whose last order is older than the threshold (6 months).
The customer's manager adds suspension measures 暂缓措施 (the first suspends the churn), and may
then confirm the churn with a reason: the customer is lost. A warning closes by itself when the
customer orders again. The customer's status follows along crm.customers' STATUS_FLOW.

CustomerValue holds the buy-till-you-die model's figures per customer (crm.churn.value), shown
beside the rule-based warning so managers can act before the six months are over."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm.core.states import StateMachine


class WarningState(models.TextChoices):
    OPEN = "open", pgettext_lazy("churn warning", "Open")  # 预警
    SUSPENDED = "suspended", pgettext_lazy("churn warning", "Suspended")  # 暂缓流失
    CONFIRMED = "confirmed", pgettext_lazy("churn warning", "Churn confirmed")  # 确认流失
    CLOSED = "closed", pgettext_lazy("churn warning", "Ordered again")  # the customer came back


ACTIVE_STATES = (WarningState.OPEN, WarningState.SUSPENDED)

WARNING_STATES = StateMachine(
    WarningState,
    [
        # Every measure is kept; the first one moves an open warning to suspended.
        ("suspend", [WarningState.OPEN, WarningState.SUSPENDED], WarningState.SUSPENDED),
        # s003/5 §3.2.2.1: "在确认流失前一定要采取措施暂缓流失".
        ("confirm", [WarningState.SUSPENDED], WarningState.CONFIRMED),
        ("close", [WarningState.OPEN, WarningState.SUSPENDED], WarningState.CLOSED),
    ],
    labels={
        "suspend": _("Add a suspension measure"),
        "confirm": _("Confirm the churn"),
        "close": _("Close (ordered again)"),
    },
)


class ChurnWarning(models.Model):
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        related_name="churn_warnings",
        verbose_name=_("customer"),
        db_index=False,  # covered by the constraint and the (customer, -id) index
    )
    state = models.CharField(_("state"), max_length=12, choices=WarningState.choices, default=WarningState.OPEN)
    last_order_on = models.DateField(_("last order"))
    created_at = models.DateTimeField(_("warned at"), auto_now_add=True)
    suspended_at = models.DateTimeField(_("suspended at"), null=True, blank=True)
    reason = models.TextField(_("reason for the churn"), max_length=2000, blank=True)  # 流失原因
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("confirmed by"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("churn warning")
        verbose_name_plural = _("churn warnings")
        constraints = [
            # Never two open warnings for one customer, however many scans run at once.
            models.UniqueConstraint(
                fields=["customer"], condition=Q(state__in=ACTIVE_STATES), name="churn_one_active_warning"
            )
        ]
        indexes = [
            models.Index(fields=["customer", "-id"], name="churn_customer_idx"),
            models.Index(fields=["state", "-id"], name="churn_state_idx"),
            # The list's sorts, ties by id as the list breaks them: a page of the newest (or by last
            # order) is read in index order, each warning's customer by its key, not by joining
            # every customer (a scan warns tens of thousands at the same instant; 1.1 s at scale 1
            # before, docs/benchmarks.md "Issue 15"). The first also finds a scan's own warnings.
            models.Index(fields=["created_at", "id"], name="churn_created_idx"),
            models.Index(fields=["last_order_on", "id"], name="churn_last_order_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.state}"

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES


class SuspensionMeasure(models.Model):
    """One measure taken against a churn (暂缓措施); appended, never edited (s003/5 §3.2.2.2)."""

    warning = models.ForeignKey(
        ChurnWarning, on_delete=models.CASCADE, related_name="measures", verbose_name=_("churn warning")
    )
    text = models.TextField(_("measure"), max_length=2000)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )

    class Meta:
        verbose_name = _("suspension measure")
        verbose_name_plural = _("suspension measures")
        ordering = ["warning", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class CustomerValue(models.Model):
    """The buy-till-you-die figures of one customer with order history (SEG-4), refreshed by the
    `churn.value` job: BG/NBD for purchases, Gamma-Gamma for spend (crm.churn.btyd)."""

    customer = models.OneToOneField(
        "customers.Customer", on_delete=models.CASCADE, primary_key=True, related_name="+",
        verbose_name=_("customer"),
    )
    orders = models.PositiveIntegerField(_("orders"))
    first_order_on = models.DateField(_("first order"))
    last_order_on = models.DateField(_("last order"))
    spend = models.DecimalField(_("total spend"), max_digits=18, decimal_places=2)
    p_alive = models.FloatField(_("probability still active"))
    expected_orders = models.FloatField(_("expected orders"))
    expected_spend = models.DecimalField(_("expected spend"), max_digits=18, decimal_places=2)
    refreshed_at = models.DateTimeField(_("refreshed at"))

    class Meta:
        verbose_name = _("customer value")
        verbose_name_plural = _("customer values")
        indexes = [
            models.Index(fields=["p_alive", "customer"], name="value_alive_idx"),
            models.Index(fields=["-expected_spend", "customer"], name="value_spend_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.p_alive:.2f}"

    @property
    def p_churn(self) -> float:
        return 1.0 - self.p_alive


class ValueModel(models.Model):
    """The parameters of the last fit, for the page that explains the figures."""

    fitted_at = models.DateTimeField(_("fitted at"))
    customers = models.PositiveIntegerField(_("customers"))
    horizon_days = models.PositiveIntegerField(_("horizon in days"))
    parameters = models.JSONField(_("parameters"))

    class Meta:
        verbose_name = _("customer value model")
        verbose_name_plural = _("customer value models")
        get_latest_by = "fitted_at"

    def __str__(self) -> str:
        return str(self.fitted_at)
