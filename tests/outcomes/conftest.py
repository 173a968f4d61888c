"""What outcome tests start from: a project in progress (make_project), and helpers that move it to
the final inspection or past it with a controlled date."""

import datetime

import pytest
from django.utils import timezone

from tests import factories

PASSED = datetime.datetime(2025, 3, 10, 10, 0, tzinfo=datetime.UTC)
YEAR_LATER = datetime.date(2026, 3, 10)


@pytest.fixture
def w(db):
    return factories.make_project(lead_name="한빛정밀")


def to_inspection(project):
    project.status = "inspection"
    project.save(update_fields=["status"])
    return project


def passed(project, at=PASSED):
    project.status = "inspection"
    project.inspection_passed_at = at
    project.save(update_fields=["status", "inspection_passed_at"])
    return project


def ids(project):
    """{code: indicator id as str} of the project's indicators (custom ones by name)."""
    from outcomes.models import OutcomeIndicator

    return {
        (i.code if i.code != "custom" else i.name): str(i.pk)
        for i in OutcomeIndicator.objects.unrestricted().filter(project=project)
    }


def today():
    return timezone.localdate()
