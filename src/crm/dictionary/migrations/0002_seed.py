"""Seed the shared picklists and the province/city table (idempotent: see crm.dictionary.seeding)."""

from django.db import migrations

from crm.dictionary.seeding import seed_items, seed_regions


def forwards(apps, schema_editor):
    seed_items(apps.get_model("dictionary", "DictionaryItem"))
    seed_regions(apps.get_model("dictionary", "Region"))


class Migration(migrations.Migration):
    dependencies = [("dictionary", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]
