from django.db import migrations

from merchants.taxonomy import taxonomy_load


def load_taxonomy(apps, schema_editor):
    taxonomy_load(apps.get_model("merchants", "Category"))


class Migration(migrations.Migration):
    dependencies = [("merchants", "0001_initial")]
    operations = [migrations.RunPython(load_taxonomy, migrations.RunPython.noop)]
