# The audit log's foreign keys lose their own indexes: the composite indexes (actor, -id) and
# (content_type, object_id, -id) cover them. Dropped by name rather than by AlterField, which on
# SQLite would copy the whole (possibly very large) log into a new table.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0004_login_index"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "audit_auditevent_actor_id_270bb4b7"',
                    reverse_sql='CREATE INDEX "audit_auditevent_actor_id_270bb4b7" ON "audit_auditevent" ("actor_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "audit_auditevent_content_type_id_cddb36fd"',
                    reverse_sql=(
                        'CREATE INDEX "audit_auditevent_content_type_id_cddb36fd" '
                        'ON "audit_auditevent" ("content_type_id")'
                    ),
                ),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="actor",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
                migrations.AlterField(
                    model_name="auditevent",
                    name="content_type",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="contenttypes.contenttype",
                    ),
                ),
            ],
        ),
    ]
