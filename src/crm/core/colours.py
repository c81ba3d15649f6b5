"""The colours a label (a tag) may take: Bootstrap's badge colours, named for people."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BadgeColour(models.TextChoices):
    GREY = "secondary", _("Grey")
    BLUE = "primary", _("Blue")
    GREEN = "success", _("Green")
    RED = "danger", _("Red")
    YELLOW = "warning", _("Yellow")
    CYAN = "info", _("Cyan")
    BLACK = "dark", _("Black")
