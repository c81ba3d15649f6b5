"""Seed the 2026 public holidays and make-up working days (idempotent: see crm.workcalendar.seeding)."""

from django.db import migrations

from crm.workcalendar.seeding import seed_days


def forwards(apps, schema_editor):
    seed_days(apps.get_model("workcalendar", "CalendarDay"), years=[2026])


class Migration(migrations.Migration):
    dependencies = [("workcalendar", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]
