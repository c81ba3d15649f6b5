"""Contacts (CUS-3, s003/5 §3.2.1.2): the people at a customer."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm.core.models import TimeStampedModel
from crm.customers import normalise


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Contact(TimeStampedModel):
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="contacts", verbose_name=_("customer")
    )
    name = models.CharField(_("full name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    position = models.CharField(_("position"), max_length=50)
    office_phone = models.CharField(_("office phone"), max_length=40)
    mobile = models.CharField(_("mobile"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), max_length=120, blank=True)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    custom = models.JSONField(_("custom fields"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-is_primary", "id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [models.Index(fields=["customer", "-is_primary", "id"], name="contact_customer_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"], condition=models.Q(is_primary=True), name="contact_one_primary_per_customer"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.office_phone and not normalise.is_valid_phone(self.office_phone):
            errors["office_phone"] = [_("Enter a valid phone number, such as 138 1234 5678 or 021-62345678.")]
        if self.mobile and not normalise.is_mobile(self.mobile):
            errors["mobile"] = [_("Enter a mainland mobile number of 11 digits, such as 138 1234 5678.")]
        if errors:
            raise ValidationError(errors)
