"""Sandbox.snapshot gets its encoder (snapshots.SnapshotEncoder): Python-side only.

The column stays what it was (JSON text on SQLite, jsonb on PostgreSQL), so the database is
left alone; only the migration state learns about the encoder (without this, SQLite would
rebuild the whole table for nothing).
"""

from django.db import migrations, models

import kubelearn.sandboxes.snapshots


class Migration(migrations.Migration):
    dependencies = [("sandboxes", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="sandbox",
                    name="snapshot",
                    field=models.JSONField(
                        blank=True, encoder=kubelearn.sandboxes.snapshots.SnapshotEncoder, null=True
                    ),
                )
            ],
            database_operations=[],
        )
    ]
