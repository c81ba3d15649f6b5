"""Roles and what they allow: function permissions, data scopes, field rules; and shares.

Policies are rows, so an administrator edits them without a deployment (Odoo's record rules
as data). Only the engine (`crm.access.engine`) reads these tables to make decisions.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    SELF = "self", _("Own records")
    DEPARTMENT = "department", _("Own department")
    SUBTREE = "subtree", _("Department and sub-departments")
    ALL = "all", _("All")


# Wider scopes come later: combining roles takes the widest.
SCOPE_ORDER = [Scope.SELF, Scope.DEPARTMENT, Scope.SUBTREE, Scope.ALL]


class FieldRuleKind(models.TextChoices):
    READONLY = "readonly", _("Read-only")
    MASKED = "masked", _("Masked")
    HIDDEN = "hidden", _("Hidden")


# Milder rules come first: combining roles takes the mildest (a role that can see, sees).
FIELD_RULE_ORDER = [FieldRuleKind.READONLY, FieldRuleKind.MASKED, FieldRuleKind.HIDDEN]


class PolicyQuerySet(models.QuerySet):
    """Rows of a role's policy: the writes that send no signal (bulk_create, update) tell the permission
    engine too, which holds policies per set of roles (ADR 0028); save and delete tell it through
    signals (crm.access.signals)."""

    def bulk_create(self, *args, **kwargs):
        created = super().bulk_create(*args, **kwargs)
        _policy_changed()
        return created

    def bulk_update(self, *args, **kwargs):
        updated = super().bulk_update(*args, **kwargs)
        _policy_changed()
        return updated

    def update(self, **kwargs):
        updated = super().update(**kwargs)
        _policy_changed()
        return updated

    def delete(self):
        deleted = super().delete()
        _policy_changed()
        return deleted

    update.alters_data = delete.alters_data = True


def _policy_changed() -> None:
    from crm.access.engine import policy_changed  # the engine reads these models

    policy_changed()


class Role(models.Model):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    default_scope = models.CharField(_("default data scope"), max_length=20, choices=Scope.choices, default=Scope.SELF)
    is_system = models.BooleanField(_("built-in"), default=False)
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="roles", blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self) -> str:
        return self.name


class RolePermission(models.Model):
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="permissions")
    code = models.CharField(_("function"), max_length=100)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["role", "code"], name="access_role_permission_unique")]

    def __str__(self) -> str:
        return self.code


class RoleScope(models.Model):
    """A data scope for one resource, overriding the role's default scope."""

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="scopes")
    resource = models.CharField(_("resource"), max_length=100)
    scope = models.CharField(_("data scope"), max_length=20, choices=Scope.choices)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["role", "resource"], name="access_role_scope_unique")]


class FieldRule(models.Model):
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="field_rules")
    resource = models.CharField(_("resource"), max_length=100)
    field = models.CharField(_("field"), max_length=100)
    rule = models.CharField(_("rule"), max_length=20, choices=FieldRuleKind.choices)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["role", "resource", "field"], name="access_field_rule_unique")]


class Share(models.Model):
    """One record of a shareable resource given to one more user (共享)."""

    resource = models.CharField(_("resource"), max_length=100)
    object_id = models.BigIntegerField(_("record"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shares")
    can_edit = models.BooleanField(_("may edit"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["resource", "object_id", "user"], name="access_share_unique")]
        indexes = [models.Index(fields=["user", "resource", "object_id"], name="access_share_user_idx")]
        verbose_name = _("share")
        verbose_name_plural = _("shares")


class KnownFunction(models.Model):
    """Function codes already offered to the built-in roles (see access.services.roles_sync)."""

    code = models.CharField(max_length=100, unique=True)
