"""Picklists of the customers app, the default duplicate rules and public pool, and the search
index (GIN/pg_trgm on PostgreSQL, FTS5 on SQLite; crm.customers.search)."""

from django.db import migrations

from crm.dictionary.seeding import CategorySeed, seed_items

SEEDS = [
    CategorySeed("customer_potential", (("高", "high"), ("中", "medium"), ("低", "low"))),
    CategorySeed(
        "customer_stage",
        (("潜在客户", "prospect"), ("意向客户", "intent"), ("成交客户", "deal"), ("长期合作", "long_term"), ("沉睡客户", "dormant")),
    ),
]
RULES = [("name", "warn"), ("phone", "warn"), ("email", "warn"), ("credit_code", "block"), ("similar_name", "warn")]


def forwards(apps, schema_editor):
    seed_items(apps.get_model("dictionary", "DictionaryItem"), SEEDS)
    rule = apps.get_model("customers", "DuplicateRule")
    for kind, mode in RULES:
        rule.objects.get_or_create(kind=kind, defaults={"mode": mode})
    pool = apps.get_model("customers", "Pool")
    if not pool.objects.exists():
        pool.objects.create(
            name="公共客户池", description="全公司共用的公海", no_followup_days=90, no_deal_days=None,
            warn_days=7, claim_cap=500, reclaim_days=30, is_default=True,
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
