"""Services: abandoning a project, imposing and lifting restrictions, repayment orders and
repayments. Each refusal says why in Korean and changes nothing; each success is audited and
notified."""

import datetime

import pytest
from django.utils import timezone

from monitoring.models import ProjectStatus
from organizations.errors import AccessDenied, Conflict, DomainError
from organizations.models import AuditEvent, Notification, Role
from sanctions import rules, services
from sanctions.models import OrderStatus, ProjectAbandonment, Repayment, RepaymentOrder, Restriction
from tests import factories

from .conftest import days, pay_advance

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Restriction.objects.count(),
        RepaymentOrder.objects.count(),
        Repayment.objects.count(),
        ProjectAbandonment.objects.count(),
        AuditEvent.objects.count(),
        Notification.objects.count(),
    )


def _refused(exc_type, fn, *args, **kwargs):
    before = _counts()
    with pytest.raises(exc_type) as exc:
        fn(*args, **kwargs)
    assert _counts() == before
    return exc.value


# --- abandon -------------------------------------------------------------------------------------


def test_staff_abandon_a_project_audited_and_lead_told(world):
    record = services.project_abandon(world.staff, world.project, reason="수행 기업의 폐업")
    world.project.refresh_from_db()
    assert world.project.status == ProjectStatus.ABANDONED
    assert record.previous_status == "in_progress" and record.recorded_by == world.staff
    event = AuditEvent.objects.get(
        action="transition", object_id=str(world.project.pk), after={"status": "abandoned"}
    )
    assert event.reason == "수행 기업의 폐업"
    assert event.before == {"status": "in_progress"} and event.after == {"status": "abandoned"}
    assert Notification.objects.filter(recipient=world.lead_user, subject__contains="중도 포기").exists()


def test_abandon_refusals_change_nothing(world):
    assert "담당자만" in str(
        _refused(AccessDenied, services.project_abandon, world.lead_user, world.project, reason="x").message
    )
    other = factories.make_member(Role.OPERATOR_STAFF, operator=factories.make_operator("남의기관"))
    _refused(AccessDenied, services.project_abandon, other, world.project, reason="x")
    err = _refused(DomainError, services.project_abandon, world.staff, world.project, reason="  ")
    assert err.field == "reason"
    world.project.refresh_from_db()
    assert world.project.status == "in_progress"
    services.project_abandon(world.staff, world.project, reason="포기")
    err = _refused(Conflict, services.project_abandon, world.staff, world.project, reason="다시")
    assert "중도 포기" in str(err.message)


def test_closed_project_cannot_be_abandoned(world):
    world.project.status = ProjectStatus.CLOSED
    world.project.save(update_fields=["status"])
    err = _refused(Conflict, services.project_abandon, world.staff, world.project, reason="포기")
    assert "종료" in str(err.message)


# --- restrictions --------------------------------------------------------------------------------


def test_impose_defaults_to_three_years_and_tells_the_company(world):
    r = services.restriction_impose(
        world.staff,
        company=world.supplier.company,
        project=world.project,
        reason_kind="false_report",
        reason="허위 진척 보고",
    )
    today = timezone.localdate()
    assert r.operator == world.operator and r.starts_on == today
    assert r.ends_on == rules.add_years(today, 3) - datetime.timedelta(days=1)
    assert r.is_active_on(today)
    assert AuditEvent.objects.filter(action="create", object_id=str(r.pk), reason="허위 진척 보고").exists()
    note = Notification.objects.get(recipient=world.supplier_user, subject__contains="참여 제한")
    assert r.ends_on.isoformat() in note.body and "허위" not in note.body


def test_impose_refusals_change_nothing(world):
    common = {"company": world.lead, "reason_kind": "false_report", "reason": "허위 보고"}
    _refused(AccessDenied, services.restriction_impose, world.lead_user, **common)
    centre = factories.make_operator("센터", kind="regional_centre")
    centre_user = factories.make_member(Role.CENTRE_STAFF, operator=centre)
    _refused(AccessDenied, services.restriction_impose, centre_user, **common)
    assert (
        _refused(DomainError, services.restriction_impose, world.staff, **{**common, "reason": ""}).field
        == "reason"
    )
    assert (
        _refused(
            DomainError, services.restriction_impose, world.staff, **{**common, "reason_kind": "x"}
        ).field
        == "reason_kind"
    )
    err = _refused(DomainError, services.restriction_impose, world.staff, **{**common, "starts_on": days(-1)})
    assert err.field == "starts_on"
    err = _refused(
        DomainError, services.restriction_impose, world.staff, **common, starts_on=days(10), ends_on=days(9)
    )
    assert err.field == "ends_on"
    err = _refused(
        DomainError, services.restriction_impose, world.staff, **{**common, "reason_kind": "abandoned"}
    )
    assert err.field == "project"
    stranger = factories.make_company("무관기업")
    err = _refused(
        DomainError,
        services.restriction_impose,
        world.staff,
        **{**common, "company": stranger},
        project=world.project,
    )
    assert "무관기업" in str(err.message)
    # A project of another operator's call cannot be named.
    other = factories.make_project()
    err = _refused(DomainError, services.restriction_impose, world.staff, **common, project=other.project)
    assert err.code == "foreign_project"


