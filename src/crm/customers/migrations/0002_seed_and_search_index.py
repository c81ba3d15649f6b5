"""Picklists of the customers app, the default duplicate rules and public pool, and the search
index (GIN/pg_trgm on PostgreSQL, FTS5 on SQLite; crm.customers.search)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from crm.customers.seeding import seed_customers

    seed_customers(
        item_model=apps.get_model("dictionary", "DictionaryItem"),
        rule_model=apps.get_model("customers", "DuplicateRule"),
        pool_model=apps.get_model("customers", "Pool"),
    )


def search_index(apps, schema_editor):
    from crm.customers.search import ensure_search_index

    ensure_search_index(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0001_initial"),
        ("dictionary", "0002_seed"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RunPython(search_index, migrations.RunPython.noop),
    ]
