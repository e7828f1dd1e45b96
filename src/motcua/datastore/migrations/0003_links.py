"""The data store's new fields: its own key for URLs, sizes and types, the issuer as typed by a holder, and
the links to the result document, attachment, dossier or account a document comes from."""

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


def keys_fill(apps, schema_editor):
    StoredDocument = apps.get_model("datastore", "StoredDocument")
    for pk in StoredDocument.objects.filter(key__isnull=True).values_list("pk", flat=True).iterator():
        StoredDocument.objects.filter(pk=pk).update(key=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [
        ("datastore", "0002_holders_kinds_links"),
        ("digitisation", "0002_stored_document_moved"),
        ("dossiers", "0004_inbox_covering_indexes"),
        ("org", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="storeddocument",
            options={
                "ordering": ("holder_number", "-created_at", "-id"),
                "verbose_name": "document of the personal data store",
                "verbose_name_plural": "documents of the personal data store",
            },
        ),
        migrations.AddField(
            model_name="storeddocument",
            name="added_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="added by",
            ),
        ),
        migrations.AddField(
            model_name="storeddocument",
            name="attachment",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="stored_copy",
                to="dossiers.attachment",
                verbose_name="digitised component",
            ),
        ),
        migrations.AddField(
            model_name="storeddocument",
            name="content_type",
            field=models.CharField(default="application/pdf", max_length=100, verbose_name="content type"),
        ),
        migrations.AddField(
            model_name="storeddocument",
            name="dossier",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="dossiers.dossier",
                verbose_name="dossier",
            ),
        ),
        migrations.AddField(
            model_name="storeddocument",
            name="issuer_name",
            field=models.CharField(blank=True, max_length=255, verbose_name="issuer (as given)"),
        ),
        migrations.AddField(
            model_name="storeddocument",
            name="key",
            field=models.UUIDField(null=True, editable=False),
        ),
        # Existing rows each get their own key before the column becomes unique (a callable default is
        # evaluated once for the whole table by AddField).
        migrations.RunPython(keys_fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="storeddocument",
            name="key",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AddField(
            model_name="storeddocument",
            name="result_document",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="stored_document",
                to="dossiers.resultdocument",
                verbose_name="result document",
            ),
        ),
        migrations.AddField(
            model_name="storeddocument",
            name="size",
            field=models.PositiveBigIntegerField(default=0, verbose_name="size (bytes)"),
        ),
        migrations.AlterField(
            model_name="storeddocument",
            name="file",
            field=models.FileField(
                blank=True, max_length=200, upload_to="data-store/%Y/%m/", verbose_name="file"
            ),
        ),
        migrations.AlterField(
            model_name="storeddocument",
            name="holder_number",
            field=models.CharField(max_length=14, verbose_name="holder's ID number or tax code"),
        ),
        migrations.AlterField(
            model_name="storeddocument",
            name="issued_on",
            field=models.DateField(blank=True, null=True, verbose_name="issued on"),
        ),
        migrations.AlterField(
            model_name="storeddocument",
            name="issuer",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="org.agency",
                verbose_name="issuer",
            ),
        ),
        migrations.AlterField(
            model_name="storeddocument",
            name="kind",
            field=models.CharField(
                choices=[
                    ("issued", "Result issued through MotCua"),
                    ("digitised", "Earlier result, digitised"),
                    ("component", "Digitised component of a dossier"),
                    ("uploaded", "Added by the holder"),
                ],
                max_length=10,
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="storeddocument",
            name="result_code",
            field=models.CharField(blank=True, max_length=30, verbose_name="result code"),
        ),
        migrations.AddIndex(
            model_name="storeddocument",
            index=models.Index(
                fields=["holder_number", "-created_at", "-id"], name="datastore_holder_recent"
            ),
        ),
        migrations.AddIndex(
            model_name="storeddocument",
            index=models.Index(fields=["holder_number", "result_code"], name="datastore_holder_code"),
        ),
        migrations.AddIndex(
            model_name="storeddocument",
            index=models.Index(fields=["result_code"], name="datastore_result_code"),
        ),
    ]
