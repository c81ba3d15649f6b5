"""The customers' search tokens indexed in a table of their own on PostgreSQL, kept by triggers
(ADR 0032): `ensure_search_index` creates and fills it and drops the GIN index on the row."""

from django.db import migrations


def search_table(apps, schema_editor):
    from crm.customers.search import ensure_search_index

    ensure_search_index(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("customers", "0017_created_at_one_index")]

    operations = [migrations.RunPython(search_table, migrations.RunPython.noop)]
