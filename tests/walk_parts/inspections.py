"""Tenant B's interim check, final inspection (its inspector is tenant B's member), checklist item
and corrective action, for the access walk: none of them may show to a tenant-A user."""

import datetime

from django.utils import timezone


def register(foreign, member_b, project):
    from inspections import models as im

    now = timezone.now()
    inspection = im.FinalInspection.objects.create(
        project=project,
        inspector=member_b,
        inspector_kind="staff",
        inspector_name="외부점검자LEAK",
        appointed_by=member_b,
        appointed_at=now,
        result_note="외부점검결과LEAK",
    )
    foreign.update(
        {
            im.InterimCheck: im.InterimCheck.objects.create(
                project=project,
                operator=project.call.operator,
                checked_on=datetime.date(2027, 3, 2),
                findings="외부중간점검LEAK",
                progress="on_track",
                recorded_by=member_b,
                recorded_at=now,
            ),
            im.FinalInspection: inspection,
            im.ChecklistItem: im.ChecklistItem.objects.create(
                project=project,
                inspection=inspection,
                key="evidence",
                note="외부점검의견LEAK",
                evidence="projects/leak/inspection/leak.pdf",
                evidence_name="외부점검증빙LEAK.pdf",
            ),
            im.CorrectiveAction: im.CorrectiveAction.objects.create(
                project=project,
                inspection=inspection,
                description="외부시정조치LEAK",
                due_on=datetime.date(2027, 8, 1),
            ),
        }
    )


def markers(foreign):
    from inspections import models as im

    return [
        (foreign[im.InterimCheck], "외부중간점검LEAK"),
        (foreign[im.FinalInspection], "외부점검자LEAK"),
        (foreign[im.FinalInspection], "외부점검결과LEAK"),
        (foreign[im.ChecklistItem], "외부점검의견LEAK"),
        (foreign[im.CorrectiveAction], "외부시정조치LEAK"),
    ]
