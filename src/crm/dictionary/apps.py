from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DictionaryConfig(AppConfig):
    name = "crm.dictionary"
    label = "dictionary"
    verbose_name = _("Data dictionary")

    def ready(self) -> None:
        from crm.dictionary import categories, permissions, receivers  # noqa: F401  (registrations)
