"""Evaluation reports: the per-application summary and the committee report are requested by the
call's staff, written to PDF by the worker (Korean text really drawn: checked with pdftotext), safe
to build twice, swept up again when their task was lost, and marked failed when rendering cannot
succeed. One test runs the whole path through a real Celery worker."""

import datetime
import subprocess
from decimal import Decimal

import pytest
from django.db import OperationalError
from django.utils import timezone

from evaluations import selectors, services, tasks
from evaluations import services as ev
from evaluations.models import (
    AssignmentStatus,
    CommitteeSeat,
    DecisionStatus,
    EvaluationReport,
    ReportKind,
    ReportStatus,
    StageKind,
)
from organizations.errors import AccessDenied
from organizations.models import AuditEvent, Role
from tests import factories

pytestmark = pytest.mark.django_db


def pdf_text(path):
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def _score_all(stage, fraction_by_submission):
    for a in stage.assignments.exclude(status=AssignmentStatus.RELEASED).select_related("evaluator__user"):
        fraction = fraction_by_submission[a.submission_id]
        ev.scores_submit(
            a.evaluator.user,
            a,
            points={c.code: Decimal(c.max_points) * fraction for c in stage.criteria.all()},
            comments={c.code: f"{a.evaluator.name} 의견: 근거 충분" for c in stage.criteria.all()},
            overall_comment="데이터 활용 계획이 구체적입니다.",
        )


@pytest.fixture
def scored(staff, plan, stage, track, reviewers):
    """Two submissions drawn to all three reviewers, scored 90 and 70, the stage closed; the first
    selected. 박평가 chairs the committee."""
    first = factories.make_submitted(track)
    second = factories.make_submitted(track)
    ev.assignment_draw(staff, stage, seed="report")
    _score_all(stage, {first.pk: Decimal("0.9"), second.pk: Decimal("0.7")})
    ev.stage_close(staff, stage)
    CommitteeSeat.objects.filter(stage=stage, evaluator__name="박평가").update(is_chair=True)
    ev.decide(staff, plan, first, status=DecisionStatus.SELECTED)
    return first, second


def _request(django_capture_on_commit_callbacks, actor, plan, **kwargs):
    with django_capture_on_commit_callbacks() as callbacks:
        report = services.report_request(actor, plan, **kwargs)
    assert len(callbacks) == 1  # build_report, enqueued once the request commits
    return report


def test_application_summary_pdf_has_receipt_criteria_totals_comments_and_decision(
    django_capture_on_commit_callbacks, staff, plan, scored
):
    first, _second = scored
    report = _request(
        django_capture_on_commit_callbacks,
        staff,
        plan,
        kind=ReportKind.APPLICATION_SUMMARY,
        submission=first,
    )
    assert report.status == ReportStatus.PENDING and not report.file

    built = services.report_build(report.pk)

    assert built.status == ReportStatus.DONE and built.finished_at is not None
    report.refresh_from_db()
    assert report.file.name.endswith(".pdf")
    assert report.file.open("rb").read(5) == b"%PDF-"
    text = pdf_text(report.file.path)
    assert first.receipt_number in text
    assert "평가 결과 요약" in text and "기술성 평가" in text
    for name in ("스마트공장 구축 필요성", "데이터 활용 계획", "공급기업 역량", "기대 효과"):
        assert name in text
    assert "90.00" in text  # the total, and the mean of a 20-point criterion scored at 90%:
    assert "18.00" in text
    assert "통과" in text and "1위" in text
    assert "김평가 의견: 근거 충분" in text and "박평가" in text  # staff document: names shown
    assert first.snapshot["lead"]["name"] in text and first.snapshot["plan"]["title"] in text
    share = selectors.government_share_of(first)
    assert f"{share:,}원" in text
    assert "선정" in text and "확정 전" in text
    assert AuditEvent.objects.filter(object_id=str(report.pk), action="transition").exists()


