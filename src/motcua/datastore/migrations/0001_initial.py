"""The personal data store's documents moved here from ``digitisation`` (where the backlog work first
needed them). This migration only tells Django's state that the model now lives in this app, on the
table it already has; 0002 renames the table and adds the new fields."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("digitisation", "0001_initial"),
        ("org", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="StoredDocument",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "owner_id_number",
                            models.CharField(db_index=True, max_length=12, verbose_name="holder's ID number"),
                        ),
                        ("owner_name", models.CharField(max_length=200, verbose_name="holder")),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("issued", "Result issued through MotCua"),
                                    ("digitised", "Earlier result, digitised"),
                                ],
                                max_length=10,
                                verbose_name="kind",
                            ),
                        ),
                        (
                            "result_code",
                            models.CharField(db_index=True, max_length=30, verbose_name="result code"),
                        ),
                        ("title", models.CharField(max_length=500, verbose_name="title")),
                        (
                            "number",
                            models.CharField(blank=True, max_length=80, verbose_name="document number"),
                        ),
                        ("issued_on", models.DateField(verbose_name="issued on")),
                        ("valid_until", models.DateField(blank=True, null=True, verbose_name="valid until")),
                        (
                            "file",
                            models.FileField(
                                max_length=200, upload_to="data-store/%Y/%m/", verbose_name="file"
                            ),
                        ),
                        ("sha256", models.CharField(max_length=64, verbose_name="SHA-256")),
                        ("text", models.TextField(blank=True, verbose_name="recognised text")),
                        ("text_folded", models.TextField(blank=True, editable=False)),
                        ("record_key", models.CharField(editable=False, max_length=64, unique=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                        (
                            "batch",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="documents",
                                to="digitisation.backlogbatch",
                                verbose_name="batch",
                            ),
                        ),
                        (
                            "issuer",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="org.agency",
                                verbose_name="issuer",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "digitisation_storeddocument",
                        "verbose_name": "document of the personal data store",
                        "verbose_name_plural": "documents of the personal data store",
                        "ordering": ("owner_id_number", "-issued_on", "id"),
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
