"""Dictionary items (DICT-1) and the province/city table (DICT-2)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm.core.models import TimeStampedModel
from crm.dictionary import categories


class DictionaryItemQuerySet(models.QuerySet):
    def of(self, category: str) -> "DictionaryItemQuerySet":
        return self.filter(category=category)

    def active(self) -> "DictionaryItemQuerySet":
        return self.filter(is_active=True)


class DictionaryItem(TimeStampedModel):
    """One picklist value: category (类别), entry (条目, what people see) and value (值, a stable code).

    Locked items (editable=False) are ones the business logic depends on, such as the service
    types 咨询 / 建议 / 投诉: they can be viewed, not changed or deleted. Records point at items
    with a PROTECT foreign key (see `dictionary_fk`), so an item in use cannot be deleted; it can
    be deactivated instead, which takes it out of new picklists.
    """

    category = models.CharField(_("category"), max_length=50)
    entry = models.CharField(_("entry"), max_length=50)
    value = models.CharField(_("value"), max_length=50)
    editable = models.BooleanField(_("editable"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.IntegerField(_("sort order"), default=0)
    # Hierarchical picklists (e.g. industry sub-categories) point at their parent item.
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent item"),
    )

    objects = DictionaryItemQuerySet.as_manager()

    class Meta:
        ordering = ["category", "sort_order", "id"]
        verbose_name = _("dictionary item")
        verbose_name_plural = _("dictionary items")
        constraints = [
            models.UniqueConstraint(fields=["category", "value"], name="dictionary_item_category_value_unique"),
        ]
        indexes = [
            models.Index(fields=["category", "is_active", "sort_order"], name="dictionary_item_picklist_idx"),
        ]

    def __str__(self) -> str:
        return self.entry

    @property
    def number(self) -> str:
        """The system number (编号) shown in lists."""
        return f"{self.pk:04d}" if self.pk else ""

    @property
    def category_label(self) -> str:
        return categories.label(self.category)

    def clean(self) -> None:
        errors = {}
        if self.category and not categories.is_registered(self.category):
            errors["category"] = [_("Unknown category.")]
        if self.parent_id is not None:
            if self.pk is not None and self.parent_id == self.pk:
                errors["parent"] = [_("An item cannot be its own parent.")]
            elif self.parent.category != self.category:
                errors["parent"] = [_("The parent item must be in the same category.")]
            elif self.parent.parent_id is not None or (self.pk is not None and self.children.exists()):
                errors["parent"] = [_("Items have at most two levels.")]
        if errors:
            raise ValidationError(errors)


def dictionary_fk(category: str, *, verbose_name=None, null: bool = True, blank: bool | None = None, **kwargs):
    """A foreign key from another app's model to the items of one category.

        level = dictionary_fk("customer_level", verbose_name=_("level"), null=False)

    PROTECT keeps items in use from being deleted; `limit_choices_to` keeps other categories out;
    no reverse accessor, so one model may hold several of these.
    """
    return models.ForeignKey(
        DictionaryItem,
        on_delete=models.PROTECT,
        related_name=kwargs.pop("related_name", "+"),
        limit_choices_to={"category": category},
        null=null,
        blank=null if blank is None else blank,
        verbose_name=verbose_name,
        **kwargs,
    )


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")


class Region(models.Model):
    """A province or prefecture-level city with its GB/T 2260 code (440000 广东省 > 440300 深圳市).

    Read-only reference data, loaded by a data migration from data/regions.json.
    """

    code = models.CharField(_("code"), max_length=6, primary_key=True)
    name = models.CharField(_("name"), max_length=50)
    short_name = models.CharField(_("short name"), max_length=20, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cities",
        verbose_name=_("province"),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        indexes = [models.Index(fields=["level", "code"], name="dictionary_region_level_idx")]

    def __str__(self) -> str:
        return self.name


def region_fk(level: str, *, verbose_name=None, null: bool = True, blank: bool | None = None, **kwargs):
    """A foreign key to a province (level="province") or a city (level="city")."""
    return models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name=kwargs.pop("related_name", "+"),
        limit_choices_to={"level": level},
        null=null,
        blank=null if blank is None else blank,
        verbose_name=verbose_name,
        **kwargs,
    )
