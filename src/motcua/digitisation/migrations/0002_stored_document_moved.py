"""The personal data store's documents now belong to the ``datastore`` app (state only: the table stays
until ``datastore`` 0002 renames it)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("datastore", "0001_initial"),
        ("digitisation", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="backlogrecord",
                    name="document",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="datastore.storeddocument",
                        verbose_name="document",
                    ),
                ),
                migrations.DeleteModel(name="StoredDocument"),
            ],
            database_operations=[],
        ),
    ]
