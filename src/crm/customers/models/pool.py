"""Public pools 公海 (CUS-13): unowned customers that account managers claim."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Pool(models.Model):
    """A pool and its rules, set by administrators.

    A pool serves the departments it lists and their sub-departments (none: the whole company).
    Customers of managers in those departments return to it after `no_followup_days` without a
    follow-up or `no_deal_days` without a deal (a daily job, warning the manager `warn_days`
    before); managers there claim from it while they own fewer than `claim_cap` customers, but
    not a customer they themselves released in the last `reclaim_days`.
    """

    name = models.CharField(_("name"), max_length=50, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    departments = models.ManyToManyField(
        "identity.Department", blank=True, related_name="+", verbose_name=_("departments served")
    )
    no_followup_days = models.PositiveIntegerField(
        _("return after days without follow-up"), null=True, blank=True, help_text=_("Empty: never.")
    )
    no_deal_days = models.PositiveIntegerField(
        _("return after days without a deal"), null=True, blank=True, help_text=_("Empty: never.")
    )
    warn_days = models.PositiveIntegerField(_("warn the manager days before"), default=3)
    claim_cap = models.PositiveIntegerField(
        _("most customers a manager may own"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    reclaim_days = models.PositiveIntegerField(
        _("days before a manager may claim back a customer they released"), default=30
    )
    is_default = models.BooleanField(_("default pool"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.IntegerField(_("sort order"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("public pool")
        verbose_name_plural = _("public pools")
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=models.Q(is_default=True), name="pool_one_default")
        ]

    def __str__(self) -> str:
        return self.name
