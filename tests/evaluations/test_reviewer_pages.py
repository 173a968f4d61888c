"""The reviewer's pages through Django's test client: "내 평가" (invitations, pledges to sign, the
interest warning, the queue), the pledge, declared interests, and the score sheet with the frozen
submission beside the supplier's data; saving, submitting (and the lock after it), field errors
from the service, the conflict declaration, and what a reviewer may not open."""

import datetime
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.models import ApplicationDocument
from evaluations import services as ev
from evaluations.models import (
    Assignment,
    AssignmentStatus,
    CommitteeSeat,
    DeclaredInterest,
    Exclusion,
    Score,
    SeatStatus,
)
from organizations.models import AuditEvent, Role
from suppliers import services as supplier_services
from tests import factories
from tests.html import h1, summary, summary_anchors, text, title

pytestmark = pytest.mark.django_db

HOME = reverse("evaluations:reviewer-home")
PLAN_TITLE = factories.READY_PLAN["title"]


@pytest.fixture
def supplier(staff, operator):
    profile = factories.make_supplier(
        "정밀MES솔루션",
        cases=(
            ("가나금속 MES 구축", "C25", "48", 2025, 80_000_000, "basic"),
            ("다라기계 설비 데이터 수집", "C29", "48", 2024, 300_000_000, "intermediate_1"),
        ),
    )
    supplier_services.capability_assessment_record(
        staff,
        profile,
        operator=operator,
        assessor="김심사",
        assessed_on=timezone.localdate() - datetime.timedelta(days=10),
        management=80,
        technology=90,
        project_management=70,
    )
    return profile


@pytest.fixture
def submission(track, supplier):
    return factories.make_submitted(track, supplier=supplier)


@pytest.fixture
def drawn(staff, stage, reviewers, submission):
    ev.assignment_draw(staff, stage, seed="fixed")
    return submission


@pytest.fixture
def me(reviewers):
    return reviewers[0]


@pytest.fixture
def my_sheet(drawn, me):
    return Assignment.objects.get(evaluator=me, submission=drawn)


def text_of(html):
    return text(SimpleNamespace(content=html.encode()))


def login(client, evaluator):
    client.force_login(evaluator.user)
    return client


def sheet_url(assignment):
    return reverse("evaluations:reviewer-sheet", args=[assignment.pk])


def full_points(stage, value=Decimal("0.9")):
    return {c.code: Decimal(c.max_points) * value for c in stage.criteria.all()}


def post_scores(client, assignment, stage, *, action, points, comments=None, overall=""):
    data = {"action": action, "overall_comment": overall}
    for c in stage.criteria.all():
        data[f"points-{c.code}"] = "" if points.get(c.code) is None else str(points[c.code])
        data[f"comment-{c.code}"] = (comments or {}).get(c.code, "")
    return client.post(sheet_url(assignment), data)


# --- home ------------------------------------------------------------------------------------------


def test_home_lists_the_queue_with_call_stage_receipt_title_status_and_deadline(
    client, stage, my_sheet, call
):
    stage.scoring_deadline = timezone.make_aware(datetime.datetime(2026, 12, 24, 18, 0))
    stage.save(update_fields=["scoring_deadline"])
    response = login(client, my_sheet.evaluator).get(HOME)
    assert response.status_code == 200
    assert h1(response) == "내 평가"
    page = text(response)
    assert call.title_ko in page
    assert "기술성 평가(평가위원회)" in page
    assert my_sheet.submission.receipt_number in page
    assert PLAN_TITLE in page
    assert "시작 전" in page
    assert "2026. 12. 24. 18:00" in page
    assert "배정된 평가표 1건 중 1건을 아직 제출하지 않았습니다." in page
    assert f'href="{sheet_url(my_sheet)}"' in response.content.decode()


def test_home_keeps_a_constant_number_of_queries(client, staff, track, stage, reviewers, supplier):
    factories.make_submitted(track, supplier=supplier)
    ev.assignment_draw(staff, stage, seed="one")
    client.force_login(reviewers[0].user)
    with CaptureQueriesContext(connection) as one:
        assert client.get(HOME).status_code == 200
    for _n in range(2):
        factories.make_submitted(track, supplier=supplier)
    ev.assignment_draw(staff, stage, seed="three")
    assert Assignment.objects.filter(evaluator=reviewers[0]).count() == 3
    with CaptureQueriesContext(connection) as three:
        response = client.get(HOME)
    assert "배정된 평가표 3건 중 3건" in text(response)
    assert len(three) == len(one)


