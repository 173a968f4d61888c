"""Tenant B's sanctions, for the access walk: a restriction operator B imposed on its own company,
an abandonment record, a repayment order and a repayment on tenant B's project. Their texts must
never show to a tenant-A user (sanctions pages, API, admin). The restriction starts in the future
and the project's status is left alone, so no other page of the walk changes because of them."""

import datetime

from django.utils import timezone


def register(foreign, member_b, project):
    from organizations.models import Company, Operator
    from sanctions.models import ProjectAbandonment, Repayment, RepaymentOrder, Restriction

    now = timezone.now()
    today = timezone.localdate()
    foreign[Restriction] = Restriction.objects.create(
        operator=foreign[Operator],
        company=foreign[Company],
        project=project,
        reason_kind="false_report",
        reason="외부제재사유LEAK",
        starts_on=today + datetime.timedelta(days=400),
        ends_on=today + datetime.timedelta(days=800),
        imposed_by=member_b,
        imposed_at=now,
    )
    foreign[ProjectAbandonment] = ProjectAbandonment.objects.create(
        project=project,
        reason="외부포기사유LEAK",
        previous_status=project.status,
        recorded_by=member_b,
        recorded_at=now,
    )
    order = RepaymentOrder.objects.create(
        project=project,
        amount=1_000_000,
        due_on=today + datetime.timedelta(days=30),
        reason="외부환수사유LEAK",
        ordered_by=member_b,
        ordered_at=now,
    )
    foreign[RepaymentOrder] = order
    foreign[Repayment] = Repayment.objects.create(
        order=order, amount=1000, paid_on=today, note="외부납부LEAK", recorded_by=member_b, recorded_at=now
    )


def markers(foreign):
    from sanctions.models import ProjectAbandonment, Repayment, RepaymentOrder, Restriction

    return [
        (foreign[Restriction], "외부제재사유LEAK"),
        (foreign[ProjectAbandonment], "외부포기사유LEAK"),
        (foreign[RepaymentOrder], "외부환수사유LEAK"),
        (foreign[Repayment], "외부납부LEAK"),
    ]
