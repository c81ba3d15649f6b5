from django.apps import AppConfig


class ScopedAppConfig(AppConfig):
    """A test-only app with one owned, shareable record type, installed by the test settings.

    It exercises the permission engine end to end (page, API, export) the way every business
    module uses it, before any business module exists.
    """

    name = "crm.core.tests.scopedapp"
    label = "scopedapp"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from crm.access.registry import Resource, register

        register(
            Resource(
                code="scopedapp.record",
                label="Test record",
                model="scopedapp.Record",
                actions=("view", "create", "edit", "delete", "export"),
                owner_fields=("owner",),
                shareable=True,
                protected_fields={"phone": "phone", "email": "email", "note": "text"},
            )
        )
        register(
            Resource(
                code="scopedapp.note",
                label="Test note",
                model="scopedapp.Note",
                owner_fields=("author",),
                parent=("scopedapp.record", "record"),
            )
        )
