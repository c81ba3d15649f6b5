"""Seed the expense types (idempotent: see crm.dictionary.seeding)."""

from django.db import migrations


def seed(apps, schema_editor):
    from crm.salesadmin.seeding import seed_expense_types

    seed_expense_types(apps.get_model("dictionary", "DictionaryItem"))


class Migration(migrations.Migration):
    dependencies = [
        ("salesadmin", "0001_initial"),
        ("dictionary", "0002_seed"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
