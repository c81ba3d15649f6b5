"""The customers app's starting data: its picklists, the duplicate rules and a default pool.

Functions take the model classes, so the data migration passes its historical models and tests
(whose transactional flush empties the tables) the real ones. Idempotent.
"""

from crm.dictionary.seeding import CategorySeed, seed_items

SEEDS = [
    CategorySeed("customer_potential", (("高", "high"), ("中", "medium"), ("低", "low"))),
    CategorySeed(
        "customer_stage",
        (
            ("潜在客户", "prospect"),
            ("意向客户", "intent"),
            ("成交客户", "deal"),
            ("长期合作", "long_term"),
            ("沉睡客户", "dormant"),
        ),
    ),
]
RULES = [("name", "warn"), ("phone", "warn"), ("email", "warn"), ("credit_code", "block"), ("similar_name", "warn")]


def seed_customers(*, item_model, rule_model, pool_model) -> None:
    seed_items(item_model, SEEDS)
    for kind, mode in RULES:
        rule_model.objects.get_or_create(kind=kind, defaults={"mode": mode})
    if not pool_model.objects.exists():
        pool_model.objects.create(
            name="公共客户池",
            description="全公司共用的公海",
            no_followup_days=90,
            no_deal_days=None,
            warn_days=7,
            claim_cap=500,
            reclaim_days=30,
            is_default=True,
        )


def seed_all() -> None:
    """For tests and the demo: the real models."""
    from crm.customers.models import DuplicateRule, Pool
    from crm.dictionary.models import DictionaryItem, Region
    from crm.dictionary.seeding import seed_regions

    seed_items(DictionaryItem)
    seed_regions(Region)
    seed_customers(item_model=DictionaryItem, rule_model=DuplicateRule, pool_model=Pool)
