"""Commissions 提成 (SADM-4): rules set by administrators, a month per calculation with its status
(draft → reviewed → locked) and one line per salesperson and rule, or an adjustment. Imported by
`crm.salesadmin.models`, so Django sees these models as the app's."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm.core.models import TimeStampedModel
from crm.core.states import StateMachine

MONEY = {"max_digits": 14, "decimal_places": 2}
USER = settings.AUTH_USER_MODEL


class CommissionBasis(models.TextChoices):
    RECEIVED = "received", _("Payments received")
    WON = "won", _("Won amount")


class CommissionRule(TimeStampedModel):
    """A percentage of a basis (payments received or won amount), tiered by the salesperson's
    attainment of that month's target for the same measure, optionally limited to one product
    category. `tiers`: [{"from": "0", "rate": "2"}, {"from": "80", "rate": "3"}, …] with "from"
    the attainment in percent where the tier starts (the first 0, then rising) and "rate" the
    percentage paid (crm.salesadmin.services.commissions.clean_tiers checks them)."""

    name = models.CharField(_("name"), max_length=100)
    basis = models.CharField(_("basis"), max_length=10, choices=CommissionBasis.choices)
    category = models.CharField(_("product category"), max_length=100, blank=True,
                                help_text=_("Empty: the whole amount; else only what lines of this category bring."))
    tiers = models.JSONField(_("tiers"), default=list)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+", editable=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("commission rule")
        verbose_name_plural = _("commission rules")

    def __str__(self) -> str:
        return self.name


class MonthStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEWED = "reviewed", pgettext_lazy("commission month", "Reviewed")
    LOCKED = "locked", pgettext_lazy("commission month", "Locked")


MONTH_STATES = StateMachine(
    MonthStatus,
    [
        ("calculate", [MonthStatus.DRAFT, MonthStatus.REVIEWED], MonthStatus.DRAFT),
        ("adjust", [MonthStatus.DRAFT, MonthStatus.REVIEWED], MonthStatus.DRAFT),
        ("review", [MonthStatus.DRAFT], MonthStatus.REVIEWED),
        ("lock", [MonthStatus.REVIEWED], MonthStatus.LOCKED),
    ],
    labels={"calculate": _("Calculate"), "adjust": _("Add an adjustment"), "review": _("Mark reviewed"),
            "lock": _("Lock the month")},
)


class CommissionMonth(TimeStampedModel):
    """One month's commissions for the whole company. Locked, its lines never change again."""

    month = models.DateField(_("month"), unique=True, help_text=_("The first day of the month."))
    status = models.CharField(_("status"), max_length=10, choices=MonthStatus.choices, default=MonthStatus.DRAFT)
    calculated_at = models.DateTimeField(_("calculated at"), null=True, blank=True, editable=False)
    calculated_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                      editable=False)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    editable=False)
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True, editable=False)
    locked_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                  editable=False)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("commission month")
        verbose_name_plural = _("commission months")

    def __str__(self) -> str:
        return self.month.strftime("%Y-%m")


class LineKind(models.TextChoices):
    RULE = "rule", _("Rule")
    ADJUSTMENT = "adjustment", _("Adjustment")


class CommissionLine(models.Model):
    """A salesperson's commission of a month under one rule (with how it was computed, kept as it
    was), or an adjustment with its reason, such as the correction of a locked month."""

    period = models.ForeignKey(CommissionMonth, on_delete=models.CASCADE, related_name="lines",
                               verbose_name=_("month"))
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("salesperson"))
    kind = models.CharField(_("kind"), max_length=10, choices=LineKind.choices, default=LineKind.RULE)
    rule = models.ForeignKey(CommissionRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("rule"))
    rule_name = models.CharField(_("rule"), max_length=100, blank=True)
    basis = models.CharField(_("basis"), max_length=10, choices=CommissionBasis.choices, blank=True)
    category = models.CharField(_("product category"), max_length=100, blank=True)
    basis_amount = models.DecimalField(_("basis (CNY)"), default=0, **MONEY)
    target = models.DecimalField(_("target (CNY)"), null=True, blank=True, **MONEY)
    actual = models.DecimalField(_("actual (CNY)"), null=True, blank=True, **MONEY)
    attainment = models.DecimalField(_("attainment (%)"), max_digits=10, decimal_places=1, null=True, blank=True)
    tier_from = models.DecimalField(_("tier from (%)"), max_digits=7, decimal_places=2, null=True, blank=True)
    rate = models.DecimalField(_("rate (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    amount = models.DecimalField(_("commission (CNY)"), **MONEY)
    explanation = models.JSONField(_("how it was computed"), default=dict, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    corrects = models.ForeignKey(CommissionMonth, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("corrects"))
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["period", "user", "kind", "rule_name", "id"]
        verbose_name = _("commission line")
        verbose_name_plural = _("commission lines")
        indexes = [models.Index(fields=["period", "user"], name="commissionline_month_user_idx"),
                   models.Index(fields=["user", "period"], name="commissionline_user_idx")]
        constraints = [
            models.UniqueConstraint(fields=["period", "user", "rule"], condition=Q(kind="rule"),
                                    name="commissionline_rule_uniq"),
            models.CheckConstraint(condition=Q(kind="rule") | ~Q(reason=""), name="commissionline_adjust_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.rule_name or self.get_kind_display()}"