def test_committee_report_pdf_has_stages_committee_ranking_and_budget(
    django_capture_on_commit_callbacks, staff, call, plan, scored
):
    first, second = scored
    report = _request(django_capture_on_commit_callbacks, staff, plan, kind=ReportKind.COMMITTEE_REPORT)

    services.report_build(report.pk)

    report.refresh_from_db()
    assert report.status == ReportStatus.DONE
    text = pdf_text(report.file.path)
    assert "평가위원회 보고서" in text and call.reference in text
    for label in ("요건 검토", "기술성 평가", "심의위원회", "완료", "준비"):
        assert label in text
    # the chair is listed first, then the members by name
    assert text.index("위원장") < text.index("박평가") < text.index("김평가") < text.index("이평가")
    assert text.index(first.receipt_number) < text.index(second.receipt_number)
    assert "90.00" in text and "70.00" in text
    share = selectors.government_share_of(first)
    assert f"{call.total_budget:,}원" in text
    assert f"{share:,}원" in text and f"{call.total_budget - share:,}원" in text
    assert "미결정" in text  # the second submission has no decision yet


def test_a_second_build_is_a_no_op(django_capture_on_commit_callbacks, staff, plan, scored):
    report = _request(django_capture_on_commit_callbacks, staff, plan, kind=ReportKind.COMMITTEE_REPORT)
    services.report_build(report.pk)
    report.refresh_from_db()
    name, finished_at = report.file.name, report.finished_at
    events = AuditEvent.objects.count()

    assert services.report_build(report.pk) is None
    assert tasks.build_report.run(report_id=report.pk) == "skipped"

    report.refresh_from_db()
    assert (report.file.name, report.finished_at, report.status) == (name, finished_at, ReportStatus.DONE)
    assert AuditEvent.objects.count() == events
    assert services.report_build(999_999) is None  # gone: nothing to do


def test_another_operators_staff_cannot_request_a_report(staff, plan, scored, other_operator):
    first, _second = scored
    outsider = factories.make_member(Role.OPERATOR_ADMIN, operator=other_operator)
    with pytest.raises(AccessDenied):
        services.report_request(outsider, plan, kind=ReportKind.APPLICATION_SUMMARY, submission=first)
    with pytest.raises(AccessDenied):
        services.report_request(outsider, plan, kind=ReportKind.COMMITTEE_REPORT)
    evaluator = factories.make_evaluator(plan.call.operator, "최평가")
    with pytest.raises(AccessDenied):  # a reviewer of the call is not its staff either
        services.report_request(evaluator.user, plan, kind=ReportKind.COMMITTEE_REPORT)
    assert not EvaluationReport.objects.exists()


def test_summary_of_another_calls_submission_is_refused(staff, plan, operator, scored):
    from organizations.errors import DomainError

    other_call = factories.make_call(operator, status="open", opens_in_days=-1, closes_in_days=10)
    factories.make_required_documents(other_call)
    foreign = factories.make_submitted(factories.make_track(other_call, "basic"))
    with pytest.raises(DomainError):
        services.report_request(staff, plan, kind=ReportKind.APPLICATION_SUMMARY, submission=foreign)
    assert not EvaluationReport.objects.exists()


def test_sweep_requeues_only_old_pending_reports(
    django_capture_on_commit_callbacks, monkeypatch, staff, plan
):
    now = timezone.now()

    def make(status, minutes_ago):
        report = EvaluationReport.objects.create(
            plan=plan, kind=ReportKind.COMMITTEE_REPORT, requested_by=staff, status=status
        )
        EvaluationReport.objects.filter(pk=report.pk).update(
            requested_at=now - datetime.timedelta(minutes=minutes_ago)
        )
        return report

    stale = make(ReportStatus.PENDING, 5)
    make(ReportStatus.PENDING, 1)  # fresh: its own task is probably still on the way
    make(ReportStatus.DONE, 30)
    make(ReportStatus.FAILED, 30)
    published = []
    monkeypatch.setattr(tasks.build_report, "apply_async", lambda kwargs: published.append(kwargs))

    with django_capture_on_commit_callbacks(execute=True):
        assert services.reports_requeue_stale(now=now) == 1

    assert published == [{"report_id": stale.pk}]

    published.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_pending_reports.run() == 1  # the task asks about now: the same stale row
    assert published == [{"report_id": stale.pk}]