def test_lift_early_audited_refused_twice(world):
    r = services.restriction_impose(world.staff, company=world.lead, reason_kind="other", reason="사유")
    other = factories.make_member(Role.OPERATOR_STAFF, operator=factories.make_operator("남의기관"))
    _refused(AccessDenied, services.restriction_lift, other, r, reason="해제")
    _refused(AccessDenied, services.restriction_lift, world.lead_user, r, reason="해제")
    assert _refused(DomainError, services.restriction_lift, world.staff, r, reason="").field == "reason"
    services.restriction_lift(world.staff, r, reason="이의 신청 인용")
    r.refresh_from_db()
    today = timezone.localdate()
    assert r.lifted_on == today and not r.is_active_on(today) and r.lift_reason == "이의 신청 인용"
    assert AuditEvent.objects.filter(action="update", object_id=str(r.pk), reason="이의 신청 인용").exists()
    assert Notification.objects.filter(recipient=world.lead_user, subject__contains="해제").exists()
    _refused(Conflict, services.restriction_lift, world.staff, r, reason="다시")


def test_an_ended_restriction_cannot_be_lifted(world):
    r = services.restriction_impose(
        world.staff, company=world.lead, reason_kind="other", reason="사유", ends_on=timezone.localdate()
    )
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    err = _refused(Conflict, services.restriction_lift, world.staff, r, reason="해제", now=tomorrow)
    assert err.code == "already_ended"


# --- repayment orders ----------------------------------------------------------------------------


def test_order_limited_to_the_paid_share_and_settled_when_repaid(world):
    err = _refused(
        DomainError,
        services.repayment_order_create,
        world.staff,
        world.project,
        amount=1,
        due_on=days(30),
        reason="r",
    )
    assert err.code == "nothing_paid"
    paid = pay_advance(world).amount
    err = _refused(
        DomainError,
        services.repayment_order_create,
        world.staff,
        world.project,
        amount=paid + 1,
        due_on=days(30),
        reason="허위 보고",
    )
    assert err.code == "over_paid" and f"{paid:,}원" in str(err.message)
    order = services.repayment_order_create(
        world.staff, world.project, amount=paid - 1000, due_on=days(30), reason="허위 보고"
    )
    assert Notification.objects.filter(recipient=world.lead_user, subject__contains="환수").exists()
    # What earlier orders ask back counts against the rest.
    err = _refused(
        DomainError,
        services.repayment_order_create,
        world.staff,
        world.project,
        amount=1001,
        due_on=days(30),
        reason="r",
    )
    assert err.code == "over_paid"
    services.repayment_record(world.staff, order, amount=10_000, paid_on=timezone.localdate())
    err = _refused(
        DomainError, services.repayment_record, world.staff, order, amount=paid, paid_on=timezone.localdate()
    )
    assert err.code == "over_order" and "남은 환수 금액" in str(err.message)
    order.refresh_from_db()
    assert order.status == OrderStatus.OPEN
    services.repayment_record(world.staff, order, amount=paid - 1000 - 10_000, paid_on=timezone.localdate())
    order.refresh_from_db()
    assert order.status == OrderStatus.SETTLED and order.settled_on == timezone.localdate()
    assert AuditEvent.objects.filter(action="transition", object_id=str(order.pk)).exists()
    err = _refused(
        Conflict, services.repayment_record, world.staff, order, amount=1, paid_on=timezone.localdate()
    )
    assert err.code == "order_settled"


def test_order_and_repayment_refusals(world):
    paid = pay_advance(world).amount
    _refused(
        AccessDenied,
        services.repayment_order_create,
        world.lead_user,
        world.project,
        amount=1,
        due_on=days(3),
        reason="r",
    )
    err = _refused(
        DomainError,
        services.repayment_order_create,
        world.staff,
        world.project,
        amount=1,
        due_on=days(-1),
        reason="r",
    )
    assert err.field == "due_on"
    err = _refused(
        DomainError,
        services.repayment_order_create,
        world.staff,
        world.project,
        amount=1,
        due_on=days(3),
        reason="",
    )
    assert err.field == "reason"
    order = services.repayment_order_create(
        world.staff, world.project, amount=paid, due_on=days(3), reason="r"
    )
    _refused(
        AccessDenied,
        services.repayment_record,
        world.lead_user,
        order,
        amount=1,
        paid_on=timezone.localdate(),
    )
    err = _refused(DomainError, services.repayment_record, world.staff, order, amount=1, paid_on=days(1))
    assert err.field == "paid_on"
    err = _refused(DomainError, services.repayment_record, world.staff, order, amount=1, paid_on=days(-1))
    assert err.code == "paid_before_order"
    err = _refused(
        DomainError, services.repayment_record, world.staff, order, amount=0, paid_on=timezone.localdate()
    )
    assert err.field == "amount"


def test_dossier_entries_list_what_happened(world):
    from sanctions import dossier

    assert dossier.entries(world.project) == []
    paid = pay_advance(world).amount
    services.project_abandon(world.staff, world.project, reason="폐업")
    services.restriction_impose(
        world.staff, company=world.lead, reason_kind="abandoned", reason="무단 포기", project=world.project
    )
    order = services.repayment_order_create(
        world.staff, world.project, amount=paid, due_on=days(5), reason="환수"
    )
    services.repayment_record(world.staff, order, amount=1234, paid_on=timezone.localdate())
    files = dict(dossier.entries(world.project))
    assert set(files) == {
        "sanctions/abandonment.csv",
        "sanctions/restrictions.csv",
        "sanctions/repayments.csv",
    }
    assert "폐업" in files["sanctions/abandonment.csv"].decode("utf-8-sig")
    assert "무단 포기" in files["sanctions/restrictions.csv"].decode("utf-8-sig")
    assert ",1234," in files["sanctions/repayments.csv"].decode("utf-8-sig")
