"""The archive's summary search (a fragment anywhere in the summary, `icontains`) through a
trigram index on PostgreSQL: without it every search reads the archived services one by one (775 ms
at 950,000 services; 6 ms with it for a rare phrase). pg_trgm is a trusted extension (PostgreSQL
13+), which the database's owner may create; where that is refused the index is left out and the
search still works, slower. SQLite installations are small and scan."""

from django.db import migrations, transaction
from django.db.utils import DatabaseError

INDEX = "service_summary_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        try:
            with transaction.atomic():
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DatabaseError:
            return
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON service_service USING gin (UPPER(summary::text) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("service", "0003_met_so_far")]

    operations = [migrations.RunPython(create, drop)]