def test_invitation_is_accepted_from_home_then_the_pledge_is_asked(client, operator, stage, staff, call):
    evaluator = factories.make_evaluator(operator, "최초대")
    seat = ev.seat_invite(staff, stage, evaluator)
    page = text(login(client, evaluator).get(HOME))
    assert "위촉 요청" in page and call.title_ko in page
    response = client.post(reverse("evaluations:reviewer-seat-respond", args=[seat.pk]), {"answer": "accept"})
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluations:reviewer-pledge", args=[seat.pk])
    seat.refresh_from_db()
    assert seat.status == SeatStatus.ACCEPTED and seat.pledge_signed_at is None
    assert AuditEvent.objects.filter(
        action="transition", object_id=str(seat.pk), actor=evaluator.user
    ).exists()
    home = text(client.get(HOME))
    assert "보안·공정 서약이 필요한 위촉" in home and "위촉 수락" not in home


def test_invitation_declined(client, operator, stage, staff):
    evaluator = factories.make_evaluator(operator, "최거절")
    seat = ev.seat_invite(staff, stage, evaluator)
    response = login(client, evaluator).post(
        reverse("evaluations:reviewer-seat-respond", args=[seat.pk]), {"answer": "decline"}, follow=True
    )
    seat.refresh_from_db()
    assert seat.status == SeatStatus.DECLINED
    assert "위촉을 거절했습니다" in text(response)


def test_pledge_needs_the_box_ticked_and_is_recorded(client, operator, stage, staff):
    evaluator = factories.make_evaluator(operator, "최서약")
    seat = factories.seat(stage, evaluator, by=staff, pledge=False)
    url = reverse("evaluations:reviewer-pledge", args=[seat.pk])
    page = login(client, evaluator).get(url)
    assert h1(page) == "보안·공정 서약"
    assert str(ev.PLEDGE_TEXT) in text(page)
    assert '<label for="id_agree">동의합니다</label>' in page.content.decode()

    refused = client.post(url, {})
    assert refused.status_code == 400
    assert title(refused).startswith("오류: ")
    assert summary(refused) == ["서약 내용에 동의해야 평가를 시작할 수 있습니다."]
    seat.refresh_from_db()
    assert seat.pledge_signed_at is None

    assert client.post(url, {"agree": "on"}).status_code == 302
    seat.refresh_from_db()
    assert seat.pledge_signed_at is not None and seat.pledge_text == str(ev.PLEDGE_TEXT)
    assert AuditEvent.objects.filter(object_id=str(seat.pk), reason="pledge signed").exists()
    assert "에 서약했습니다" in text(client.get(url))


def test_before_the_pledge_nothing_of_the_application_shows(client, operator, stage, staff, submission):
    evaluator = factories.make_evaluator(operator, "최미서약")
    factories.seat(stage, evaluator, by=staff, pledge=False)
    ev.assignment_draw(staff, stage, seed="fixed")
    sheet = Assignment.objects.get(evaluator=evaluator)
    response = login(client, evaluator).get(HOME)
    page = text(response)
    assert "보안·공정 서약이 필요한 위촉" in page
    assert submission.receipt_number not in page and PLAN_TITLE not in page
    assert client.get(sheet_url(sheet)).status_code == 404
    document_id = submission.snapshot["documents"][0]["id"]
    assert (
        client.get(reverse("evaluations:reviewer-document", args=[sheet.pk, document_id])).status_code == 404
    )
    assert (
        client.post(
            reverse("evaluations:reviewer-conflict", args=[sheet.pk]), {"conflict-reason": "x"}
        ).status_code
        == 404
    )
    sheet.refresh_from_db()
    assert sheet.status == AssignmentStatus.ASSIGNED and sheet.opened_at is None


def test_home_warns_when_interests_are_unconfirmed_or_lapse_soon(client, operator):
    unconfirmed = factories.make_evaluator(operator, "최미확인", confirmed=False)
    response = login(client, unconfirmed).get(HOME)
    assert "이해관계 신고를 아직 확인하지 않았습니다" in text(response)
    link = reverse("evaluations:reviewer-interests", args=[unconfirmed.pk])
    assert f'href="{link}"' in response.content.decode()

    soon = factories.make_evaluator(operator, "최곧만료")
    soon.interests_valid_until = timezone.localdate() + datetime.timedelta(days=10)
    soon.save(update_fields=["interests_valid_until"])
    page = text(login(client, soon).get(HOME))
    assert "유효기한이" in page and "에 끝납니다" in page

    fine = factories.make_evaluator(operator, "최정상")
    page = text(login(client, fine).get(HOME))
    assert "이해관계 신고 확인이 필요합니다" not in page and "이해관계 신고 확인 완료" in page


