"""Customer services 客户服务 (s003/5 §3.3, SRV-1…SRV-5).

A customer's request (consultation 咨询, suggestion 建议, complaint 投诉) is created by an account
manager or a service agent, assigned by a supervisor to one person, handled by that person, and
then followed up with the customer: satisfied (3 to 5) it is archived, dissatisfied (1 or 2) it
goes back to assigned and is handled again. Each handling and its feedback is one ServiceRound,
so every earlier round is kept; the Service row carries the latest values for the lists."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm.core.models import TimeStampedModel
from crm.core.states import StateMachine
from crm.dictionary.models import dictionary_fk

# A satisfaction at or above this archives the service; below it, the service is handled again.
SATISFIED = 3


class ServiceStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("service status", "New")  # 新创建
    ASSIGNED = "assigned", pgettext_lazy("service status", "Assigned")  # 已分配
    HANDLED = "handled", pgettext_lazy("service status", "Handled")  # 已处理
    ARCHIVED = "archived", pgettext_lazy("service status", "Archived")  # 已归档


SERVICE_STATES = StateMachine(
    ServiceStatus,
    [
        ("assign", [ServiceStatus.NEW], ServiceStatus.ASSIGNED),
        # Another person takes an assigned service over (also one sent back by a dissatisfied customer).
        ("reassign", [ServiceStatus.ASSIGNED], ServiceStatus.ASSIGNED),
        ("handle", [ServiceStatus.ASSIGNED], ServiceStatus.HANDLED),
        ("archive", [ServiceStatus.HANDLED], ServiceStatus.ARCHIVED),  # feedback, satisfaction ≥ 3
        ("reopen", [ServiceStatus.HANDLED], ServiceStatus.ASSIGNED),  # feedback, satisfaction < 3
    ],
    labels={
        "assign": pgettext_lazy("service", "Assign"),
        "reassign": pgettext_lazy("service", "Reassign"),
        "handle": _("Handle"),
        "archive": _("Feedback (satisfied)"),
        "reopen": _("Feedback (dissatisfied)"),
    },
)


class Satisfaction(models.IntegerChoices):
    VERY_DISSATISFIED = 1, _("1 · very dissatisfied")
    DISSATISFIED = 2, _("2 · dissatisfied")
    NEUTRAL = 3, _("3 · acceptable")
    SATISFIED = 4, _("4 · satisfied")
    VERY_SATISFIED = 5, _("5 · very satisfied")


class Service(TimeStampedModel):
    number = models.CharField(_("number"), max_length=30, unique=True, editable=False)
    type = dictionary_fk("service_type", verbose_name=_("service type"), null=False)
    summary = models.CharField(_("summary"), max_length=200)
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("customer"),
        db_index=False,  # covered by the (customer, -id) index
    )
    request = models.TextField(_("service request"), max_length=5000)
    status = models.CharField(_("status"), max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.NEW)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
        editable=False,
        db_index=False,  # covered by the (created_by, status) index
    )
    # 分配: to one person; the time and the supervisor are recorded.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("assigned to"),
        editable=False,
        db_index=False,  # covered by the (assignee, status, -id) index
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True, editable=False)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    # The latest round's handling and feedback (every round is kept in ServiceRound).
    handling = models.TextField(_("handling"), blank=True, editable=False)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("handled by"),
        editable=False,
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True, editable=False)
    result = models.TextField(_("result"), blank=True, editable=False)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"), choices=Satisfaction.choices, null=True, blank=True, editable=False
    )
    feedback_at = models.DateTimeField(_("feedback at"), null=True, blank=True, editable=False)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)
    # 服务协议 / 时限 (SRV-6): the deadlines are set at creation from the most specific agreement and
    # never move afterwards (a service sent back by the customer keeps its resolution deadline).
    # Response is met by the first assignment (someone took it), resolution by the archiving. The
    # warn_at moments are the deadlines less the agreement's warning hours, so that the job finds
    # what to warn about with an index; the warned/breached markers make each warning and each
    # escalation happen once.
    agreement = models.ForeignKey(
        "service.ServiceAgreement",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("service agreement"),
        editable=False,
    )
    response_due = models.DateTimeField(_("response due"), null=True, blank=True, editable=False)
    response_warn_at = models.DateTimeField(null=True, blank=True, editable=False)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True, editable=False)
    response_warned_at = models.DateTimeField(null=True, blank=True, editable=False)
    response_breached_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolution_due = models.DateTimeField(_("resolution due"), null=True, blank=True, editable=False)
    resolution_warn_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True, editable=False)
    resolution_warned_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolution_breached_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("customer service")
        verbose_name_plural = _("customer services")
        indexes = [
            # The status lists (to assign, to give feedback on) and the archive, newest first.
            models.Index(fields=["status", "-id"], name="service_status_idx"),
            # 服务处理: the services assigned to me.
            models.Index(fields=["assignee", "status", "-id"], name="service_assignee_idx"),
            models.Index(fields=["created_by", "status"], name="service_creator_idx"),
            # the ids of "services I created" for the scope's UNION, read from the index alone
            models.Index(fields=["created_by", "-id"], name="service_creator_newest_idx"),
            # The customer's services (360 page, archive by customer).
            models.Index(fields=["customer", "-id"], name="service_customer_idx"),
            # The archive by type, and by created date range.
            models.Index(fields=["status", "type", "-id"], name="service_type_idx"),
            models.Index(fields=["status", "created_at"], name="service_created_idx"),
            # Services handled in a period by who handled them (the work report, the dashboard), read
            # from the index alone on PostgreSQL.
            models.Index(fields=["handled_at"], include=["handled_by"], name="service_handled_idx"),
            # 服务处理 sorted by the nearest deadline.
            models.Index(fields=["assignee", "status", "resolution_due"], name="service_assignee_due_idx"),
            # The deadline job: only the services whose deadline is still open are in these indexes.
            models.Index(
                fields=["response_warn_at"],
                name="service_response_warn_idx",
                condition=models.Q(responded_at__isnull=True, response_warned_at__isnull=True),
            ),
            models.Index(
                fields=["response_due"],
                name="service_response_due_idx",
                condition=models.Q(responded_at__isnull=True, response_breached_at__isnull=True),
            ),
            models.Index(
                fields=["resolution_warn_at"],
                name="service_resolution_warn_idx",
                condition=models.Q(resolved_at__isnull=True, resolution_warned_at__isnull=True),
            ),
            models.Index(
                fields=["resolution_due"],
                name="service_resolution_due_idx",
                condition=models.Q(resolved_at__isnull=True, resolution_breached_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="new") | models.Q(assignee__isnull=False),
                name="service_assigned_has_assignee",
            ),
            models.CheckConstraint(
                condition=models.Q(satisfaction__isnull=True) | models.Q(satisfaction__gte=1, satisfaction__lte=5),
                name="service_satisfaction_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.summary}"

    @property
    def next_due(self):
        """The deadline that counts now: response until someone took the service, then resolution
        until it is archived; None when both are met or there is no agreement."""
        if self.response_due and self.responded_at is None:
            return self.response_due
        if self.resolution_due and self.resolved_at is None:
            return self.resolution_due
        return None

    @property
    def next_warn_at(self):
        if self.response_due and self.responded_at is None:
            return self.response_warn_at
        if self.resolution_due and self.resolved_at is None:
            return self.resolution_warn_at
        return None

    @property
    def breached(self) -> bool:
        """A deadline passed before it was met: still open past it, or met late."""
        return _late(self.response_due, self.responded_at) or _late(self.resolution_due, self.resolved_at)


def _late(due, met) -> bool:
    if due is None:
        return False
    return (met or timezone.now()) > due


def breached_q(now) -> models.Q:
    """The services whose deadline passed before it was met (as Service.breached says)."""
    return (
        models.Q(responded_at__isnull=True, response_due__lt=now)
        | models.Q(responded_at__gt=models.F("response_due"))
        | models.Q(resolved_at__isnull=True, resolution_due__lt=now)
        | models.Q(resolved_at__gt=models.F("resolution_due"))
    )


class ServiceAgreement(models.Model):
    """服务协议: how many working hours a service of a type (and, optionally, of a customer level)
    may wait for a response (assignment) and for its resolution (archiving). The most specific
    agreement wins: type and level over type alone."""

    type = dictionary_fk("service_type", verbose_name=_("service type"), null=False)
    customer_level = dictionary_fk(
        "customer_level", verbose_name=_("customer level"), help_text=_("Empty: customers of any level.")
    )
    response_hours = models.DecimalField(
        _("response within (working hours)"),
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    resolution_hours = models.DecimalField(
        _("resolution within (working hours)"),
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    warn_hours = models.DecimalField(
        _("warn before (working hours)"),
        max_digits=7,
        decimal_places=2,
        default=Decimal("2"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["type__sort_order", "type_id", "customer_level_id", "id"]
        verbose_name = _("service agreement")
        verbose_name_plural = _("service agreements")
        constraints = [
            models.UniqueConstraint(
                fields=["type", "customer_level"],
                name="service_agreement_unique",
                condition=models.Q(customer_level__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["type"],
                name="service_agreement_any_level_unique",
                condition=models.Q(customer_level__isnull=True),
            ),
            models.CheckConstraint(
                condition=models.Q(response_hours__gt=0, resolution_hours__gt=0, warn_hours__gte=0),
                name="service_agreement_hours_positive",
            ),
        ]

    def __str__(self) -> str:
        level = self.customer_level.entry if self.customer_level_id else _("any level")
        return f"{self.type.entry} · {level}"


class ServiceRound(models.Model):
    """One handling of a service and the customer's feedback on it. A dissatisfied customer
    (satisfaction < 3) sends the service back: the next handling is a new round."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="rounds", verbose_name=_("service"))
    sequence = models.PositiveSmallIntegerField(_("round"))
    handling = models.TextField(_("handling"), max_length=5000)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("handled by")
    )
    handled_at = models.DateTimeField(_("handled at"))
    result = models.TextField(_("result"), max_length=5000, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"),
        choices=Satisfaction.choices,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    feedback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("feedback by"),
    )
    # The knowledge-base article the handler went by (SRV-7), if any.
    article = models.ForeignKey(
        "knowledge.Article",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("article used"),
    )
    feedback_at = models.DateTimeField(_("feedback at"), null=True, blank=True)

    class Meta:
        ordering = ["service", "sequence"]
        verbose_name = _("service round")
        verbose_name_plural = _("service rounds")
        constraints = [
            models.UniqueConstraint(fields=["service", "sequence"], name="service_round_unique"),
            models.CheckConstraint(
                condition=models.Q(satisfaction__isnull=True) | models.Q(satisfaction__gte=1, satisfaction__lte=5),
                name="service_round_satisfaction_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_id} #{self.sequence}"

    @property
    def satisfied(self) -> bool | None:
        return None if self.satisfaction is None else self.satisfaction >= SATISFIED
