"""Drop the two `varchar_pattern_ops` indexes Django adds on PostgreSQL beside the unique indexes
of `Customer.number` and `Customer.external_id` (`…_like`). They serve only a case-sensitive
`LIKE 'prefix%'` on those columns, and no query of the CRM makes one: customers are found by
number and external id with `=` and `IN` (the unique indexes), by the search tokens (the GIN
index), and the list's conditions use `istartswith`/`icontains` (UPPER(…) LIKE, which neither
index serves). Every customer row written paid for them: each insert, and each update that
cannot be HOT (a status change, the churn scan's 93,072 at once; docs/benchmarks.md).

Django would create such an index again only if a later migration changed the column's type."""

from django.db import migrations

FIELDS = ("number", "external_id")


def _names(schema_editor, model):
    return [
        schema_editor._create_index_name(model._meta.db_table, [model._meta.get_field(name).column], suffix="_like")
        for name in FIELDS
    ]


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in _names(schema_editor, apps.get_model("customers", "Customer")):
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("customers", "Customer")
    for name in FIELDS:
        sql = schema_editor._create_like_index_sql(model, model._meta.get_field(name))
        if sql is not None:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("customers", "0012_followup_year")]

    operations = [migrations.RunPython(drop, create, elidable=False)]
