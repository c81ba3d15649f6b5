from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _search_index(using="default", **kwargs) -> None:
    from django.db import connections

    from crm.knowledge.index import ensure_search_index

    ensure_search_index(connections[using])


class KnowledgeConfig(AppConfig):
    name = "crm.knowledge"
    label = "knowledge"
    verbose_name = _("Knowledge base")

    def ready(self) -> None:
        from crm.knowledge import permissions, search  # noqa: F401  (registrations)

        post_migrate.connect(_search_index, sender=self, dispatch_uid="knowledge_search_index")
