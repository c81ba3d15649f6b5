from django.db import migrations


def seed(apps, schema_editor):
    from crm.opportunities.seeding import seed_pipeline

    seed_pipeline(pipeline_model=apps.get_model("opportunities", "Pipeline"), stage_model=apps.get_model("opportunities", "Stage"))


class Migration(migrations.Migration):
    dependencies = [("opportunities", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
