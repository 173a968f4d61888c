"""Loads the 17 regions and the KSIC manufacturing divisions from the project's own copy."""

from django.db import migrations

from organizations.reference_data import load_reference_data


def load(apps, schema_editor):
    load_reference_data(apps.get_model("organizations", "Region"), apps.get_model("organizations", "KsicDivision"))


class Migration(migrations.Migration):
    dependencies = [("organizations", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
