"""The expense types 费用类型 seeded by the data migration (and by tests after a flush)."""

from crm.dictionary.seeding import CategorySeed, seed_items

EXPENSE_TYPES = CategorySeed(
    "expense_type",
    (("差旅费", "travel"), ("交通费", "transport"), ("住宿费", "lodging"), ("餐费", "meals"),
     ("业务招待费", "entertainment"), ("通讯费", "telecom"), ("礼品费", "gifts"), ("会务费", "events"),
     ("办公用品", "office"), ("其他", "other")),
)


def seed_expense_types(model) -> int:
    return seed_items(model, seeds=(EXPENSE_TYPES,))
