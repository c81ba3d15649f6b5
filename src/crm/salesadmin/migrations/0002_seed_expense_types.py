"""Seed the expense types 费用类型 (idempotent: see crm.dictionary.seeding)."""

from django.db import migrations

from crm.dictionary.seeding import CategorySeed, seed_items

EXPENSE_TYPES = CategorySeed(
    "expense_type",
    (("差旅费", "travel"), ("交通费", "transport"), ("住宿费", "lodging"), ("餐费", "meals"),
     ("业务招待费", "entertainment"), ("通讯费", "telecom"), ("礼品费", "gifts"), ("会务费", "events"),
     ("办公用品", "office"), ("其他", "other")),
)


def seed(apps, schema_editor):
    seed_items(apps.get_model("dictionary", "DictionaryItem"), seeds=(EXPENSE_TYPES,))


class Migration(migrations.Migration):
    dependencies = [
        ("salesadmin", "0001_initial"),
        ("dictionary", "0002_seed"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
