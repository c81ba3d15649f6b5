"""Targets, monthly reviews, work reports and expense claims. Every record belongs to a person
(its owner field, for data scopes) except a department's target, which belongs to the department."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm.core.models import TimeStampedModel
from crm.dictionary.models import dictionary_fk

MONEY = {"max_digits": 14, "decimal_places": 2}
USER = settings.AUTH_USER_MODEL


class Target(TimeStampedModel):
    """One month's target of a salesperson or of a department (never both)."""

    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    user = models.ForeignKey(USER, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("salesperson"))
    department = models.ForeignKey("identity.Department", null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="+", verbose_name=_("department"))
    won_amount = models.DecimalField(_("won amount (CNY)"), default=0, **MONEY)
    received = models.DecimalField(_("payments received (CNY)"), default=0, **MONEY)
    new_customers = models.PositiveIntegerField(_("new customers"), default=0)
    followups = models.PositiveIntegerField(pgettext_lazy("a count", "Follow-ups"), default=0)
    set_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+", editable=False)

    class Meta:
        ordering = ["-month", "id"]
        verbose_name = _("sales target")
        verbose_name_plural = _("sales targets")
        constraints = [
            models.CheckConstraint(condition=Q(user__isnull=True) ^ Q(department__isnull=True),
                                   name="target_user_xor_department"),
            models.UniqueConstraint(fields=["user", "month"], condition=Q(user__isnull=False),
                                    name="target_user_month_uniq"),
            models.UniqueConstraint(fields=["department", "month"], condition=Q(department__isnull=False),
                                    name="target_department_month_uniq"),
            models.CheckConstraint(condition=Q(won_amount__gte=0) & Q(received__gte=0), name="target_positive"),
        ]
        indexes = [models.Index(fields=["month"], name="target_month_idx")]


class Review(TimeStampedModel):
    """业务员月度考核: the superior's score and comment on a salesperson's month."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+", verbose_name=_("salesperson"))
    month = models.DateField(_("month"))
    score = models.PositiveSmallIntegerField(_("score"), validators=[MinValueValidator(0), MaxValueValidator(100)])
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    reviewer = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+", editable=False)

    class Meta:
        ordering = ["-month", "id"]
        verbose_name = _("monthly review")
        verbose_name_plural = _("monthly reviews")
        constraints = [
            models.UniqueConstraint(fields=["user", "month"], name="review_user_month_uniq"),
            models.CheckConstraint(condition=Q(score__lte=100), name="review_score_range"),
        ]


class ReportKind(models.TextChoices):
    WEEK = "week", _("Weekly report")
    MONTH = "month", _("Monthly report")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", pgettext_lazy("report", "Submitted")
    REVIEWED = "reviewed", _("Reviewed")


class WorkReport(TimeStampedModel):
    """A weekly or monthly work report 周报/月报: the period's figures from the records (kept as
    they were when submitted) and the writer's summary and plan; the superior's score and comment."""

    author = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+", verbose_name=_("author"))
    kind = models.CharField(_("kind"), max_length=5, choices=ReportKind.choices)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    figures = models.JSONField(_("figures"), default=dict, editable=False)
    summary = models.TextField(_("summary"), max_length=5000)
    plan = models.TextField(_("next plan"), max_length=5000, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    reviewer = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 editable=False, verbose_name=_("reviewer"))
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-period_start", "-id"]
        verbose_name = _("work report")
        verbose_name_plural = _("work reports")
        constraints = [
            models.UniqueConstraint(fields=["author", "kind", "period_start"], name="workreport_period_uniq"),
        ]
        indexes = [models.Index(fields=["kind", "period_start"], name="workreport_period_idx")]


class ReportReminder(models.Model):
    """A reminder sent for a missing report: the unique row claims it, so it is sent once."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=5, choices=ReportKind.choices)
    period_start = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "period_start"], name="reportreminder_uniq"),
        ]


class ClaimStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_APPROVAL = "in_approval", _("In approval")
    APPROVED = "approved", pgettext_lazy("claim", "Approved")


class ExpenseClaim(TimeStampedModel):
    """费用报销: a claim with its lines, approved through the approval engine, then paid by finance."""

    number = models.CharField(_("number"), max_length=30, unique=True, editable=False)
    claimant = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("claimant"))
    title = models.CharField(_("title"), max_length=100)
    total = models.DecimalField(_("total (CNY)"), default=0, editable=False, **MONEY)
    status = models.CharField(_("status"), max_length=12, choices=ClaimStatus.choices, default=ClaimStatus.DRAFT)
    # Why the last approval sent it back (shown on the draft until it is submitted again).
    returned_reason = models.CharField(_("returned because"), max_length=500, blank=True, editable=False)
    paid = models.BooleanField(_("paid"), default=False, editable=False)
    paid_on = models.DateField(_("paid on"), null=True, blank=True, editable=False)
    paid_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                editable=False)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("expense claim")
        verbose_name_plural = _("expense claims")
        indexes = [models.Index(fields=["claimant", "-id"], name="claim_claimant_idx"),
                   models.Index(fields=["status", "-id"], name="claim_status_idx")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class ExpenseLine(models.Model):
    claim = models.ForeignKey(ExpenseClaim, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=0)
    expense_type = dictionary_fk("expense_type", verbose_name=_("expense type"), null=False)
    amount = models.DecimalField(_("amount (CNY)"), **MONEY)
    spent_on = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=200, blank=True)
    # A merge re-points the lines of a merged customer (crm.customers.services.merge moves every
    # relation it can see; a hidden one would be set to NULL with the merged customer).
    customer = models.ForeignKey("customers.Customer", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="expense_lines", verbose_name=_("customer"))
    opportunity = models.ForeignKey("opportunities.Opportunity", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("opportunity"))
    receipt = models.FileField(_("receipt file"), upload_to="expenses/%Y/%m/", blank=True)
    receipt_type = models.CharField(max_length=100, blank=True, editable=False)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("expense line")
        verbose_name_plural = _("expense lines")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="expenseline_amount_positive")]
        indexes = [models.Index(fields=["spent_on"], name="expenseline_date_idx")]


# Commissions 提成 (SADM-4) live in their own module; imported here so Django sees them as this app's.
from crm.salesadmin.commission_models import (  # noqa: E402, F401
    CommissionBasis,
    CommissionLine,
    CommissionMonth,
    CommissionRule,
    LineKind,
    MonthStatus,
)
