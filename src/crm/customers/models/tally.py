"""Follow-ups counted ahead for the reports that read a year of everybody's work (ADR 0027).

"Customers contacted" is a count of distinct customers: a monthly count per person cannot be
added up into it (a customer contacted in March and in May is one customer). One row per author,
customer and year keeps how many follow-ups the author made with the customer in each month, so
a period of whole months is read from about a row per customer and year instead of every
follow-up, and still counts each customer once. The months are the installation's (Asia/Shanghai).

Kept by the follow-up writers (crm.customers.services.followup_tally); never edited by hand."""

from django.conf import settings
from django.db import models

MONTHS = range(1, 13)


def month_field(month: int) -> str:
    return f"month_{month}"


class FollowUpYear(models.Model):
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField()
    month_1 = models.PositiveIntegerField(default=0)
    month_2 = models.PositiveIntegerField(default=0)
    month_3 = models.PositiveIntegerField(default=0)
    month_4 = models.PositiveIntegerField(default=0)
    month_5 = models.PositiveIntegerField(default=0)
    month_6 = models.PositiveIntegerField(default=0)
    month_7 = models.PositiveIntegerField(default=0)
    month_8 = models.PositiveIntegerField(default=0)
    month_9 = models.PositiveIntegerField(default=0)
    month_10 = models.PositiveIntegerField(default=0)
    month_11 = models.PositiveIntegerField(default=0)
    month_12 = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            # The writers replace a customer's rows: this serves them and keeps one row per key.
            models.UniqueConstraint(fields=["customer", "author", "year"], name="followup_year_key"),
        ]
        indexes = [
            # The reports read a year, everybody's or some people's.
            models.Index(fields=["year", "author"], name="followup_year_author_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.author_id} {self.customer_id} {self.year}"


class FollowUpDay(models.Model):
    """How many follow-ups an author made on a day (the installation's days): a period's
    follow-ups per person are a sum over at most a row per person and day. Kept by the follow-up
    writers with an increment (crm.customers.services.followup_tally), recounted weekly."""

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField()
    count = models.IntegerField(default=0)  # not Positive: a decrement is applied as it comes

    class Meta:
        constraints = [
            # The increments' conflict target, and the reports' read: a range of days, everybody's.
            models.UniqueConstraint(fields=["day", "author"], name="followup_day_key"),
        ]

    def __str__(self) -> str:
        return f"{self.author_id} {self.day} {self.count}"
