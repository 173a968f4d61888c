"""Aftercare services: defect repairs only in the warranty period (the refusal says when it ended),
the supplier answers and the SME closes with its satisfaction; maintenance contracts; closing only
after a passed inspection with every tranche paid (the refusal names what is missing); after
closing, one supplier rating per project and a next-level application pre-filled with the project's
plan and the same supplier. Every refusal changes nothing."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from aftercare import services
from aftercare.models import DefectRepair, DefectStatus, MaintenanceContract
from applications.models import Application, ConsortiumMember
from monitoring.models import Project, Tranche
from organizations.errors import AccessDenied, Conflict, DomainError
from organizations.models import AuditEvent, Notification, Role
from suppliers.models import SupplierProfile, SupplierReview
from tests import factories

from .conftest import centre_for, make_ready

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _state():
    return (
        AuditEvent.objects.count(),
        Notification.objects.count(),
        list(Project.objects.values_list("pk", "status")),
        list(DefectRepair.objects.values_list("pk", "status", "response", "satisfaction")),
        list(MaintenanceContract.objects.values_list("pk")),
        list(SupplierReview.objects.values_list("pk")),
        list(Application.objects.values_list("pk")),
        list(Tranche.objects.values_list("pk", "status")),
    )


def refused(exc_type, fn, *args, match=None, **kwargs):
    before = _state()
    with pytest.raises(exc_type) as info:
        fn(*args, **kwargs)
    assert _state() == before, "a refusal must change nothing"
    if match:
        assert match in str(info.value.message)
    return info.value


# --- defect repairs --------------------------------------------------------------------------------


def test_defect_request_response_and_satisfaction(ready):
    ns = ready
    defect = services.defect_request(ns.lead_user, ns.project, description="  PLC 통신 끊김  ")
    assert defect.status == DefectStatus.REQUESTED and defect.description == "PLC 통신 끊김"
    assert Notification.objects.filter(recipient=ns.supplier_user).exists()
    assert AuditEvent.objects.filter(
        content_type__model="defectrepair", object_id=str(defect.pk), action="create"
    ).exists()

    services.defect_respond(
        ns.supplier_user, defect, response="통신 모듈 교체", repaired_on=timezone.localdate()
    )
    defect.refresh_from_db()
    assert defect.status == DefectStatus.RESPONDED and defect.responded_by == ns.supplier_user
    assert Notification.objects.filter(recipient=ns.lead_user, subject__contains="조치 완료").exists()

    services.defect_satisfaction(ns.lead_user, defect, score=4, comment="빠른 조치")
    defect.refresh_from_db()
    assert (defect.status, defect.satisfaction, defect.satisfaction_comment) == ("closed", 4, "빠른 조치")
    transitions = AuditEvent.objects.filter(
        content_type__model="defectrepair", object_id=str(defect.pk), action="transition"
    ).count()
    assert transitions == 2


def test_a_defect_request_may_carry_a_checked_photo(ready):
    photo = SimpleUploadedFile("불량.png", PNG, content_type="image/png")
    defect = services.defect_request(
        ready.lead_user, ready.project, description="외관 불량", attachment=photo
    )
    assert defect.attachment_name == "불량.png" and defect.attachment.name.endswith(".png")


def test_a_file_that_is_not_what_it_says_is_refused(ready):
    fake = SimpleUploadedFile("사진.png", b"not an image at all", content_type="image/png")
    exc = refused(
        DomainError, services.defect_request, ready.lead_user, ready.project, description="x", attachment=fake
    )
    assert exc.field == "attachment"


def test_no_defect_request_before_the_inspection_passed(ns):
    refused(
        Conflict,
        services.defect_request,
        ns.lead_user,
        ns.project,
        description="고장",
        match="최종 점검 통과 기록이 없습니다",
    )


def test_after_the_warranty_the_refusal_says_when_it_ended(ns):
    make_ready(ns, passed_days_ago=400)
    ends = services.rules.warranty_ends_on(ns.project.inspection_passed_at)
    exc = refused(Conflict, services.defect_request, ns.lead_user, ns.project, description="고장")
    assert ends.isoformat() in str(exc.message) and "끝났습니다" in str(exc.message)


def test_the_warranty_follows_the_controlled_clock(ready):
    later = timezone.now() + datetime.timedelta(days=400)
    refused(Conflict, services.defect_request, ready.lead_user, ready.project, description="x", now=later)
    assert services.defect_request(ready.lead_user, ready.project, description="x").pk


def test_only_the_lead_requests_and_only_the_supplier_responds(ready):
    ns = ready
    refused(AccessDenied, services.defect_request, ns.supplier_user, ns.project, description="x")
    refused(AccessDenied, services.defect_request, ns.staff, ns.project, description="x")
    defect = services.defect_request(ns.lead_user, ns.project, description="x")
    today = timezone.localdate()
    refused(AccessDenied, services.defect_respond, ns.lead_user, defect, response="y", repaired_on=today)
    other = factories.make_member(Role.SUPPLIER_MEMBER, company=factories.make_supplier("남의공급").company)
    refused(AccessDenied, services.defect_respond, other, defect, response="y", repaired_on=today)
    refused(AccessDenied, services.defect_satisfaction, ns.supplier_user, defect, score=5)


def test_defect_input_is_checked(ready):
    ns = ready
    refused(DomainError, services.defect_request, ns.lead_user, ns.project, description="   ")
    defect = services.defect_request(ns.lead_user, ns.project, description="x")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    exc = refused(
        DomainError, services.defect_respond, ns.supplier_user, defect, response="y", repaired_on=tomorrow
    )
    assert exc.field == "repaired_on"
    refused(
        DomainError,
        services.defect_respond,
        ns.supplier_user,
        defect,
        response="y",
        repaired_on=timezone.localdate() - datetime.timedelta(days=3),
        match="요청일",
    )
    refused(
        Conflict, services.defect_satisfaction, ns.lead_user, defect, score=5, match="조치 결과를 기록한 뒤"
    )
    services.defect_respond(ns.supplier_user, defect, response="y", repaired_on=timezone.localdate())
    for bad in (0, 6, "5", None):
        refused(DomainError, services.defect_satisfaction, ns.lead_user, defect, score=bad)
    refused(
        Conflict,
        services.defect_respond,
        ns.supplier_user,
        defect,
        response="z",
        repaired_on=timezone.localdate(),
    )
    services.defect_satisfaction(ns.lead_user, defect, score=5)
    refused(Conflict, services.defect_satisfaction, ns.lead_user, defect, score=3, match="이미")


# --- maintenance contracts ---------------------------------------------------------------------------


def test_the_lead_records_a_maintenance_contract(ready):
    ns = ready
    contract = services.maintenance_record(
        ns.lead_user,
        ns.project,
        provider_name=ns.supplier.company.name,
        with_supplier=True,
        starts_on=datetime.date(2027, 7, 1),
        ends_on=datetime.date(2028, 6, 30),
        annual_fee=12_000_000,
        scope="MES 유지보수, 월 1회 점검",
    )
    assert contract.annual_fee == 12_000_000 and contract.with_supplier
    assert AuditEvent.objects.filter(
        content_type__model="maintenancecontract", object_id=str(contract.pk), action="create"
    ).exists()
    assert Notification.objects.filter(recipient=ns.staff).exists()


@pytest.mark.parametrize(
    "change, field",
    [
        ({"provider_name": " "}, "provider_name"),
        ({"ends_on": datetime.date(2027, 7, 1)}, "ends_on"),
        ({"annual_fee": -1}, "annual_fee"),
        ({"annual_fee": 1.5}, "annual_fee"),
        ({"scope": ""}, "scope"),
    ],
)
def test_maintenance_input_is_checked(ready, change, field):
    args = {
        "provider_name": "유지보수주식회사",
        "starts_on": datetime.date(2027, 7, 1),
        "ends_on": datetime.date(2028, 6, 30),
        "annual_fee": 1_000_000,
        "scope": "점검",
        **change,
    }
    exc = refused(DomainError, services.maintenance_record, ready.lead_user, ready.project, **args)
    assert exc.field == field


def test_only_the_lead_records_maintenance(ready):
    refused(
        AccessDenied,
        services.maintenance_record,
        ready.supplier_user,
        ready.project,
        provider_name="x",
        starts_on=datetime.date(2027, 7, 1),
        ends_on=datetime.date(2028, 6, 30),
        annual_fee=1,
        scope="x",
    )


# --- closing ---------------------------------------------------------------------------------------


def test_closing_is_refused_naming_what_is_missing(ns):
    exc = refused(Conflict, services.project_close, ns.staff, ns.project)
    message = str(exc.message)
    assert "최종 점검 통과 기록이 없습니다" in message
    assert "1차 선급금" in message and "2차 잔금" in message
    make_ready(ns, paid=False)
    Tranche.objects.filter(project=ns.project, order=1).update(status="paid")
    message = str(refused(Conflict, services.project_close, ns.staff, ns.project).message)
    assert (
        "최종 점검 통과 기록" not in message
        and "1차" not in message
        and "2차 잔금(최종 점검 통과 후) — 예정" in message
    )


def test_staff_close_a_ready_project_audited_and_both_sides_told(ready):
    ns = ready
    services.project_close(ns.staff, ns.project, reason="사업 완료")
    ns.project.refresh_from_db()
    assert ns.project.status == "closed"
    event = AuditEvent.objects.get(
        content_type__model="project", object_id=str(ns.project.pk), action="transition", reason="사업 완료"
    )
    assert event.before == {"status": "inspection"} and event.after == {"status": "closed"}
    assert Notification.objects.filter(recipient=ns.lead_user, subject__contains="과제 종료").exists()
    assert Notification.objects.filter(recipient=ns.supplier_user, subject__contains="과제 종료").exists()
    refused(Conflict, services.project_close, ns.staff, ns.project, match="이미 종료")


def test_only_the_calls_staff_close(ready):
    refused(AccessDenied, services.project_close, ready.lead_user, ready.project)
    refused(AccessDenied, services.project_close, centre_for("41"), ready.project)
    other = factories.make_member(Role.OPERATOR_STAFF, operator=factories.make_operator("남의운영기관"))
    refused(AccessDenied, services.project_close, other, ready.project)


# --- rating and the next level -----------------------------------------------------------------------


@pytest.fixture
def closed(ready):
    services.project_close(ready.staff, ready.project)
    ready.project.refresh_from_db()
    return ready


def test_rating_waits_for_the_closing(ready):
    refused(Conflict, services.supplier_rate, ready.lead_user, ready.project, score=5, match="종료된 뒤")


def test_the_lead_rates_its_supplier_once(closed):
    ns = closed
    review = services.supplier_rate(ns.lead_user, ns.project, score=4, comment="성실함")
    assert review.source == "sme" and review.reviewer_company == ns.lead
    assert review.project_reference == ns.project.submission.receipt_number
    assert review.profile == ns.supplier and review.score == 4
    assert SupplierProfile.objects.get(pk=ns.supplier.pk).rating is not None
    refused(Conflict, services.supplier_rate, ns.lead_user, ns.project, score=5, match="이미 평가")
    refused(AccessDenied, services.supplier_rate, ns.supplier_user, ns.project, score=5)


def test_a_rating_needs_a_score_from_one_to_five(closed):
    for bad in (0, 6, None):
        refused(DomainError, services.supplier_rate, closed.lead_user, closed.project, score=bad)
    stranger = factories.make_supplier("평가대상아님")
    refused(DomainError, services.supplier_rate, closed.lead_user, closed.project, score=3, supplier=stranger)


def test_next_level_tracks_are_the_open_higher_ones(closed, next_track):
    tracks = list(services.next_level_tracks(closed.project))
    assert next_track.higher in tracks and next_track.basic not in tracks
    assert all(t.level != "basic" for t in tracks)


def test_the_next_level_application_is_prefilled_with_the_project_and_supplier(closed, next_track):
    ns = closed
    application = services.next_level_application(ns.lead_user, ns.project, track=next_track.higher)
    assert application.track == next_track.higher and application.lead == ns.lead
    assert application.status == "draft"
    assert application.title == f"{ns.project.title} 고도화"
    assert ns.project.submission.receipt_number in application.existing_systems
    member = ConsortiumMember.objects.get(application=application)
    assert (member.company, member.role, member.status) == (ns.supplier.company, "supplier", "invited")
    # Asking again for the same track gives the same draft, unchanged.
    count = AuditEvent.objects.count()
    assert services.next_level_application(ns.lead_user, ns.project, track=next_track.higher) == application
    assert AuditEvent.objects.count() == count


def test_the_next_level_is_refused_before_closing_or_for_a_lower_track(ready, next_track):
    refused(
        Conflict, services.next_level_application, ready.lead_user, ready.project, track=next_track.higher
    )
    services.project_close(ready.staff, ready.project)
    ready.project.refresh_from_db()
    refused(
        DomainError,
        services.next_level_application,
        ready.lead_user,
        ready.project,
        track=next_track.basic,
        match="높은 수준",
    )
    refused(
        AccessDenied,
        services.next_level_application,
        ready.supplier_user,
        ready.project,
        track=next_track.higher,
    )


def test_the_dossier_holds_defects_and_contracts_but_never_unfair_reports(ready):
    from aftercare import dossier

    ns = ready
    photo = SimpleUploadedFile("불량.png", PNG, content_type="image/png")
    services.defect_request(ns.lead_user, ns.project, description="센서 고장", attachment=photo)
    services.unfair_report(ns.supplier_user, ns.project, reported_company=ns.lead, description="비밀 신고")
    files = dict(dossier.entries(ns.project))
    assert "센서 고장" in files["aftercare/하자보수.csv"].decode("utf-8")
    assert any(name.endswith("불량.png") and body == PNG for name, body in files.items())
    assert all("비밀 신고" not in body.decode("utf-8", "ignore") for body in files.values())
