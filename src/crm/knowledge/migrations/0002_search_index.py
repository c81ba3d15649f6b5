"""The full-text index of articles: GIN over weighted tsvectors on PostgreSQL, FTS5 on SQLite
(crm.knowledge.index)."""

from django.db import migrations


def search_index(apps, schema_editor):
    from crm.knowledge.index import ensure_search_index

    ensure_search_index(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [migrations.RunPython(search_index, migrations.RunPython.noop)]