def test_home_refused_to_who_is_not_an_evaluator(client, company):
    client.force_login(factories.make_member(Role.SME_MEMBER, company=company))
    assert client.get(HOME).status_code == 403


# --- interests -------------------------------------------------------------------------------------


def test_interests_declared_by_business_number_ended_and_confirmed(client, operator, company):
    evaluator = factories.make_evaluator(operator, "최신고", confirmed=False)
    url = reverse("evaluations:reviewer-interests", args=[evaluator.pk])
    page = login(client, evaluator).get(url)
    assert h1(page) == "이해관계 신고" and "신고한 이해관계가 없습니다." in text(page)

    number = f"{company.business_number[:3]}-{company.business_number[3:5]}-{company.business_number[5:]}"
    response = client.post(
        url, {"kind": "employer", "business_number": number, "description": "2023년까지 재직"}
    )
    assert response.status_code == 302
    interest = DeclaredInterest.objects.get(evaluator=evaluator)
    assert (interest.company, interest.kind, interest.description) == (company, "employer", "2023년까지 재직")
    assert AuditEvent.objects.filter(
        action="create", object_id=str(interest.pk), actor=evaluator.user
    ).exists()
    page = text(client.get(url))
    assert company.name in page and "재직·고용" in page and "2023년까지 재직" in page

    ended = client.post(reverse("evaluations:reviewer-interest-end", args=[interest.pk]), {"reason": "퇴사"})
    assert ended.status_code == 302
    interest.refresh_from_db()
    assert interest.ended_on == timezone.localdate()
    assert AuditEvent.objects.filter(action="update", object_id=str(interest.pk), reason="퇴사").exists()

    confirmed = client.post(
        reverse("evaluations:reviewer-interests-confirm", args=[evaluator.pk]), follow=True
    )
    evaluator.refresh_from_db()
    assert evaluator.interests_valid_until == timezone.localdate() + datetime.timedelta(days=365)
    assert "신고 내용이 최신임을 확인했습니다" in text(confirmed)
    assert AuditEvent.objects.filter(object_id=str(evaluator.pk), reason="interests confirmed").exists()


def test_interest_picked_from_the_supplier_registry_and_errors_keep_the_answers(client, operator, supplier):
    evaluator = factories.make_evaluator(operator, "최선택")
    url = reverse("evaluations:reviewer-interests", args=[evaluator.pk])
    login(client, evaluator)
    empty = client.post(url, {"description": "자문 계약"})
    assert empty.status_code == 400
    assert summary(empty) == [
        "관계 유형을 선택해 주십시오.",
        "관계가 있는 기업의 사업자등록번호를 입력하거나 등록 공급기업 목록에서 골라 주십시오.",
    ]
    assert summary_anchors(empty) == ["id_kind_0", "id_business_number"]
    assert 'value="자문 계약"' in empty.content.decode()

    unknown = client.post(url, {"kind": "professional", "business_number": factories.next_business_number()})
    assert unknown.status_code == 400 and "SFMS에 없습니다" in summary(unknown)[0]

    assert supplier.company.name in text(client.get(url)), "registered suppliers are offered"
    picked = client.post(url, {"kind": "professional", "supplier": supplier.company.pk})
    assert picked.status_code == 302
    assert DeclaredInterest.objects.get(evaluator=evaluator).company == supplier.company
    assert DeclaredInterest.objects.count() == 1


def test_another_evaluators_interests_are_404(client, operator, me):
    other = factories.make_evaluator(operator, "최타인")
    interest = ev.interest_declare(other.user, other, kind="family", company=factories.make_company())
    login(client, me)
    assert client.get(reverse("evaluations:reviewer-interests", args=[other.pk])).status_code == 404
    assert client.post(reverse("evaluations:reviewer-interest-end", args=[interest.pk])).status_code == 404
    assert client.post(reverse("evaluations:reviewer-interests-confirm", args=[other.pk])).status_code == 404
    interest.refresh_from_db()
    other.refresh_from_db()
    assert interest.ended_on is None and other.interests_confirmed_at is not None


# --- the score sheet -------------------------------------------------------------------------------


