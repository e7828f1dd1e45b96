"""The data store's own table, holders that may be organisations (tax codes), documents the holder adds,
and links to the issued result or digitised component a document comes from."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("datastore", "0001_initial"),
        ("digitisation", "0002_stored_document_moved"),
    ]

    operations = [
        migrations.AlterModelTable(name="storeddocument", table=None),
        migrations.RenameField(
            model_name="storeddocument", old_name="owner_id_number", new_name="holder_number"
        ),
        migrations.RenameField(model_name="storeddocument", old_name="owner_name", new_name="holder_name"),
    ]
