from django.db import migrations


def load(apps, schema_editor):
    from suppliers.reference_data import load_tech_domains

    load_tech_domains(apps.get_model("suppliers", "TechDomain"))


class Migration(migrations.Migration):
    dependencies = [("suppliers", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
