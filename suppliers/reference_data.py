"""The technical-domain taxonomy: the project's own list, loaded by migration 0002 and kept in the admin."""

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def load_tech_domains(model):
    """Create or update every row; takes the model class so the migration can pass the historical one."""
    with open(DATA / "tech_domains.csv", encoding="utf-8") as f:
        for order, row in enumerate(csv.DictReader(f)):
            model.objects.update_or_create(
                code=row["code"],
                defaults={"name_ko": row["name_ko"], "name_en": row["name_en"], "order": order},
            )
