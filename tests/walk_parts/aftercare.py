"""Tenant B's aftercare rows for the access walk: a defect repair, a maintenance contract and an
unfair-practice report on tenant B's project, each with a LEAK text its pages and API show."""

import datetime

from django.utils import timezone


def register(foreign, member_b, project):
    from aftercare import models as am
    from organizations.models import Company

    supplier_b = Company.objects.filter(name__startswith="외부공급LEAK").first()
    if supplier_b is None:  # the walk's world makes it; keep this part usable on its own
        from tests import factories

        supplier_b = factories.make_company("외부공급LEAK", kind=Company.Kind.SUPPLIER, region_code="26")
    foreign.update(
        {
            am.DefectRepair: am.DefectRepair.objects.create(
                project=project,
                description="외부하자LEAK",
                attachment="projects/leak/aftercare/leak.pdf",
                attachment_name="외부하자첨부LEAK.pdf",
                requested_by=member_b,
                requested_at=timezone.now(),
            ),
            am.MaintenanceContract: am.MaintenanceContract.objects.create(
                project=project,
                provider_name="외부유지보수LEAK",
                starts_on=datetime.date(2027, 8, 1),
                ends_on=datetime.date(2028, 7, 31),
                annual_fee=5_000_000,
                scope="외부범위LEAK",
                document="projects/leak/aftercare/leak-contract.pdf",
                document_name="외부계약서LEAK.pdf",
                recorded_by=member_b,
                recorded_at=timezone.now(),
            ),
            am.UnfairPracticeReport: am.UnfairPracticeReport.objects.create(
                project=project,
                reporter_company=foreign[Company],
                reporter_role="lead",
                reported_company=supplier_b,
                description="외부신고LEAK",
                reported_by=member_b,
                reported_at=timezone.now(),
            ),
        }
    )


def markers(foreign):
    from aftercare import models as am

    return [
        (foreign[am.DefectRepair], "외부하자LEAK"),
        (foreign[am.MaintenanceContract], "외부유지보수LEAK"),
        (foreign[am.UnfairPracticeReport], "외부신고LEAK"),
    ]
