"""Sales opportunities 销售机会 and their development plans 客户开发计划 (s003/5 §3.1, OPP-1…OPP-8).

An opportunity is found by a salesperson or a supervisor, assigned by a supervisor to one account
manager, developed along a dated plan, and ends as won (a customer exists) or lost. It may also be
opened on an existing customer (a sale to a customer we already have)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm.core.colours import BadgeColour
from crm.core.models import TimeStampedModel
from crm.core.states import StateMachine
from crm.dictionary.models import dictionary_fk


class OpportunityStatus(models.TextChoices):
    UNASSIGNED = "unassigned", _("Unassigned")
    DEVELOPING = "developing", _("Developing")  # 已指派 = 开发中
    WON = "won", _("Developed successfully")
    LOST = "lost", _("Development failed")


OPEN_STATUSES = (OpportunityStatus.UNASSIGNED, OpportunityStatus.DEVELOPING)

OPPORTUNITY_STATES = StateMachine(
    OpportunityStatus,
    [
        ("edit", [OpportunityStatus.UNASSIGNED], OpportunityStatus.UNASSIGNED),
        ("delete", [OpportunityStatus.UNASSIGNED], OpportunityStatus.UNASSIGNED),
        ("assign", [OpportunityStatus.UNASSIGNED], OpportunityStatus.DEVELOPING),
        ("reassign", [OpportunityStatus.DEVELOPING], OpportunityStatus.DEVELOPING),
        ("plan", [OpportunityStatus.DEVELOPING], OpportunityStatus.DEVELOPING),
        ("move", [OpportunityStatus.DEVELOPING], OpportunityStatus.DEVELOPING),
        ("deal", [OpportunityStatus.UNASSIGNED, OpportunityStatus.DEVELOPING], OpportunityStatus.DEVELOPING),
        ("succeed", [OpportunityStatus.DEVELOPING], OpportunityStatus.WON),
        ("fail", [OpportunityStatus.DEVELOPING], OpportunityStatus.LOST),
    ],
    labels={
        "edit": _("Edit"),
        "delete": _("Delete"),
        "assign": _("Assign"),
        "reassign": _("Reassign"),
        "plan": _("Work on the development plan"),
        "move": _("Move to another stage"),
        "deal": _("Change the deal's amount, date or priority"),
        "succeed": _("Developed successfully"),
        "fail": _("Stop development"),
    },
)


class StageKind(models.TextChoices):
    OPEN = "open", pgettext_lazy("stage kind", "Open")
    WON = "won", pgettext_lazy("stage kind", "Won")
    LOST = "lost", pgettext_lazy("stage kind", "Lost")


class StaleAction(models.TextChoices):
    FLAG = "flag", _("Flag it as stale")
    LOSE = "lose", _("Close it as lost")


class Pipeline(models.Model):
    """An ordered set of stages for one team or business line (OPP-9); one is the default."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    department = models.ForeignKey(
        "identity.Department",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("team"),
        help_text=_("New opportunities of this department and those below it use this pipeline."),
    )
    is_default = models.BooleanField(_("default"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.IntegerField(_("sort order"), default=0)
    # The stale rule (OPP-10): an opportunity without activity for N days, or longer than M days
    # in one stage, is flagged or closed as lost; its owner is warned some days before.
    stale_inactive_days = models.PositiveIntegerField(
        _("days without activity"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    stale_stage_days = models.PositiveIntegerField(
        _("days in one stage"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    stale_action = models.CharField(
        _("then"), max_length=10, choices=StaleAction.choices, default=StaleAction.FLAG
    )
    stale_warn_days = models.PositiveIntegerField(_("warn the owner days before"), default=3)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("pipeline")
        verbose_name_plural = _("pipelines")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="one_default_pipeline"
            )
        ]

    def __str__(self) -> str:
        return self.name


# What a stage may require before an opportunity enters it: the deal's figures, which the
# account manager keeps up to date while developing it.
REQUIRABLE_FIELDS = ("expected_amount", "expected_close", "intent", "budget", "urgency")


class Stage(models.Model):
    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="stages", verbose_name=_("pipeline"))
    name = models.CharField(_("name"), max_length=40)
    sort_order = models.IntegerField(_("sort order"), default=0)
    probability = models.PositiveSmallIntegerField(
        _("default probability"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    kind = models.CharField(_("kind"), max_length=10, choices=StageKind.choices, default=StageKind.OPEN)
    folded = models.BooleanField(_("folded on the board"), default=False)
    required_fields = models.JSONField(_("required fields"), default=list, blank=True)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        constraints = [models.UniqueConstraint(fields=["pipeline", "name"], name="stage_name_unique_in_pipeline")]

    def __str__(self) -> str:
        return self.name


class OpportunityTag(models.Model):
    """A label on opportunities (key account, bidding, renewal …), set by administrators and
    picked by salespeople; the board and the list filter by it (OPP-9). Not the customers' tags:
    a customer's classification and a deal's are different vocabularies."""

    name = models.CharField(_("name"), max_length=30, unique=True)
    color = models.CharField(_("colour"), max_length=20, choices=BadgeColour.choices, default=BadgeColour.GREY)

    class Meta:
        ordering = ["name"]
        verbose_name = _("opportunity tag")
        verbose_name_plural = _("opportunity tags")

    def __str__(self) -> str:
        return self.name


class Level(models.IntegerChoices):
    """Purchase intent, budget and urgency (OPP-12)."""

    LOW = 1, _("Low")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High")


# How much each factor weighs in the priority score (OPP-12); the card shows the sum.
PRIORITY_WEIGHTS = {"intent": 50, "budget": 30, "urgency": 20}


def priority_score(intent, budget, urgency) -> int:
    """0–100: each factor's share of its weight (high = all of it, medium = two thirds …)."""
    values = {"intent": intent, "budget": budget, "urgency": urgency}
    return round(sum(weight * (values[name] or 0) / Level.HIGH for name, weight in PRIORITY_WEIGHTS.items()))


class Opportunity(TimeStampedModel):
    number = models.CharField(_("number"), max_length=30, unique=True, editable=False)
    source = models.CharField(_("opportunity source"), max_length=100, blank=True)
    customer_name = models.CharField(_("customer name"), max_length=100)
    probability = models.PositiveSmallIntegerField(
        _("success probability"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    summary = models.CharField(_("summary"), max_length=200)
    contact_name = models.CharField(_("contact"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    description = models.TextField(_("opportunity description"), max_length=5000)
    status = models.CharField(
        _("status"), max_length=20, choices=OpportunityStatus.choices, default=OpportunityStatus.UNASSIGNED
    )
    # The customer it is about: set when it is opened on an existing customer, or when it is won.
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opportunities",
        verbose_name=_("customer"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opportunities",
        verbose_name=_("account manager"),
        db_index=False,  # covered by the (owner, status) index
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True, editable=False)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
        editable=False,
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    close_reason = models.CharField(_("reason"), max_length=500, blank=True)
    # The pipeline (OPP-9): where the deal stands, what it may bring and when.
    pipeline = models.ForeignKey(
        Pipeline, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("pipeline")
    )
    stage = models.ForeignKey(
        Stage, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("stage")
    )
    stage_changed_at = models.DateTimeField(_("in this stage since"), null=True, blank=True, editable=False)
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True, editable=False)
    stale_warned_at = models.DateTimeField(null=True, blank=True, editable=False)
    stale_at = models.DateTimeField(_("stale since"), null=True, blank=True, editable=False)
    expected_amount = models.DecimalField(
        _("expected amount (CNY)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    expected_close = models.DateField(_("expected close date"), null=True, blank=True)
    lost_reason = dictionary_fk("lost_reason", verbose_name=_("lost reason"))
    # Priority (OPP-12): the three factors and the score computed from them, for sorting.
    intent = models.PositiveSmallIntegerField(_("purchase intent"), choices=Level.choices, null=True, blank=True)
    budget = models.PositiveSmallIntegerField(_("budget"), choices=Level.choices, null=True, blank=True)
    urgency = models.PositiveSmallIntegerField(_("urgency"), choices=Level.choices, null=True, blank=True)
    priority = models.PositiveSmallIntegerField(_("priority"), default=0, editable=False)
    # Competitors the customer also considers (CMP-3), and the one it went to (OPP-10).
    competitors = models.ManyToManyField(
        "competitors.Competitor", blank=True, related_name="opportunities", verbose_name=_("competitors")
    )
    lost_to = models.ForeignKey(
        "competitors.Competitor",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("lost to"),
    )
    tags = models.ManyToManyField(OpportunityTag, blank=True, related_name="opportunities", verbose_name=_("tags"))

    class Meta:
        ordering = ["-id"]
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        indexes = [
            models.Index(fields=["status", "-id"], name="opportunity_status_idx"),
            models.Index(fields=["owner", "status"], name="opportunity_owner_idx"),
            models.Index(fields=["created_by", "status"], name="opportunity_creator_idx"),
            # "assigned to me" / "created by me", newest first, for someone with few or none: along
            # their own rows, not the whole table backwards (393 ms for an executive at scale 1)
            models.Index(fields=["owner", "-id"], name="opportunity_owner_newest_idx"),
            models.Index(fields=["created_by", "-id"], name="opportunity_creator_newest_idx"),
            models.Index(fields=["stage", "-priority", "-id"], name="opportunity_board_idx"),
            models.Index(fields=["status", "expected_close"], name="opportunity_forecast_idx"),
            models.Index(  # the board's won and lost columns; covering, so their sums read only the index
                fields=["pipeline", "status", "closed_at"],
                include=["stage", "expected_amount", "probability"],
                name="opportunity_closed_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(probability__gte=0, probability__lte=100), name="opportunity_probability_range"
            ),
            # One opportunity, one account manager, from the moment it is assigned.
            models.CheckConstraint(
                condition=models.Q(status="unassigned") | models.Q(owner__isnull=False),
                name="opportunity_assigned_has_owner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.summary}"

    @property
    def weighted_amount(self):
        if self.expected_amount is None:
            return None
        return (self.expected_amount * self.probability / 100).quantize(self.expected_amount)


class PlanItem(TimeStampedModel):
    """One dated step of an opportunity's development plan, and what came of it."""

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="plan_items", verbose_name=_("opportunity")
    )
    date = models.DateField(_("date"))
    content = models.CharField(_("plan"), max_length=500)
    result = models.TextField(_("execution result"), max_length=2000, blank=True)
    result_at = models.DateTimeField(_("result recorded at"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        indexes = [models.Index(fields=["opportunity", "date"], name="planitem_opportunity_idx")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.content}"


class OpenTotal(models.Model):
    """Running sums of the developing opportunities per pipeline, stage, account manager and month
    of the expected close date, so that the board's columns and the forecast of someone who sees
    every opportunity are read from a few hundred rows instead of summing 300,000 (docs/benchmarks.md,
    issue 13). Kept by database triggers on the opportunity table (migration 0005), so that every
    write counts, the services', the stale job's, an import's or a bulk UPDATE's alike. Plain ids,
    not foreign keys: 0 stands for none, and a month of 1900-01-01 for no close date."""

    NO_MONTH = "1900-01-01"

    pipeline_id = models.IntegerField()
    stage_id = models.IntegerField()
    owner_id = models.IntegerField()
    close_month = models.DateField()
    n = models.IntegerField(default=0)
    amount = models.DecimalField(max_digits=20, decimal_places=2, default=0)
    # Σ amount × probability: the weighted total is this / 100, exact at any scale.
    amount_probability = models.DecimalField(max_digits=24, decimal_places=2, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["pipeline_id", "stage_id", "owner_id", "close_month"], name="open_total_key"
            )
        ]
