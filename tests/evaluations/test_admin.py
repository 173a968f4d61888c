"""The evaluations admin: every model's list and change page renders for a platform admin with a
row present; rows that record what reviewers did and what the operator decided cannot be changed
or deleted there (a POST is refused and changes nothing); the pool, the plan and the rubric can be
corrected, audited, except a rubric that a submitted sheet was scored on; and a staff account
without the platform role sees only its own operator's rows."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from evaluations import models as em
from evaluations import services as ev
from evaluations.models import AssignmentStatus, DecisionStatus, ReportKind, StageKind
from organizations import audit
from organizations.models import AuditEvent, Membership, Role
from suppliers.models import TechDomain
from tests import factories

pytestmark = pytest.mark.django_db

READ_ONLY = [
    em.Decision,
    em.Score,
    em.Assignment,
    em.AssignmentDraw,
    em.Exclusion,
    em.StageResult,
    em.Objection,
    em.CommitteeSeat,
    em.CostReview,
    em.MatchingNote,
    em.EvaluationReport,
]
EDITABLE = [
    em.Evaluator,
    em.DeclaredInterest,
    em.Criterion,
    em.Stage,
    em.EvaluationPlan,
    em.TrackExpertise,
]


@pytest.fixture
def world(django_capture_on_commit_callbacks, staff, call, track, plan, stage, reviewers):
    """One evaluation carried through the services to an objection: a conflict excluded, sheets
    scored, a cost review, a decision with a matching note answered, results released, a report."""
    lead = factories.make_company("이해관계기업")
    submission = factories.make_submitted(track, lead)
    conflicted = factories.make_evaluator(call.operator, "정평가")
    ev.interest_declare(conflicted.user, conflicted, kind="financial", company=lead, description="주식 보유")
    factories.seat(stage, conflicted, by=staff)
    ev.assignment_draw(staff, stage, seed="admin")
    for a in stage.assignments.select_related("evaluator__user"):
        ev.scores_submit(
            a.evaluator.user,
            a,
            points={c.code: Decimal(c.max_points) * Decimal("0.8") for c in stage.criteria.all()},
            comments={c.code: "근거" for c in stage.criteria.all()},
        )
    ev.stage_close(staff, stage)
    plan = ev.plan_set_up(staff, call, stages=[StageKind.COST_REVIEW, StageKind.DOCUMENT_REVIEW])
    cost_stage = ev.stage_open(staff, plan.stages.get(kind=StageKind.COST_REVIEW))
    ev.cost_review_record(
        staff,
        cost_stage,
        submission,
        reviewer_body="원가검토기관",
        approved_lines=dict(submission.snapshot["budget"]["lines"]),
    )
    decision = ev.decide(staff, plan, submission, status=DecisionStatus.SELECTED)
    note = ev.matching_note_send(
        staff,
        decision,
        kind="other_supplier",
        body="다른 공급기업을 검토해 주십시오.",
        respond_by=timezone.now() + timedelta(days=3),
    )
    sme = Membership.objects.get(company=lead, role=Role.SME_MEMBER).user
    ev.matching_note_respond(sme, note, accepted=False, response="현재 공급기업으로 진행하겠습니다.")
    ev.decisions_finalise(staff, plan)
    ev.results_release(staff, plan, decision_ids=[decision.pk])
    ev.objection_lodge(sme, decision, body="점수 재검토를 요청합니다.")
    with django_capture_on_commit_callbacks():
        ev.report_request(staff, plan, kind=ReportKind.COMMITTEE_REPORT)
    em.TrackExpertise.objects.create(track=track).domains.set(
        TechDomain.objects.filter(code__in=["mes", "iot"])
    )
    return {"plan": plan, "submission": submission, "conflicted": conflicted}


@pytest.fixture
def superuser(client):
    admin = factories.make_user(is_staff=True, is_superuser=True, full_name="플랫폼관리자")
    Membership.objects.create(user=admin, role=Role.PLATFORM_ADMIN)
    client.force_login(admin)
    return admin


def _url(model, view, *args):
    return reverse(f"admin:evaluations_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", READ_ONLY + EDITABLE, ids=lambda m: m.__name__)
def test_changelist_and_change_page_render_for_a_platform_admin(client, superuser, world, model):
    row = model.objects.first()
    if model is em.Criterion:  # one nobody has scored on (a used rubric is locked: tested below)
        row = model.objects.filter(stage__kind=StageKind.DOCUMENT_REVIEW).first()
    assert row is not None, f"the world has no {model.__name__}"

    listing = client.get(_url(model, "changelist"))
    assert listing.status_code == 200
    assert _url(model, "change", row.pk) in listing.content.decode()
    searched = client.get(_url(model, "changelist"), {"q": "평가"})  # every search field is a real lookup
    assert searched.status_code == 200

    page = client.get(_url(model, "change", row.pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert str(model._meta.verbose_name) in html
    editable = page.context["has_change_permission"]
    assert editable is (model in EDITABLE)


@pytest.mark.parametrize("model", READ_ONLY, ids=lambda m: m.__name__)
def test_read_only_rows_refuse_change_and_delete(client, superuser, world, model):
    row = model.objects.first()
    before = audit.snapshot(row)
    events = AuditEvent.objects.count()

    assert client.post(_url(model, "change", row.pk), {"status": "rejected"}).status_code == 403
    assert client.post(_url(model, "delete", row.pk), {"post": "yes"}).status_code == 403
    assert client.get(_url(model, "add")).status_code == 403

    row.refresh_from_db()
    assert audit.snapshot(row) == before
    assert AuditEvent.objects.count() == events


def test_an_evaluator_can_be_corrected_and_the_change_is_audited(client, superuser, world):
    evaluator = world["conflicted"]
    page = client.get(_url(em.Evaluator, "change", evaluator.pk))
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name in form.fields and not isinstance(value, list)
    }
    data.update(
        name="정평가(수정)",
        affiliation_name="한국공과대학교 산학협력단",
        domains=[d.pk for d in evaluator.domains.all()],
        **{
            "interests-TOTAL_FORMS": "1",
            "interests-INITIAL_FORMS": "1",
            "interests-MIN_NUM_FORMS": "0",
            "interests-MAX_NUM_FORMS": "1000",
        },
    )
    interest = evaluator.interests.get()
    data.update(
        {
            "interests-0-id": interest.pk,
            "interests-0-evaluator": evaluator.pk,
            "interests-0-kind": interest.kind,
            "interests-0-company": interest.company_id,
            "interests-0-description": interest.description,
        }
    )
    response = client.post(_url(em.Evaluator, "change", evaluator.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    evaluator.refresh_from_db()
    assert evaluator.name == "정평가(수정)"
    event = AuditEvent.objects.filter(object_id=str(evaluator.pk), reason="admin").latest("id")
    assert event.before["name"] == "정평가" and event.after["name"] == "정평가(수정)"


def test_a_stages_status_is_read_only_and_a_used_rubric_is_locked(client, superuser, world, stage):
    page = client.get(_url(em.Stage, "change", stage.pk))
    assert "status" not in page.context["adminform"].form.fields
    criterion = stage.criteria.first()
    assert stage.assignments.filter(status=AssignmentStatus.SUBMITTED).exists()
    page = client.get(_url(em.Criterion, "change", criterion.pk))
    assert page.status_code == 200 and page.context["has_change_permission"] is False
    response = client.post(
        _url(em.Criterion, "change", criterion.pk),
        {"stage": stage.pk, "code": criterion.code, "name_ko": "바꾼 항목", "max_points": 50, "weight": 50},
    )
    assert response.status_code == 403
    criterion.refresh_from_db()
    assert criterion.name_ko != "바꾼 항목"


def test_a_rubric_nobody_has_scored_on_can_be_corrected(client, superuser, staff, call, plan):
    ev.plan_set_up(staff, call, stages=[StageKind.DOCUMENT_REVIEW])
    criterion = em.Criterion.objects.get(stage__plan=plan, stage__kind=StageKind.DOCUMENT_REVIEW, code="data")
    page = client.get(_url(em.Criterion, "change", criterion.pk))
    assert page.context["has_change_permission"] is True
    response = client.post(
        _url(em.Criterion, "change", criterion.pk),
        {
            "stage": criterion.stage_id,
            "code": "data",
            "name_ko": "데이터 수집·활용 계획",
            "name_en": "Data plan",
            "max_points": 20,
            "weight": 20,
            "order": 2,
        },
    )
    assert response.status_code == 302
    criterion.refresh_from_db()
    assert criterion.name_ko == "데이터 수집·활용 계획"
    assert AuditEvent.objects.filter(object_id=str(criterion.pk), reason="admin").exists()


def test_staff_without_the_platform_role_see_only_their_operators_rows(client, world, other_operator):
    outsider = factories.make_member(Role.OPERATOR_ADMIN, operator=other_operator, is_staff=True)
    outsider.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="evaluations", codename__in=["view_evaluator", "view_decision"]
        )
    )
    client.force_login(outsider)
    for model in (em.Evaluator, em.Decision):
        listing = client.get(_url(model, "changelist"))
        assert listing.status_code == 200
        assert listing.context["cl"].result_count == 0, model.__name__
        row = model.objects.first()
        assert client.get(_url(model, "change", row.pk)).status_code in (302, 404)
    assert "정평가" not in client.get(_url(em.Evaluator, "changelist")).content.decode()
