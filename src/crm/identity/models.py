"""Users and the department tree (ORG-1, ORG-2)."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class DepartmentQuerySet(models.QuerySet):
    def subtree_of(self, department: "Department") -> "DepartmentQuerySet":
        """The department and everything below it: one indexed prefix match on the path."""
        return self.filter(path__startswith=department.path)


class Department(models.Model):
    """A node of the organisation tree, stored with a materialised path ("/1/7/12/").

    Reading a subtree is a prefix match; moving a subtree rewrites the paths below it in one
    UPDATE, so it stays cheap however large the tree.
    """

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=30, blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent department"),
    )
    path = models.CharField(max_length=1000, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    sort_order = models.IntegerField(_("sort order"), default=0)
    leader = models.ForeignKey(
        "identity.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("leader"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name

    def insert(self) -> None:
        """Save a new department: its path holds its own id, so it is set right after the insert."""
        self.path = "/"
        self.save()
        self.path = f"{self.parent.path if self.parent else '/'}{self.pk}/"
        self.depth = self.parent.depth + 1 if self.parent else 0
        self.save(update_fields=["path", "depth"])


class UserStatus(models.TextChoices):
    NORMAL = "normal", _("Normal")
    DISABLED = "disabled", _("Disabled")
    LEFT = "left", _("Left")


class UserQuerySet(models.QuerySet):
    def active(self) -> "UserQuerySet":
        return self.filter(status=UserStatus.NORMAL)

    def in_subtree(self, department: "Department") -> "UserQuerySet":
        """Members of the department and of every department below it."""
        return self.filter(department__path__startswith=department.path)


class CrmUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A company employee who logs in. `is_active` follows `status`: only normal users log in."""

    name = models.CharField(_("name"), max_length=50, blank=True)
    employee_no = models.CharField(_("employee number"), max_length=30, null=True, blank=True, unique=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("department"),
    )
    superior = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subordinates",
        verbose_name=_("direct superior"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=UserStatus.choices, default=UserStatus.NORMAL, db_index=True
    )

    objects = CrmUserManager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.name or self.username

    def get_full_name(self) -> str:
        return self.name or self.username

    def get_short_name(self) -> str:
        return self.name or self.username

    def save(self, *args, **kwargs):
        self.is_active = self.status == UserStatus.NORMAL
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "status" in update_fields:
            kwargs["update_fields"] = {*update_fields, "is_active"}
        super().save(*args, **kwargs)


class ApiToken(models.Model):
    """An API token (API.md: `Authorization: Token <token>`). Only a SHA-256 digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")


class LoginFailures(models.Model):
    """Failed logins of one username or address in the current lockout window (crm.identity.lockout).
    Counted with one UPDATE each, so simultaneous attempts cannot slip past the limit."""

    key = models.CharField(max_length=200, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    reset_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}={self.count}"
