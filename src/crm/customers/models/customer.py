"""The customer record (CUS-1): s003/5 fig. 10 and s003/1 客户基础数据."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.query import ModelIterable
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.core.memo import SharedMemo
from crm.core.models import TimeStampedModel
from crm.core.states import StateMachine
from crm.customers import normalise
from crm.customers.models.pool import Pool
from crm.dictionary.models import dictionary_fk, region_fk
from crm.dictionary.selectors import item_map, region_map

ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]
RATING_CHECKS = {"customer_satisfaction_1_5", "customer_credit_1_5"}
RATING_CHOICES = [(value, str(value)) for value in range(1, 6)]


class CustomerStatus(models.TextChoices):
    NORMAL = "normal", _("Normal")
    CHURN_WARNING = "churn_warning", _("Churn warning")
    CHURN_SUSPENDED = "churn_suspended", _("Churn suspended")
    LOST = "lost", _("Lost")


def validate_website(value: str) -> None:
    if value and not normalise.is_valid_website(value):
        raise ValidationError(_("Enter a web address (http or https), such as www.example.com."), code="website")


# Churn (s003/5 §3.2.2): a warning is suspended (暂缓流失) with measures before it may be confirmed
# (确认流失); a customer who orders again is back to normal.
STATUS_FLOW = StateMachine(
    CustomerStatus,
    [
        ("warn", [CustomerStatus.NORMAL], CustomerStatus.CHURN_WARNING),
        ("suspend", [CustomerStatus.CHURN_WARNING], CustomerStatus.CHURN_SUSPENDED),
        ("confirm_lost", [CustomerStatus.CHURN_SUSPENDED], CustomerStatus.LOST),
        ("recover", [CustomerStatus.CHURN_WARNING, CustomerStatus.CHURN_SUSPENDED, CustomerStatus.LOST], "normal"),
    ],
    labels={
        "warn": _("Churn warning"),
        "suspend": _("Suspend the churn"),
        "confirm_lost": _("Confirm the churn"),
        "recover": _("Back to normal"),
    },
)


ITEM_RELATIONS = ("level", "region", "source", "industry", "customer_type", "potential", "stage")
REGION_RELATIONS = ("province", "city")


# Every pool by id (a handful; forgotten on change by crm.customers.receivers).
_POOLS = SharedMemo("crm:customers:pools", lambda: Pool.objects.in_bulk())


def forget_pool_map() -> None:
    _POOLS.forget()


class WithPicklists(ModelIterable):
    """Rows with their picklist items, regions and pool attached from maps held in memory
    (crm.core.memo): no join and no query per relation. One missing from its map (created this
    instant) is simply loaded on access, as without this."""

    def __iter__(self):
        return with_picklists(super().__iter__())


def with_picklists(customers):
    """`customers` (an iterable) each with its picklist items, regions and pool attached (`WithPicklists`)."""
    items, regions, pools = item_map(), region_map(), _POOLS.get()
    for customer in customers:
        cache = customer._state.fields_cache
        for name in ITEM_RELATIONS:
            value = items.get(getattr(customer, f"{name}_id"))
            if value is not None:
                cache[name] = value
        for name in REGION_RELATIONS:
            value = regions.get(getattr(customer, f"{name}_id"))
            if value is not None:
                cache[name] = value
        if customer.pool_id is None or customer.pool_id in pools:
            cache["pool"] = pools.get(customer.pool_id)
        yield customer


class CustomerQuerySet(models.QuerySet):
    def in_pool(self) -> "CustomerQuerySet":
        return self.filter(pool__isnull=False)

    def owned(self) -> "CustomerQuerySet":
        return self.filter(manager__isnull=False)

    def for_list(self) -> "CustomerQuerySet":
        """What a list row shows, in a fixed number of queries whatever the page size.

        Picklists, regions and pools come from maps held in memory: joined, their dozen tables
        cost PostgreSQL more to plan than to run (docs/benchmarks.md)."""
        queryset = self.select_related("manager", "manager__department")
        queryset._iterable_class = WithPicklists
        return queryset

    def for_detail(self) -> "CustomerQuerySet":
        return self.for_list().select_related("created_by", "previous_manager")


class Customer(TimeStampedModel):
    # Indexed by customer_created_idx (with the manager included), so not also on its own: every
    # insert and every change of an indexed column wrote both.
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    number = models.CharField(_("number"), max_length=30, unique=True, editable=False)
    # The customer's id in another system (the ERP): API clients and imports upsert by it.
    external_id = models.CharField(_("external ID"), max_length=64, null=True, blank=True, unique=True)
    name = models.CharField(_("customer name"), max_length=100)
    # Foreign keys whose column leads a composite index below need no index of their own: each
    # index costs every insert (imports write thousands of rows a second). Users are never
    # deleted (they leave), so created_by and previous_manager need none for SET_NULL either.
    region = dictionary_fk("region", verbose_name=_("region"), null=False, related_name="+", db_index=False)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="managed_customers",
        verbose_name=_("account manager"),
        db_index=False,  # covered by the (manager, id) index
    )
    level = dictionary_fk("customer_level", verbose_name=_("customer level"), null=False, db_index=False)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"), choices=RATING_CHOICES, validators=ONE_TO_FIVE)
    credit = models.PositiveSmallIntegerField(_("credit"), choices=RATING_CHOICES, validators=ONE_TO_FIVE)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    fax = models.CharField(_("fax"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), max_length=120, blank=True)
    website = models.CharField(_("website"), max_length=200, blank=True, validators=[validate_website])
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    licence_no = models.CharField(_("business licence number"), max_length=50, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    registered_capital = models.DecimalField(
        _("registered capital (10k CNY)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    annual_revenue = models.DecimalField(
        _("annual revenue (10k CNY)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    bank = models.CharField(_("bank"), max_length=100, blank=True)
    bank_account = models.CharField(_("bank account"), max_length=50, blank=True)
    local_tax_no = models.CharField(_("local tax registration number"), max_length=50, blank=True)
    national_tax_no = models.CharField(_("national tax registration number"), max_length=50, blank=True)
    province = region_fk("province", verbose_name=_("province"), db_index=False)
    city = region_fk("city", verbose_name=_("city"), db_index=False)
    customer_type = dictionary_fk("customer_type", verbose_name=_("customer type"))
    source = dictionary_fk("customer_source", verbose_name=_("customer source"), db_index=False)
    industry = dictionary_fk("industry", verbose_name=_("industry"), db_index=False)
    potential = dictionary_fk("customer_potential", verbose_name=_("development potential"), db_index=False)
    stage = dictionary_fk("customer_stage", verbose_name=_("customer stage"))
    status = models.CharField(_("status"), max_length=20, choices=CustomerStatus.choices, default=CustomerStatus.NORMAL)
    notes = models.TextField(_("notes"), blank=True)
    tags = models.ManyToManyField("customers.Tag", blank=True, related_name="customers", verbose_name=_("tags"))
    custom = models.JSONField(_("custom fields"), default=dict, blank=True)

    # The public pool (CUS-13): a customer without a manager sits in one pool.
    pool = models.ForeignKey(
        "customers.Pool",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="customers",
        verbose_name=_("public pool"),
        db_index=False,  # covered by the (pool, id) index
    )
    pooled_at = models.DateTimeField(_("in the pool since"), null=True, blank=True)
    pool_warned_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When the current manager got the customer (created, claimed, assigned, handed over): the
    # pool rules count days without follow-up from here at the earliest.
    owned_since = models.DateTimeField(_("owned since"), default=timezone.now, editable=False)
    previous_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        db_index=False,
    )

    # Kept up to date by follow-ups, contracts and orders; the pool rules and list filters read them.
    last_followup_at = models.DateTimeField(_("last follow-up"), null=True, blank=True, editable=False)
    next_followup_on = models.DateField(_("next follow-up"), null=True, blank=True, editable=False)
    last_deal_on = models.DateField(_("last deal"), null=True, blank=True, editable=False)

    # Derived on every write (crm.customers.services.customer_index): never entered by people.
    name_key = models.CharField(max_length=100, blank=True, editable=False)
    name_pinyin = models.CharField(max_length=200, blank=True, editable=False)
    name_initials = models.CharField(max_length=100, blank=True, editable=False)
    search_tokens = models.TextField(blank=True, editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        db_index=False,
    )

    objects = CustomerQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        indexes = [
            models.Index(fields=["manager", "-id"], name="customer_manager_idx"),
            models.Index(fields=["pool", "-id"], name="customer_pool_idx"),
            models.Index(fields=["status", "-id"], name="customer_status_idx"),
            models.Index(fields=["level", "-id"], name="customer_level_idx"),
            models.Index(fields=["region", "-id"], name="customer_region_idx"),
            models.Index(fields=["source", "-id"], name="customer_source_idx"),
            models.Index(fields=["industry"], name="customer_industry_idx"),
            models.Index(fields=["province", "city"], name="customer_province_city_idx"),
            models.Index(fields=["next_followup_on"], name="customer_next_followup_idx"),
            models.Index(fields=["last_followup_at"], name="customer_last_followup_idx"),
            models.Index(fields=["name_pinyin"], name="customer_pinyin_idx"),
            # The list's two quick filters sorted by name, for those who see every customer: their
            # deep pages read ids from this index alone (docs/benchmarks.md, finding 5).
            models.Index(fields=["region", "status", "name_pinyin", "id"], name="customer_region_name_idx"),
            models.Index(fields=["city"], name="customer_city_idx"),
            models.Index(fields=["updated_at"], name="customer_updated_idx"),
            # New customers of a period by account manager (the work report, the dashboards, targets),
            # read from the index alone on PostgreSQL (elsewhere `include` is left out).
            models.Index(fields=["created_at"], include=["manager"], name="customer_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(satisfaction__gte=1, satisfaction__lte=5), name="customer_satisfaction_1_5"
            ),
            models.CheckConstraint(condition=models.Q(credit__gte=1, credit__lte=5), name="customer_credit_1_5"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("customers:detail", args=[self.pk])

    @property
    def manager_name(self) -> str | None:
        """The manager's display name: the one the list API read after its page (`manager_display`),
        so that no user is built per row, else the manager's."""
        if "manager_display" in self.__dict__:
            return self.__dict__["manager_display"]
        return str(self.manager) if self.manager_id is not None else None

    @property
    def in_pool(self) -> bool:
        return self.pool_id is not None

    @property
    def is_normal(self) -> bool:
        return self.status == CustomerStatus.NORMAL

    def clean(self) -> None:
        errors = {}
        self.name = (self.name or "").strip()
        if self.name and not normalise.name_key(self.name):
            errors["name"] = [_("Enter the company's name, not only a legal form such as 有限公司.")]
        for field in ("phone", "fax"):
            value = getattr(self, field)
            if value and not normalise.is_valid_phone(value):
                errors[field] = [_("Enter a valid phone number, such as 138 1234 5678 or 021-62345678.")]
        if self.credit_code:
            self.credit_code = normalise.credit_code_key(self.credit_code)
            if not normalise.is_valid_credit_code(self.credit_code):
                errors["credit_code"] = [
                    _("This is not a valid unified social credit code (18 characters with a correct check character).")
                ]
        if self.postcode and not (self.postcode.isdigit() and len(self.postcode) == 6):
            errors["postcode"] = [_("A postcode has six digits.")]
        if self.city_id and self.province_id and self.city.parent_id != self.province_id:
            errors["city"] = [_("The city is not in the selected province.")]
        if self.manager_id is None and self.pool_id is None:
            errors["manager"] = [_("Choose an account manager.")]
        if errors:
            raise ValidationError(errors)

    def get_constraints(self):
        # Model validation leaves out the ratings' CHECK constraints: they say what the fields'
        # validators (1–5) check already, and Django would ask the database for each, with a
        # savepoint (six statements per save). The database still enforces them.
        return [
            (model, [c for c in constraints if c.name not in RATING_CHECKS])
            for model, constraints in super().get_constraints()
        ]