def test_sheet_shows_the_frozen_submission_beside_the_supplier_panel(client, my_sheet, supplier):
    response = login(client, my_sheet.evaluator).get(sheet_url(my_sheet))
    assert response.status_code == 200
    assert h1(response) == PLAN_TITLE
    html = response.content.decode()
    main, aside = html.split('<aside class="sheet-aside"', 1)
    main_text = text_of(main)
    for value in factories.READY_PLAN.values():
        if isinstance(value, str):
            assert value in main_text
    assert "6개월" in main_text
    assert "불량률 4.50% → 2.00%" in main_text and "리드타임 4.50일 → 2.00일" in main_text
    assert "40,000,000원" in main_text and "100,000,000원" in main_text
    assert (
        "국비" in main_text
        and "50%" in main_text
        and "50,000,000원" in main_text
        and "기업 부담금" in main_text
    )
    assert "business_plan.pdf" in main_text and "사업계획서" in main_text
    aside_text = text_of(aside.split("</aside>")[0])
    assert "정밀MES솔루션" in aside_text and "등록" in aside_text
    assert str(supplier.__class__.objects.get(pk=supplier.pk).rating) in aside_text
    assert "80 / 100" in aside_text and "90 / 100" in aside_text and "70 / 100" in aside_text
    assert "구축 사례 2건" in aside_text
    assert "가나금속 MES 구축" in aside_text and "1억 원 미만" in aside_text and "1억~5억 원" in aside_text
    my_sheet.refresh_from_db()
    assert my_sheet.opened_at is not None


def test_each_points_input_is_labelled_with_its_criterion(client, my_sheet, stage):
    html = login(client, my_sheet.evaluator).get(sheet_url(my_sheet)).content.decode()
    for c in stage.criteria.all():
        assert re.search(
            rf'<label class="form-label criterion-name" for="id_points-{c.code}">{c.name_ko}</label>', html
        )
        assert f'<label class="form-label" for="id_comment-{c.code}">{c.name_ko} 의견</label>' in html
    assert ">임시 저장</button>" in html and ">평가 제출</button>" in html
    assert "제출하면 평가표가 잠깁니다" in html


def test_draft_is_saved_and_shown_again(client, my_sheet, stage):
    login(client, my_sheet.evaluator)
    response = post_scores(
        client, my_sheet, stage, action="save", points={"necessity": "15.5"}, comments={"necessity": "적정"}
    )
    assert response.status_code == 302
    score = Score.objects.get(assignment=my_sheet)
    assert (score.criterion.code, score.points, score.comment) == ("necessity", Decimal("15.50"), "적정")
    my_sheet.refresh_from_db()
    assert my_sheet.status == AssignmentStatus.ASSIGNED
    page = client.get(sheet_url(my_sheet))
    assert "임시 저장했습니다" in text(page)
    assert 'name="points-necessity" value="15.5"' in page.content.decode()


def test_submit_without_a_comment_below_the_threshold_shows_the_field_error_and_submits_nothing(
    client, my_sheet, stage
):
    login(client, my_sheet.evaluator)
    points = full_points(stage)
    points["necessity"] = Decimal("5")  # of 20; comments are required below 12
    comments = {c: "근거" for c in points if c != "necessity"}
    response = post_scores(
        client, my_sheet, stage, action="submit", points=points, comments=comments, overall="종합"
    )
    assert response.status_code == 400
    assert title(response).startswith("오류: ")
    assert summary(response) == [
        "스마트공장 구축 필요성: 배점의 60% 미만(12점 미만)을 준 항목은 의견을 적어 주십시오."
    ]
    assert summary_anchors(response) == ["id_comment-necessity"]
    html = response.content.decode()
    assert 'id="id_comment-necessity-error"' in html
    assert 'name="points-necessity" value="5"' in html, "what was typed stays"
    assert 'name="points-data" value="18.0"' in html and "종합</textarea>" in html
    my_sheet.refresh_from_db()
    assert my_sheet.status == AssignmentStatus.ASSIGNED and my_sheet.total is None
    assert not Score.objects.filter(assignment=my_sheet).exists()


def test_points_out_of_range_or_not_numbers_are_shown_next_to_the_criterion(client, my_sheet, stage):
    login(client, my_sheet.evaluator)
    response = post_scores(client, my_sheet, stage, action="save", points={"necessity": "abc", "data": "25"})
    assert response.status_code == 400
    assert summary(response) == [
        "스마트공장 구축 필요성: 점수는 숫자로 입력해 주십시오.",
        "데이터 활용 계획: 점수는 0점에서 20점 사이, 소수 둘째 자리까지 입력해 주십시오.",
    ]
    assert summary_anchors(response) == ["id_points-necessity", "id_points-data"]
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Score.objects.filter(assignment=my_sheet).exists()


