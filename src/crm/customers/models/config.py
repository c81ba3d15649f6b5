"""What administrators set up: tags (CUS-15), custom fields (CUS-14), duplicate rules (CUS-8),
and what users keep: saved list views (CUS-11)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Tag(models.Model):
    """A label on customers. `group` names the classification it belongs to (合作状态, 成交金额 …)."""

    COLORS = ["secondary", "primary", "success", "danger", "warning", "info", "dark"]

    name = models.CharField(_("name"), max_length=30, unique=True)
    group = models.CharField(_("group"), max_length=30, blank=True)
    color = models.CharField(_("colour"), max_length=20, choices=[(c, c) for c in COLORS], default="secondary")
    sort_order = models.IntegerField(_("sort order"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["group", "sort_order", "name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class CustomFieldType(models.TextChoices):
    TEXT = "text", _("Text")
    TEXTAREA = "textarea", _("Long text")
    NUMBER = "number", pgettext_lazy("field type", "Number")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice")
    MULTICHOICE = "multichoice", _("Multiple choice")
    BOOLEAN = "boolean", _("Yes / no")


class CustomField(models.Model):
    """A field an administrator adds to customers or contacts; values live in the record's `custom`."""

    RESOURCES = [("customer", _("Customer")), ("contact", _("Contact person"))]

    resource = models.CharField(_("record type"), max_length=20, choices=RESOURCES, default="customer")
    key = models.CharField(
        _("key"),
        max_length=40,
        validators=[
            RegexValidator(r"^[a-z][a-z0-9_]*$", _("Lower-case letters, digits and _, starting with a letter."))
        ],
        help_text=_("A short stable code used by the API, imports and exports, such as employees."),
    )
    label = models.CharField(_("label"), max_length=50)
    field_type = models.CharField(
        _("type"), max_length=20, choices=CustomFieldType.choices, default=CustomFieldType.TEXT
    )
    options = models.JSONField(_("options"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)
    help_text = models.CharField(_("help text"), max_length=200, blank=True)
    sort_order = models.IntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["resource", "sort_order", "id"]
        verbose_name = _("custom field")
        verbose_name_plural = _("custom fields")
        constraints = [models.UniqueConstraint(fields=["resource", "key"], name="custom_field_resource_key_unique")]

    def __str__(self) -> str:
        return self.label

    @property
    def has_options(self) -> bool:
        return self.field_type in (CustomFieldType.CHOICE, CustomFieldType.MULTICHOICE)

    def clean(self) -> None:
        if self.has_options:
            options = [str(option).strip() for option in (self.options or []) if str(option).strip()]
            if not options:
                raise ValidationError({"options": [_("A choice field needs at least one option.")]})
            if len(set(options)) != len(options):
                raise ValidationError({"options": [_("Each option may appear only once.")]})
            self.options = options
        else:
            self.options = []


class DuplicateRuleKind(models.TextChoices):
    NAME = "name", _("Same name (ignoring legal form, region, spaces and width)")
    PHONE = "phone", _("Same phone number")
    EMAIL = "email", _("Same e-mail address")
    CREDIT_CODE = "credit_code", _("Same unified social credit code")
    SIMILAR_NAME = "similar_name", _("Similar name")


class DuplicateMode(models.TextChoices):
    BLOCK = "block", _("Block")
    WARN = "warn", _("Warn")
    OFF = "off", _("Off")


class DuplicateRule(models.Model):
    """How one kind of match is treated when a customer is created or edited (CUS-8)."""

    kind = models.CharField(_("rule"), max_length=20, choices=DuplicateRuleKind.choices, unique=True)
    mode = models.CharField(_("mode"), max_length=10, choices=DuplicateMode.choices, default=DuplicateMode.WARN)
    # Similar names: the least rapidfuzz ratio (0–100) of the name keys that counts as similar.
    threshold = models.PositiveSmallIntegerField(_("similarity threshold"), default=80)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("duplicate rule")
        verbose_name_plural = _("duplicate rules")

    def __str__(self) -> str:
        return self.get_kind_display()


class SavedView(models.Model):
    """A named list view (CUS-11): conditions (field, operator, value) joined by AND or OR, the
    columns shown, the sort order and the chart (issue 17 §3). Private to its owner unless shared with everyone."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    resource = models.CharField(max_length=50, default="customers.customer")
    name = models.CharField(_("name"), max_length=50)
    logic = models.CharField(
        _("match"), max_length=3, choices=[("and", _("all conditions")), ("or", _("any condition"))], default="and"
    )
    conditions = models.JSONField(default=list, blank=True)  # [{"field": "level", "op": "eq", "value": "3"}]
    filters = models.JSONField(default=dict, blank=True)  # the quick filters' query parameters
    columns = models.JSONField(default=list, blank=True)
    ordering = models.CharField(max_length=40, blank=True)
    # The list's chart (crm.charts): {"chart": "bar", "group": "level", …}, its query parameters.
    chart = models.JSONField(default=dict, blank=True)
    is_shared = models.BooleanField(_("visible to everyone"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "resource", "name"], name="saved_view_owner_name_unique")
        ]

    def __str__(self) -> str:
        return self.name
