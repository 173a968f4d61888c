"""Loads the 17 regions and the KSIC manufacturing divisions from the project's own copy."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def load(apps, schema_editor):
    Region = apps.get_model("organizations", "Region")
    KsicDivision = apps.get_model("organizations", "KsicDivision")
    with open(DATA / "regions.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            Region.objects.update_or_create(
                code=row["code"], defaults={"name_ko": row["name_ko"], "name_en": row["name_en"]}
            )
    with open(DATA / "ksic_manufacturing.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            KsicDivision.objects.update_or_create(
                code=row["code"], defaults={"name_ko": row["name_ko"], "name_en": row["name_en"]}
            )


class Migration(migrations.Migration):
    dependencies = [("organizations", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