def test_submitted_sheet_is_locked_with_its_total(client, my_sheet, stage):
    login(client, my_sheet.evaluator)
    comments = {c.code: "근거 있음" for c in stage.criteria.all()}
    response = post_scores(
        client, my_sheet, stage, action="submit", points=full_points(stage), comments=comments
    )
    assert response.status_code == 302
    my_sheet.refresh_from_db()
    assert my_sheet.status == AssignmentStatus.SUBMITTED and my_sheet.total == Decimal("90.00")
    assert AuditEvent.objects.filter(
        action="transition", object_id=str(my_sheet.pk), actor=my_sheet.evaluator.user
    ).exists()
    page = client.get(sheet_url(my_sheet))
    html = page.content.decode()
    assert "제출한 평가표입니다" in text(page) and "총점 90.00점" in text(page)
    assert 'name="points-' not in html and "평가 제출</button>" not in html
    assert "이해충돌 신고(회피)</button>" not in html

    again = post_scores(client, my_sheet, stage, action="save", points={"necessity": "1"})
    assert again.status_code == 409
    assert "제출한 평가표는 고칠 수 없습니다" in summary(again)[0]
    assert summary_anchors(again) == ["sheet-problem"] and 'id="sheet-problem"' in again.content.decode()
    assert Score.objects.get(assignment=my_sheet, criterion__code="necessity").points == Decimal("18.00")


def test_conflict_declared_releases_the_sheet_and_it_is_reassigned(client, operator, stage, staff, my_sheet):
    spare = factories.make_evaluator(operator, "최예비")
    factories.seat(stage, spare, by=staff)
    login(client, my_sheet.evaluator)
    url = reverse("evaluations:reviewer-conflict", args=[my_sheet.pk])

    empty = client.post(url, {"conflict-reason": " "})
    assert empty.status_code == 400
    assert summary(empty) == ["회피 사유를 적어 주십시오."]
    assert summary_anchors(empty) == ["id_conflict-reason"]

    response = client.post(url, {"conflict-reason": "신청 기업 대표와 친족 관계"}, follow=True)
    assert response.redirect_chain[-1][0] == HOME
    page = text(response)
    assert "다른 평가위원에게 다시 배정되었습니다" in page
    assert PLAN_TITLE not in page
    my_sheet.refresh_from_db()
    assert my_sheet.status == AssignmentStatus.RELEASED
    assert AuditEvent.objects.filter(
        action="transition",
        object_id=str(my_sheet.pk),
        actor=my_sheet.evaluator.user,
        reason="신청 기업 대표와 친족 관계",
    ).exists()
    assert Exclusion.objects.filter(
        evaluator=my_sheet.evaluator, submission=my_sheet.submission, reason="declared_on_opening"
    ).exists()
    assert Assignment.objects.filter(evaluator=spare, submission=my_sheet.submission).exists()
    assert client.get(sheet_url(my_sheet)).status_code == 404


def test_another_reviewers_sheet_is_404_and_unchanged(client, my_sheet, reviewers, stage):
    other = reviewers[1]
    login(client, other)
    assert client.get(sheet_url(my_sheet)).status_code == 404
    assert post_scores(client, my_sheet, stage, action="save", points={"necessity": "1"}).status_code == 404
    assert (
        client.post(
            reverse("evaluations:reviewer-conflict", args=[my_sheet.pk]), {"conflict-reason": "x"}
        ).status_code
        == 404
    )
    my_sheet.refresh_from_db()
    assert my_sheet.status == AssignmentStatus.ASSIGNED and my_sheet.opened_at is None
    assert not Score.objects.filter(assignment=my_sheet).exists()
    seat = CommitteeSeat.objects.get(evaluator=my_sheet.evaluator)
    assert client.get(reverse("evaluations:reviewer-pledge", args=[seat.pk])).status_code == 404


def test_a_frozen_document_is_downloaded_from_the_sheet(client, my_sheet):
    login(client, my_sheet.evaluator)
    document = my_sheet.submission.snapshot["documents"][0]
    response = client.get(reverse("evaluations:reviewer-document", args=[my_sheet.pk, document["id"]]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == factories.PDF_BYTES
    lead = factories.make_company("다른신청기업")
    stranger = factories.make_application(
        my_sheet.submission.application.track, lead, factories.make_member(Role.SME_MEMBER, company=lead)
    )
    foreign_doc = ApplicationDocument.objects.filter(application=stranger).first()
    assert (
        client.get(reverse("evaluations:reviewer-document", args=[my_sheet.pk, foreign_doc.pk])).status_code
        == 404
    )
