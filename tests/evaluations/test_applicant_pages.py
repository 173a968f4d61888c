"""The applicant's pages through Django's test client: "평가 결과" with the released decisions and
the matching notes to answer, one decision's result sheet (means per criterion, comments as the call
allows, never a reviewer's name), objections, and the matching-note answer."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from evaluations import services as ev
from evaluations.models import (
    AssignmentStatus,
    Decision,
    DecisionStatus,
    MatchingNote,
    MatchingNoteStatus,
    Objection,
)
from organizations.models import AuditEvent, Role
from tests import factories
from tests.html import h1, summary, text, title

pytestmark = pytest.mark.django_db

HOME = reverse("evaluations:my-results")
REVIEWER_NAMES = ("김평가", "이평가", "박평가")


def _score_all(stage, fractions):
    for a in stage.assignments.exclude(status=AssignmentStatus.RELEASED).select_related("evaluator__user"):
        value = fractions[a.submission_id]
        points = {c.code: Decimal(c.max_points) * value for c in stage.criteria.all()}
        comments = {c.code: f"항목 {c.code}의 근거 서술" for c in stage.criteria.all()}
        ev.scores_submit(
            a.evaluator.user,
            a,
            points=points,
            comments=comments,
            overall_comment="데이터 활용 계획이 구체적임",
        )


@pytest.fixture
def decided(staff, call, plan, stage, reviewers, track):
    """Two scored submissions: the first selected, the second waitlisted; neither final yet."""
    first = factories.make_submitted(track)
    second = factories.make_submitted(track)
    ev.assignment_draw(staff, stage, seed="fixed")
    _score_all(stage, {first.pk: Decimal("0.9"), second.pk: Decimal("0.7")})
    ev.stage_close(staff, stage)
    call.total_budget = 60_000_000
    call.save(update_fields=["total_budget"])
    ev.decide(staff, plan, first, status=DecisionStatus.SELECTED)
    ev.decide(staff, plan, second, status=DecisionStatus.WAITLISTED)
    return {
        "first": Decision.objects.get(submission=first),
        "second": Decision.objects.get(submission=second),
    }


@pytest.fixture
def released(decided, staff, plan):
    ev.decisions_finalise(staff, plan)
    ev.results_release(staff, plan, decision_ids=[d.pk for d in decided.values()])
    for d in decided.values():
        d.refresh_from_db()
    return decided


def lead_user(decision):
    return decision.submission.application.lead.memberships.get(role=Role.SME_MEMBER).user


def result_url(decision):
    return reverse("evaluations:my-result", args=[decision.pk])


def note_url(note):
    return reverse("evaluations:my-matching-note", args=[note.pk])


def test_my_results_lists_released_decisions_of_my_company(client, released, call, track):
    first, second = released["first"], released["second"]
    client.force_login(lead_user(first))
    response = client.get(HOME)
    assert response.status_code == 200
    assert h1(response) == "평가 결과"
    page = text(response)
    assert call.title_ko in page and (track.name_ko or "기초") in page
    assert first.submission.receipt_number in page
    assert "선정" in page and "50,000,000원" in page
    assert timezone.localtime(first.released_at).strftime("%Y. %-m. %-d.") in page
    deadline = timezone.localtime(first.released_at + datetime.timedelta(days=7))
    assert deadline.strftime("%Y. %-m. %-d. %H:%M") in page
    assert second.submission.receipt_number not in page

    client.force_login(lead_user(second))
    page = text(client.get(HOME))
    assert "예비 1순위" in page and second.submission.receipt_number in page
    assert first.submission.receipt_number not in page


def test_unreleased_decisions_are_invisible_to_the_applicant(client, decided, staff, plan):
    first = decided["first"]
    ev.decisions_finalise(staff, plan)
    client.force_login(lead_user(first))
    page = text(client.get(HOME))
    assert first.submission.receipt_number not in page
    assert "아직 통보받은 평가 결과가 없습니다" in page
    assert client.get(result_url(first)).status_code == 404


def test_result_page_shows_means_per_criterion_and_comments_without_reviewer_names(client, released, stage):
    first = released["first"]
    client.force_login(lead_user(first))
    response = client.get(result_url(first))
    assert response.status_code == 200
    page = text(response)
    assert "기술성 평가(평가위원회)" in page
    assert "총점 90.00점" in page and "과락 기준 통과" in page and "지원 유형 내 1위" in page
    for c in stage.criteria.all():
        assert c.name_ko in page
    assert "18.00" in page and "22.50" in page
    assert "의 근거 서술" in page and "데이터 활용 계획이 구체적임" in page
    assert "의견 1" in page and "의견 3" in page
    html = response.content.decode() + client.get(HOME).content.decode()
    for name in REVIEWER_NAMES:
        assert name not in html
    for evaluator_email in stage.seats.values_list("evaluator__user__email", flat=True):
        assert evaluator_email not in html


def test_comments_stay_hidden_when_the_call_does_not_publish_them(client, released, staff, plan):
    ev.plan_update(staff, plan, {"show_comments": False})
    client.force_login(lead_user(released["first"]))
    page = text(client.get(result_url(released["first"])))
    assert "총점 90.00점" in page
    assert "의 근거 서술" not in page and "데이터 활용 계획이 구체적임" not in page
    assert "이 공고는 평가 의견을 공개하지 않습니다." in page


def test_another_company_gets_404_for_my_decision(client, released):
    first, second = released["first"], released["second"]
    client.force_login(lead_user(second))
    assert client.get(result_url(first)).status_code == 404
    assert client.post(result_url(first), {"body": "재검토 요청"}).status_code == 404
    assert not Objection.objects.exists()


def test_operator_staff_do_not_use_the_applicant_pages(client, released, staff):
    client.force_login(staff)
    assert client.get(HOME).status_code == 403
    assert client.get(result_url(released["first"])).status_code == 404


def test_objection_is_lodged_audited_and_listed(client, released):
    second = released["second"]
    user = lead_user(second)
    client.force_login(user)
    empty = client.post(result_url(second), {"body": "  "})
    assert empty.status_code == 400
    assert title(empty).startswith("오류: ")
    assert summary(empty) == ["이의 내용을 적어 주십시오."]

    response = client.post(result_url(second), {"body": "데이터 활용 항목 점수를 다시 검토해 주십시오."})
    assert response.status_code == 302
    objection = Objection.objects.get(decision=second)
    assert objection.lodged_by == user
    assert AuditEvent.objects.filter(action="create", object_id=str(objection.pk), actor=user).exists()
    page = text(client.get(result_url(second)))
    assert "데이터 활용 항목 점수를 다시 검토해 주십시오." in page and "접수" in page
    assert "처리 중인 이의신청이 있습니다" in page
    assert 'name="body"' not in client.get(result_url(second)).content.decode()


def test_past_objections_show_their_outcome(client, released, staff):
    second = released["second"]
    objection = ev.objection_lodge(lead_user(second), second, body="재검토 요청")
    ev.objection_decide(staff, objection, upheld=False, reason="평가 절차에 하자가 없습니다.")
    client.force_login(lead_user(second))
    page = text(client.get(result_url(second)))
    assert "기각" in page and "평가 절차에 하자가 없습니다." in page


def test_objection_after_the_window_is_refused_with_the_services_message(client, released):
    second = released["second"]
    Decision.objects.filter(pk=second.pk).update(released_at=timezone.now() - datetime.timedelta(days=8))
    client.force_login(lead_user(second))
    page = client.get(result_url(second))
    assert "기간 종료" in text(page) and 'name="body"' not in page.content.decode()
    response = client.post(result_url(second), {"body": "늦은 이의"})
    assert response.status_code == 409
    assert summary(response)[0].startswith("이의신청 기간(") and "지났습니다" in summary(response)[0]
    assert not Objection.objects.exists()


def test_matching_note_is_answered_once(client, decided, staff):
    first = decided["first"]
    note = ev.matching_note_send(
        staff,
        first,
        kind="other_supplier",
        body="데이터 수집 경험이 많은 공급기업을 검토해 주십시오.",
        respond_by=timezone.now() + datetime.timedelta(days=3),
    )
    user = lead_user(first)
    client.force_login(user)
    home = client.get(HOME)
    assert "답변이 필요한 매칭 검증 의견" in text(home)
    assert f'href="{note_url(note)}"' in home.content.decode()
    page = client.get(note_url(note))
    assert h1(page) == "매칭 검증 의견: 다른 공급기업 권고"
    assert "데이터 수집 경험이 많은 공급기업을 검토해 주십시오." in text(page)
    assert "선정" not in text(page), "the decision is not released yet"

    missing = client.post(note_url(note), {"response": ""})
    assert missing.status_code == 400
    assert summary(missing) == ["의견을 받아들일지 선택해 주십시오."]

    response = client.post(note_url(note), {"accepted": "yes", "response": "공급기업을 바꾸겠습니다."})
    assert response.status_code == 302
    note.refresh_from_db()
    assert (note.status, note.accepted, note.response, note.responded_by) == (
        MatchingNoteStatus.ANSWERED,
        True,
        "공급기업을 바꾸겠습니다.",
        user,
    )
    assert AuditEvent.objects.filter(action="transition", object_id=str(note.pk), actor=user).exists()
    again = client.post(note_url(note), {"accepted": "no", "response": "다시 생각해 보니"})
    assert again.status_code == 409
    assert summary(again) == ["이미 답변했거나 기한이 지난 의견입니다."]
    note.refresh_from_db()
    assert note.accepted is True and note.response == "공급기업을 바꾸겠습니다."
    assert "보낸 답변" in text(again)


def test_late_answer_shows_the_services_message(client, decided, staff):
    first = decided["first"]
    note = ev.matching_note_send(
        staff,
        first,
        kind="budget_adjustment",
        body="하드웨어 예산을 줄여 주십시오.",
        respond_by=timezone.now() + datetime.timedelta(hours=1),
    )
    MatchingNote.objects.filter(pk=note.pk).update(respond_by=timezone.now() - datetime.timedelta(minutes=5))
    client.force_login(lead_user(first))
    page = client.get(note_url(note))
    assert "답변 기한(" in text(page) and 'name="response"' not in page.content.decode()
    response = client.post(note_url(note), {"accepted": "yes", "response": "줄이겠습니다."})
    assert response.status_code == 409
    assert (
        summary(response)[0].startswith("답변 기한(")
        and "운영기관에 문의해 주십시오." in summary(response)[0]
    )
    note.refresh_from_db()
    assert note.status == MatchingNoteStatus.OPEN and note.response == ""


def test_another_companys_matching_note_is_404(client, decided, staff):
    note = ev.matching_note_send(
        staff,
        decided["first"],
        kind="other_track",
        body="다른 유형을 권고합니다.",
        respond_by=timezone.now() + datetime.timedelta(days=3),
    )
    client.force_login(lead_user(decided["second"]))
    assert client.get(note_url(note)).status_code == 404
    assert client.post(note_url(note), {"accepted": "yes", "response": "x"}).status_code == 404
    note.refresh_from_db()
    assert note.status == MatchingNoteStatus.OPEN


def test_my_results_keeps_a_constant_number_of_queries(client, plan, call, staff, operator):
    """One decision and three, written directly: the page's reads are what is measured."""
    company = factories.make_company("다과제기업")
    user = factories.make_member(Role.SME_MEMBER, company=company)
    now = timezone.now()

    def released_decision(level):
        track = factories.make_track(call, level)
        submission = factories.make_submitted(track, company, user=user)
        return Decision.objects.create(
            plan=plan,
            submission=submission,
            track=track,
            status=DecisionStatus.SELECTED,
            government_share=50_000_000,
            decided_by=staff,
            decided_at=now,
            final=True,
            released_at=now,
        )

    released_decision("basic")
    client.force_login(user)
    with CaptureQueriesContext(connection) as one:
        assert client.get(HOME).status_code == 200
    released_decision("basic")
    released_decision("basic")
    with CaptureQueriesContext(connection) as three:
        response = client.get(HOME)
    assert text(response).count("50,000,000원") == 3
    assert len(three) == len(one)
