"""Regions and KSIC manufacturing divisions: the project's own copy, loaded by migration 0002."""

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def load_reference_data(region_model, ksic_model):
    """Create or update every row; takes the model classes so the migration can pass historical ones."""
    for model, filename in ((region_model, "regions.csv"), (ksic_model, "ksic_manufacturing.csv")):
        with open(DATA / filename, encoding="utf-8") as f:
            for row in csv.DictReader(f):
                model.objects.update_or_create(
                    code=row["code"], defaults={"name_ko": row["name_ko"], "name_en": row["name_en"]}
                )
