"""Leads 线索 (OPP-13): unqualified prospects, captured by hand, by the API, by import or by the
public web form; owned by a salesperson or waiting in the lead pool; worked with follow-ups;
converted in one step into a customer, a contact and an opportunity, or disqualified."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.core.models import TimeStampedModel
from crm.core.states import StateMachine
from crm.dictionary.models import dictionary_fk, region_fk


class LeadStatus(models.TextChoices):
    NEW = "new", _("New")
    WORKING = "working", _("Being followed up")
    CONVERTED = "converted", _("Converted")
    DISQUALIFIED = "disqualified", _("Disqualified")


OPEN_STATUSES = (LeadStatus.NEW, LeadStatus.WORKING)

LEAD_STATES = StateMachine(
    LeadStatus,
    [
        ("edit", OPEN_STATUSES, LeadStatus.NEW),  # the target is not used: editing keeps the status
        ("follow_up", OPEN_STATUSES, LeadStatus.WORKING),
        ("convert", OPEN_STATUSES, LeadStatus.CONVERTED),
        ("disqualify", OPEN_STATUSES, LeadStatus.DISQUALIFIED),
        ("reopen", [LeadStatus.DISQUALIFIED], LeadStatus.WORKING),
        ("release", OPEN_STATUSES, LeadStatus.NEW),
        ("claim", OPEN_STATUSES, LeadStatus.NEW),
        ("assign", OPEN_STATUSES, LeadStatus.NEW),
    ],
    labels={
        "edit": _("Edit"),
        "follow_up": _("Follow up"),
        "convert": _("Convert"),
        "disqualify": _("Disqualify"),
        "reopen": _("Reopen"),
        "release": _("Return to the lead pool"),
        "claim": _("Claim"),
        "assign": _("Assign"),
    },
)


class LeadChannel(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    WEB_FORM = "web_form", _("Web form")
    API = "api", _("API")
    IMPORT = "import", _("Import")


class Lead(TimeStampedModel):
    number = models.CharField(_("number"), max_length=30, unique=True, editable=False)
    name = models.CharField(_("contact name"), max_length=50)
    company = models.CharField(_("company"), max_length=100)
    position = models.CharField(_("position"), max_length=50, blank=True)
    mobile = models.CharField(_("mobile"), max_length=40, blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), max_length=120, blank=True)
    province = region_fk("province", verbose_name=_("province"))
    source = dictionary_fk("customer_source", verbose_name=_("source"))
    industry = dictionary_fk("industry", verbose_name=_("industry"), db_index=False)
    notes = models.TextField(_("notes"), max_length=2000, blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=LeadChannel.choices, default=LeadChannel.MANUAL)
    status = models.CharField(_("status"), max_length=20, choices=LeadStatus.choices, default=LeadStatus.NEW)
    # Normalised keys for the duplicate check (the same rules as customers').
    company_key = models.CharField(max_length=120, editable=False, db_index=True)
    phone_key = models.CharField(max_length=40, editable=False, blank=True, db_index=True)
    email_key = models.CharField(max_length=120, editable=False, blank=True, db_index=True)
    duplicate_hint = models.CharField(_("possible duplicate"), max_length=200, blank=True, editable=False)
    # Ownership: no owner means the lead waits in the pool.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="leads",
        verbose_name=_("owner"), db_index=False,
    )
    owned_since = models.DateTimeField(_("owned since"), null=True, blank=True, editable=False)
    previous_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    pooled_at = models.DateTimeField(_("in the pool since"), null=True, blank=True, editable=False)
    last_followup_at = models.DateTimeField(_("last follow-up"), null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    # The end of the lead: converted into these, or disqualified for this reason.
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    disqualify_reason = models.CharField(_("reason"), max_length=500, blank=True)
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="leads",
        verbose_name=_("customer"),
    )
    opportunity = models.ForeignKey(
        "opportunities.Opportunity", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("opportunity"),
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        indexes = [
            models.Index(fields=["owner", "status", "-id"], name="lead_owner_idx"),
            # "my open leads" (two statuses) newest first: walked along one owner's rows, not the
            # whole table backwards looking for them (p95 175 ms for someone with none, at scale 1)
            models.Index(fields=["owner", "-id"], name="lead_owner_newest_idx"),
            models.Index(fields=["status", "-id"], name="lead_status_idx"),
            models.Index(fields=["created_by", "-id"], name="lead_creator_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.company} · {self.name}"

    @property
    def in_pool(self) -> bool:
        return self.owner_id is None


class LeadActivity(models.Model):
    """A follow-up of a lead: what was done, and when to follow up next."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="activities", verbose_name=_("lead"))
    content = models.CharField(_("content"), max_length=1000)
    next_on = models.DateField(_("next follow-up"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("lead follow-up")
        verbose_name_plural = _("lead follow-ups")
        indexes = [models.Index(fields=["lead", "-created_at"], name="leadactivity_lead_idx")]


class LeadClaim(models.Model):
    """Each claim from the pool, for the daily limit."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="+")
    claimed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["user", "claimed_at"], name="leadclaim_user_idx")]


class LeadSettings(models.Model):
    """One row: the lead pool's rules and the public web form."""

    claims_per_day = models.PositiveIntegerField(_("claims per person per day"), default=20)
    reclaim_wait_days = models.PositiveIntegerField(
        _("days before the previous owner may claim again"), default=7
    )
    return_after_days = models.PositiveIntegerField(
        _("days without follow-up before a lead returns to the pool"), null=True, blank=True, default=14
    )
    escalate_after_days = models.PositiveIntegerField(
        _("days a new lead may stay untouched before the supervisor is told"), null=True, blank=True, default=2
    )
    web_form_enabled = models.BooleanField(_("public web form enabled"), default=True)
    web_form_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("web form leads go to"),
        help_text=_("Empty: into the lead pool."),
    )

    class Meta:
        verbose_name = _("lead settings")
        verbose_name_plural = _("lead settings")

    @classmethod
    def current(cls) -> "LeadSettings":
        return cls.objects.order_by("pk").first() or cls.objects.create()


class LeadRegionRule(models.Model):
    """Leads of a province go to this person when assigned by region."""

    province = models.OneToOneField(
        "dictionary.Region", on_delete=models.CASCADE, related_name="+", verbose_name=_("province"),
        limit_choices_to={"level": "province"},
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("owner")
    )

    class Meta:
        verbose_name = _("region rule")
        verbose_name_plural = _("region rules")

    def __str__(self) -> str:
        return f"{self.province} → {self.owner}"
