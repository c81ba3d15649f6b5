"""Services created before agreements have no deadlines; still, record what they met. A migration
of its own: PostgreSQL refuses to build 0002's indexes in a transaction that has updated rows
(pending trigger events), which only shows on a database that has services."""

from django.db import migrations, models


def met_so_far(apps, schema_editor):
    Service = apps.get_model("service", "Service")
    Service.objects.filter(assigned_at__isnull=False).update(responded_at=models.F("assigned_at"))
    Service.objects.filter(archived_at__isnull=False).update(resolved_at=models.F("archived_at"))


class Migration(migrations.Migration):
    dependencies = [("service", "0002_agreements")]

    operations = [migrations.RunPython(met_so_far, migrations.RunPython.noop)]