def test_a_report_that_cannot_render_is_marked_failed_and_not_swept_again(
    django_capture_on_commit_callbacks, monkeypatch, staff, plan
):
    report = _request(django_capture_on_commit_callbacks, staff, plan, kind=ReportKind.COMMITTEE_REPORT)

    def broken(_report):
        raise ValueError("템플릿 오류")

    monkeypatch.setattr(selectors, "report_context", broken)
    services.report_build(report.pk)

    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and "템플릿 오류" in report.error
    assert not report.file
    later = timezone.now() + datetime.timedelta(hours=1)
    with django_capture_on_commit_callbacks():
        assert services.reports_requeue_stale(now=later) == 0


def test_a_database_outage_while_rendering_leaves_the_report_pending_for_a_retry(
    django_capture_on_commit_callbacks, monkeypatch, staff, plan
):
    report = _request(django_capture_on_commit_callbacks, staff, plan, kind=ReportKind.COMMITTEE_REPORT)

    def outage(_report):
        raise OperationalError("connection lost")

    monkeypatch.setattr(selectors, "report_context", outage)
    with pytest.raises(OperationalError):
        services.report_build(report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.PENDING and report.error == ""


def test_committee_report_before_any_result_says_so(django_capture_on_commit_callbacks, staff, plan):
    report = _request(django_capture_on_commit_callbacks, staff, plan, kind=ReportKind.COMMITTEE_REPORT)
    services.report_build(report.pk)
    report.refresh_from_db()
    text = pdf_text(report.file.path)
    assert report.status == ReportStatus.DONE
    assert "아직 집계된 평가 결과가 없습니다" in text


def test_daily_upkeep_reminds_lapsing_interests_and_expires_notes(operator):
    lapsing = factories.make_evaluator(operator, "유효기한임박")
    lapsing.interests_valid_until = timezone.localdate() + datetime.timedelta(days=10)
    lapsing.save()
    factories.make_evaluator(operator, "유효기한넉넉")  # a year left: no reminder

    assert tasks.daily_upkeep.run() == {"interest_reminders": 1, "notes_expired": 0}
    lapsing.refresh_from_db()
    assert lapsing.interests_reminded_on == timezone.localdate()
    assert tasks.daily_upkeep.run() == {"interest_reminders": 0, "notes_expired": 0}  # once a period


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_builds_the_requested_report(fresh_celery_worker):
    """Through a real worker: the request commits, the task is published, the worker writes the PDF."""
    from tests.infra.test_celery_worker import wait_for

    operator = factories.make_operator("스마트제조혁신추진단")
    staff = factories.make_member(Role.OPERATOR_STAFF, operator=operator)
    call = factories.make_call(operator, status="open", opens_in_days=-1, closes_in_days=10)
    factories.make_required_documents(call)
    track = factories.make_track(call, "basic", projects_planned=5)
    plan = ev.plan_set_up(staff, call, stages=[StageKind.TECHNICAL])
    stage = ev.stage_open(staff, plan.stages.get())
    for name in ("김평가", "이평가", "박평가"):
        factories.seat(stage, factories.make_evaluator(operator, name), by=staff)
    submission = factories.make_submitted(track)
    ev.assignment_draw(staff, stage, seed="worker")
    _score_all(stage, {submission.pk: Decimal("0.8")})
    ev.stage_close(staff, stage)

    report = services.report_request(staff, plan, kind=ReportKind.APPLICATION_SUMMARY, submission=submission)

    def done():
        report.refresh_from_db()
        return report.status != ReportStatus.PENDING

    assert wait_for(done), fresh_celery_worker.log()
    assert report.status == ReportStatus.DONE, report.error
    text = pdf_text(report.file.path)
    assert submission.receipt_number in text and "80.00" in text and "기대 효과" in text
