"""Walk every URL pattern (pages, API, admin) as every role against another tenant's objects.

Expectations come from the table below, not from the querysets under test. A pattern whose
object kwarg cannot be tied to a model fails the walk, so new endpoints are picked up
automatically and must declare what they show (view `model`, `queryset`, or MODEL_FOR_URL).
"""

import json

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.authtoken.models import Token, TokenProxy

from organizations import audit, services
from organizations.models import (
    AuditEvent,
    Company,
    KsicDivision,
    LevelAssessment,
    Membership,
    Operator,
    Region,
    Role,
    User,
)
from tests import factories, walk_parts

ROLES = [None, *Role.values]  # None = anonymous
COMPANY_SIDE = {Role.SME_MEMBER, Role.SUPPLIER_MEMBER, Role.LARGE_FIRM_MEMBER}
OPERATOR_SIDE = {Role.OPERATOR_STAFF, Role.OPERATOR_ADMIN, Role.CENTRE_STAFF}
UNSAFE = ["post", "put", "patch", "delete"]
DENIED = {401, 403, 404, 405}
PUBLIC_MODELS = {Region, KsicDivision, ContentType}

# URL names whose views are plain functions: which model their object kwarg refers to.
MODEL_FOR_URL = {"admin:auth_user_password_change": User, "admin:view_on_site": Company}
# Patterns with no object of ours behind them (kwargs that are not ids of our records).
NON_OBJECT_KWARGS = {"uidb64", "token", "app_label", "content_type_id", "format", "kind", "path", "url"}


def hidden_from(role, obj):
    """The expectation table: may `role` (a tenant-A user) see tenant B's `obj`? True = must not."""
    if role == Role.PLATFORM_ADMIN:
        return False
    if type(obj) in PUBLIC_MODELS:
        return False
    if isinstance(obj, Company | LevelAssessment):
        # The national registry and its official level assessments: operators read them, other
        # firms do not.
        return role not in OPERATOR_SIDE
    if isinstance(obj, AuditEvent) and obj.operator_id is None and obj.company_id is not None:
        return role not in OPERATOR_SIDE
    if type(obj).__name__ == "SelfDiagnosis":  # operator staff read diagnoses to advise firms
        return role not in OPERATOR_SIDE
    if type(obj).__module__ == "suppliers.models":
        # The supplier registry is national: operator-side staff read every profile; firms see only
        # registered suppliers, and tenant B's supplier here is still under review.
        return type(obj).__name__ != "TechDomain" and role not in OPERATOR_SIDE
    return True


# URLs whose object is tenant B's but whose write the national agency may make: recording an
# official level assessment of any company in the registry.
NATIONAL_AGENCY_WRITES = {"organizations:level-assessment-add"}


def may_change(role, obj, name=None):
    """Roles the table allows to change tenant B's object: the national agency reviews every
    supplier (tenant A's operator in the walk is a national agency), so its admins and staff may
    move a supplier's status and record assessments and reviews; it also records and withdraws
    official level assessments of any company (tenant A's regional centre covers no region of B's,
    so its centre staff may not)."""
    national_agency = {Role.OPERATOR_ADMIN, Role.OPERATOR_STAFF}
    if type(obj).__name__ in {"SupplierProfile", "CapabilityAssessment", "SupplierReview", "LevelAssessment"}:
        return role in national_agency
    if name in NATIONAL_AGENCY_WRITES:
        return role in national_agency
    return False


@pytest.fixture
def world(db):
    """Tenant A holds one user per role; tenant B holds the foreign objects."""
    op_a = factories.make_operator("가운영기관")
    centre_a = factories.make_operator("가센터", kind=Operator.Kind.REGIONAL_CENTRE, region_code="48")
    firms_a = {
        role: factories.make_company("가기업", kind=kind) for role, kind in factories.ROLE_KINDS.items()
    }
    users = {None: None}
    for role in Role.values:
        scope = {}
        if role in COMPANY_SIDE:
            scope = {"company": firms_a[role]}
        elif role == Role.CENTRE_STAFF:
            scope = {"operator": centre_a}
        elif role in OPERATOR_SIDE or role == Role.EVALUATOR:
            scope = {"operator": op_a}
        user = factories.make_member(role, email=f"{role}@tenant-a.kr", **scope)
        if role == Role.PLATFORM_ADMIN:
            user.is_staff = user.is_superuser = True
            user.save()
        users[role] = user

    op_b = factories.make_operator("외부운영기관LEAK", region_code="26")
    company_b = factories.make_company("외부기업LEAK", region_code="26")
    supplier_b = factories.make_company("외부공급LEAK", kind=Company.Kind.SUPPLIER, region_code="26")
    member_b = factories.make_member(
        Role.SME_MEMBER, company=company_b, email="member@tenant-b.kr", full_name="유출검사자"
    )
    admin_b = factories.make_member(
        Role.OPERATOR_ADMIN, operator=op_b, email="admin@tenant-b.kr", full_name="유출관리자"
    )
    services.company_update(member_b, company_b, {"employees": 77}, reason="B edits its own record")
    services.operator_update(admin_b, op_b, {"phone": "051-000-0000"}, reason="B edits its operator")
    foreign = {
        Operator: op_b,
        Company: company_b,
        Membership: Membership.objects.get(user=member_b),
        User: member_b,
        AuditEvent: AuditEvent.objects.filter(operator=op_b).latest("id"),
        Region: Region.objects.get(code="26"),
        KsicDivision: KsicDivision.objects.get(code="C29"),
        Group: Group.objects.create(name="외부그룹"),
        Token: Token.objects.create(user=admin_b),
        ContentType: ContentType.objects.get_for_model(Company),
    }
    foreign[TokenProxy] = TokenProxy.objects.get(pk=foreign[Token].pk)
    registry_event = AuditEvent.objects.filter(company=company_b, operator__isnull=True).latest("id")
    extra = {"supplier_b": supplier_b, "registry_event": registry_event}
    _register_optional_models(foreign, member_b)
    return {"users": users, "foreign": foreign, "extra": extra}


def _register_optional_models(foreign, member_b):
    """Models added by later work get a foreign instance here (the walk fails until they do)."""
    try:
        from organizations.models import Notification
    except ImportError:
        return
    foreign[Notification] = Notification.objects.create(
        recipient=member_b, email=member_b.email, subject="외부 알림LEAK", body="본문"
    )
    _register_programs(foreign, member_b)
    _register_suppliers(foreign)
    _register_level_assessments(foreign, member_b)


def _register_level_assessments(foreign, member_b):
    """Tenant B's company has an official level assessment, recorded by tenant B's operator."""
    import datetime

    foreign[LevelAssessment] = LevelAssessment.objects.create(
        company=foreign[Company],
        assessing_body="외부평가기관LEAK",
        assessed_on=datetime.date(2026, 2, 10),
        level="intermediate_1",
        data_collection_score=71,
        analysis_score=62,
        control_score=40,
        report="organizations/level-reports/leak.pdf",
        report_name="외부결과서LEAK.pdf",
        recorded_by_operator=foreign[Operator],
    )
    _register_applications(foreign, member_b)


def _register_applications(foreign, member_b):
    """Tenant B's submitted application (on B's open call) and everything hanging off it."""
    import datetime

    from django.utils import timezone

    from applications import models as am
    from suppliers.models import SupplierProfile

    # An open call is a public announcement (its operator's name is public), so it belongs to a third
    # operator whose name is not a leak marker; the application on it is still tenant B's firm's own.
    call = factories.make_call(
        factories.make_operator("공개접수기관"), status="open", opens_in_days=-1, closes_in_days=5
    )
    track = factories.make_track(call, "basic")
    application = factories.make_application(
        track, foreign[Company], member_b, supplier=foreign[SupplierProfile], title="외부과제LEAK"
    )
    document = application.documents.first() or factories.make_document(
        application, "business_plan", member_b
    )
    submission = am.Submission.objects.create(
        application=application,
        version=1,
        receipt_number="B-LEAK-000001-01",
        idempotency_key="leak",
        snapshot={"plan": {"title": "외부과제LEAK"}},
        submitted_by=member_b,
        submitted_at=timezone.now(),
    )
    am.Application.objects.filter(pk=application.pk).update(status="submitted", current_version=1)
    run = am.EligibilityRun.objects.create(submission=submission, status="done", outcome="pass")
    clarification = am.Clarification.objects.create(
        application=application,
        operator=foreign[Operator],
        asked_by=member_b,
        subject="외부보완LEAK",
        reply_by=timezone.now() + datetime.timedelta(days=3),
    )
    foreign.update(
        {
            am.Application: application,
            am.Kpi: application.kpis.first(),
            am.ConsortiumMember: application.members.first(),
            am.ApplicationDocument: document,
            am.Submission: submission,
            am.EligibilityRun: run,
            am.EligibilityResult: am.EligibilityResult.objects.create(
                run=run,
                order=0,
                kind="production_facility",
                outcome="pass",
                reason_ko="외부사유LEAK",
                reason_en="x",
            ),
            am.Clarification: clarification,
            am.ClarificationMessage: am.ClarificationMessage.objects.create(
                clarification=clarification, author=member_b, body="외부메시지LEAK"
            ),
            am.SupportNote: am.SupportNote.objects.create(
                application=application,
                operator=foreign[Operator],
                author=member_b,
                given_on=datetime.date(2026, 11, 1),
                body="외부상담LEAK",
            ),
        }
    )
    _register_evaluations(foreign, member_b, submission)


def _register_evaluations(foreign, member_b, submission):
    """Tenant B's evaluation of that submission: pool, plan, committee, sheets, result, decision
    (released to B's firm), matching note, objection and a report. Nothing of it is tenant A's."""
    import datetime
    from decimal import Decimal

    from django.utils import timezone

    from evaluations import models as em
    from suppliers.models import TechDomain

    now = timezone.now()
    call, track = submission.application.call, submission.application.track
    reviewer_b = factories.make_member(
        Role.EVALUATOR, operator=foreign[Operator], email="reviewer@tenant-b.kr", full_name="외부위원LEAK"
    )
    evaluator = em.Evaluator.objects.create(
        operator=call.operator,
        user=reviewer_b,
        name="외부위원LEAK",
        affiliation_kind="university",
        affiliation_name="외부대학LEAK",
        region_id="26",
    )
    plan = em.EvaluationPlan.objects.create(call=call)
    stage = em.Stage.objects.create(plan=plan, kind="technical", order=4, status="closed")
    cost_stage = em.Stage.objects.create(plan=plan, kind="cost_review", order=5, status="scoring")
    criterion = em.Criterion.objects.create(
        stage=stage, code="necessity", name_ko="외부항목LEAK", max_points=100, weight=100
    )
    seat = em.CommitteeSeat.objects.create(
        stage=stage, evaluator=evaluator, status="accepted", invited_by=reviewer_b, pledge_signed_at=now
    )
    draw = em.AssignmentDraw.objects.create(stage=stage, seed="leak", performed_by=reviewer_b)
    assignment = em.Assignment.objects.create(
        stage=stage,
        submission=submission,
        evaluator=evaluator,
        draw=draw,
        status="submitted",
        total=Decimal("80"),
    )
    expertise = em.TrackExpertise.objects.create(track=track)
    expertise.domains.set(TechDomain.objects.all()[:1])
    decision = em.Decision.objects.create(
        plan=plan,
        submission=submission,
        track=track,
        status="selected",
        government_share=50_000_000,
        decided_by=reviewer_b,
        decided_at=now,
        final=True,
        released_at=now,
    )
    foreign.update(
        {
            em.Evaluator: evaluator,
            em.DeclaredInterest: em.DeclaredInterest.objects.create(
                evaluator=evaluator, kind="employer", company=foreign[Company], description="외부관계LEAK"
            ),
            em.EvaluationPlan: plan,
            em.Stage: stage,
            em.Criterion: criterion,
            em.CommitteeSeat: seat,
            em.AssignmentDraw: draw,
            em.Assignment: assignment,
            em.Exclusion: em.Exclusion.objects.create(
                stage=stage,
                submission=submission,
                evaluator=evaluator,
                reason="declared_interest",
                detail="x",
            ),
            em.Score: em.Score.objects.create(
                assignment=assignment, criterion=criterion, points=Decimal("80"), comment="외부의견LEAK"
            ),
            em.StageResult: em.StageResult.objects.create(
                stage=stage,
                submission=submission,
                track=track,
                reviewer_count=1,
                total=Decimal("80"),
                passed=True,
                rank=1,
                computed_at=now,
            ),
            em.CostReview: em.CostReview.objects.create(
                stage=cost_stage,
                submission=submission,
                reviewer_body="외부원가기관LEAK",
                original_lines={"software": 1},
                approved_lines={"software": 1},
                approved_total=100_000_000,
                shares={"lines": [], "sme_share": 50_000_000},
                government_share=50_000_000,
                reviewed_by=reviewer_b,
                reviewed_at=now,
            ),
            em.Decision: decision,
            em.MatchingNote: em.MatchingNote.objects.create(
                decision=decision,
                kind="other_supplier",
                body="외부매칭LEAK",
                respond_by=now + datetime.timedelta(days=3),
                sent_by=reviewer_b,
            ),
            em.Objection: em.Objection.objects.create(
                decision=decision, body="외부이의LEAK", lodged_by=member_b, lodged_at=now
            ),
            em.EvaluationReport: em.EvaluationReport.objects.create(
                plan=plan, kind="committee_report", requested_by=reviewer_b
            ),
            em.TrackExpertise: expertise,
        }
    )
    _register_monitoring(foreign, member_b, submission, decision)


def _register_monitoring(foreign, member_b, submission, decision):
    """Tenant B's project from that selection: agreement, a party, tranches and a milestone."""
    import datetime

    from django.utils import timezone

    from monitoring import models as mm

    project = mm.Project.objects.create(
        submission=submission,
        call=submission.application.call,
        lead=foreign[Company],
        region_id="26",
        title="외부과제LEAK",
        starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2027, 7, 1),
        total_cost=100_000_000,
        government_share=decision.government_share,
        created_by=member_b,
    )
    agreement = mm.Agreement.objects.create(
        project=project, version=1, terms={"parties": []}, issued_by=member_b, issued_at=timezone.now()
    )
    foreign.update(
        {
            mm.Project: project,
            mm.Agreement: agreement,
            mm.AgreementParty: mm.AgreementParty.objects.create(
                agreement=agreement, role="lead", company=foreign[Company], name="외부당사자LEAK"
            ),
            mm.Tranche: mm.Tranche.objects.create(
                project=project, order=1, kind="advance", amount=35_000_000
            ),
            mm.Milestone: mm.Milestone.objects.create(
                project=project, name="외부일정LEAK", planned_on=datetime.date(2027, 3, 1)
            ),
            mm.ProgressReport: mm.ProgressReport.objects.create(
                project=project,
                reporter_role="lead",
                period_end=datetime.date(2027, 1, 31),
                percent_complete=20,
                spent=10_000_000,
                work_done="외부진척LEAK",
                evidence="projects/leak/evidence/leak.pdf",
                evidence_name="외부증빙LEAK.pdf",
                submitted_by=member_b,
                submitted_at=timezone.now(),
            ),
            mm.SiteVisit: mm.SiteVisit.objects.create(
                project=project,
                operator=foreign[Operator],
                visited_on=datetime.date(2027, 2, 10),
                findings="외부방문LEAK",
                photo="projects/leak/evidence/leak.png",
                photo_name="외부사진LEAK.png",
                recorded_by=member_b,
            ),
        }
    )
    for part in walk_parts.modules():
        part.register(foreign, member_b, project)


def _register_suppliers(foreign):
    """Tenant B's supplier, submitted for review: hidden from firms, read by operator staff."""
    import datetime

    from suppliers import models as sm
    from suppliers.services import rerate

    profile = factories.make_supplier(
        "외부공급사LEAK",
        status="submitted",
        region_code="26",
        solutions=[("외부솔루션LEAK", "mes", "cloud", ["basic"])],
        cases=[("외부사례LEAK", "C29", "26", 2024, 120_000_000, "basic")],
        certifications=[("iso9001", datetime.date(2027, 1, 1))],
    )
    op_b = foreign[Operator]
    foreign.update(
        {
            sm.SupplierProfile: profile,
            sm.TechDomain: sm.TechDomain.objects.get(code="mes"),
            sm.Solution: profile.solutions.get(),
            sm.Certification: profile.certifications.get(),
            sm.ImplementationCase: profile.cases.get(),
            sm.SupplierDocument: sm.SupplierDocument.objects.create(
                profile=profile,
                kind="brochure",
                file="suppliers/documents/leak.pdf",
                original_name="외부서류LEAK.pdf",
            ),
            sm.CapabilityAssessment: sm.CapabilityAssessment.objects.create(
                profile=profile,
                operator=op_b,
                assessor="외부평가자",
                assessed_on=datetime.date(2026, 1, 5),
                management=70,
                technology=80,
                project_management=75,
            ),
            sm.SupplierReview: sm.SupplierReview.objects.create(
                profile=profile, project_reference="B-2025-001", score=4, comment="외부평가LEAK"
            ),
        }
    )
    rerate(profile.pk)


def _register_programs(foreign, member_b):
    """Tenant B's draft call (hidden from everyone else) and everything hanging off it."""
    from programs import models as pm
    from programs.diagnosis import QUESTIONS

    op_b, company_b = foreign[Operator], foreign[Company]
    programme = factories.make_programme(op_b, name_ko="외부사업LEAK")
    call = factories.make_call(op_b, programme=programme, title_ko="외부공고LEAK")
    track = factories.make_track(call, "basic", name_ko="외부유형LEAK")
    quote = pm.FundingQuote.objects.create(
        track=track,
        company=company_b,
        label="외부견적LEAK",
        total_cost=10_000_000,
        region_id="26",
        shares=[],
        sme_share=5_000_000,
        template_version=1,
        computed_at=call.opens_at,
    )
    foreign.update(
        {
            pm.Programme: programme,
            pm.Call: call,
            pm.Track: track,
            pm.Funder: track.funders.get(),
            pm.RequiredDocument: pm.RequiredDocument.objects.create(call=call, kind="business_plan"),
            pm.EligibilityRule: pm.EligibilityRule.objects.create(call=call, kind="production_facility"),
            pm.FundingQuote: quote,
            pm.FundingQuoteRevision: pm.FundingQuoteRevision.objects.create(
                quote=quote,
                from_version=1,
                to_version=2,
                old_shares=[],
                new_shares=[],
                old_sme_share=5_000_000,
                new_sme_share=4_000_000,
            ),
            pm.SelfDiagnosis: pm.SelfDiagnosis.objects.create(
                company=company_b,
                submitted_by=member_b,
                score=40,
                estimated_level="basic",
                answers={q.code: q.choices[0].value for q in QUESTIONS},
            ),
            pm.SavedSearch: pm.SavedSearch.objects.create(user=member_b, name="외부검색LEAK", criteria={}),
            pm.CallWatch: pm.CallWatch.objects.create(user=member_b, call=call),
        }
    )


def iter_patterns(patterns=None, prefix="", namespace="", keys=()):
    for p in get_resolver().url_patterns if patterns is None else patterns:
        pkeys = tuple(keys) + tuple(_pattern_keys(p.pattern))
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from iter_patterns(p.url_patterns, prefix + str(p.pattern), ns, pkeys)
        elif isinstance(p, URLPattern):
            yield p, (f"{namespace}{p.name}" if p.name else None), pkeys, prefix + str(p.pattern)


def _pattern_keys(pattern):
    converters = getattr(pattern, "converters", None)
    if converters:
        return list(converters)
    regex = getattr(pattern, "regex", None)
    return list(regex.groupindex) if regex is not None else []


def model_of(pattern, name):
    cb = pattern.callback
    if name in MODEL_FOR_URL:
        return MODEL_FOR_URL[name]
    if getattr(cb, "model_admin", None) is not None:
        return cb.model_admin.model
    for holder in (getattr(cb, "cls", None), getattr(cb, "view_class", None)):
        if holder is None:
            continue
        if getattr(holder, "model", None) is not None:
            return holder.model
        qs = getattr(holder, "queryset", None)
        if qs is not None:
            return qs.model
    return getattr(cb, "sfms_model", None)


def _body(response):
    """The answer's text, whole: downloads (FileResponse) stream their content."""
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return data.decode("utf-8", "replace")


def _is_login_redirect(response):
    return response.status_code in {301, 302} and "login" in response.get("Location", "")


def _state(obj):
    model = type(obj)
    row = model._base_manager.filter(pk=obj.pk).first()
    return audit.snapshot(row) if row else None


def _totals():
    return tuple(m.objects.count() for m in (Company, Operator, Membership, User, AuditEvent))


def _markers(world, role):
    names = []
    f = world["foreign"]
    for obj, text in [
        (f[Operator], f[Operator].name_ko),
        (f[Company], f[Company].name),
        (f[Company], f[Company].business_number),
        (f[User], f[User].full_name),
        *_programs_markers(f),
        (f[LevelAssessment], "외부평가기관LEAK"),
        (f[LevelAssessment], "외부결과서LEAK"),
    ]:
        if isinstance(obj, User):  # an editor's name shows in the registry's audit trail
            obj = world["extra"]["registry_event"]
        if hidden_from(role, obj):
            names.append(text)
    return names


def _programs_markers(foreign):
    from programs import models as pm

    return [
        (foreign[pm.Call], "외부공고LEAK"),
        (foreign[pm.Programme], "외부사업LEAK"),
        (foreign[pm.Track], "외부유형LEAK"),
        (foreign[pm.FundingQuote], "외부견적LEAK"),
        (foreign[pm.SavedSearch], "외부검색LEAK"),
        *_suppliers_markers(foreign),
    ]


def _suppliers_markers(foreign):
    from suppliers import models as sm

    return [
        (foreign[sm.SupplierProfile], "외부공급사LEAK"),
        (foreign[sm.Solution], "외부솔루션LEAK"),
        (foreign[sm.ImplementationCase], "외부사례LEAK"),
        (foreign[sm.SupplierDocument], "외부서류LEAK"),
        *_applications_markers(foreign),
    ]


def _applications_markers(foreign):
    from applications import models as am

    return [
        (foreign[am.Application], "외부과제LEAK"),
        (foreign[am.Clarification], "외부보완LEAK"),
        (foreign[am.ClarificationMessage], "외부메시지LEAK"),
        (foreign[am.SupportNote], "외부상담LEAK"),
        *_evaluations_markers(foreign),
    ]


def _evaluations_markers(foreign):
    from evaluations import models as em

    return [
        (foreign[em.Evaluator], "외부위원LEAK"),
        (foreign[em.Evaluator], "외부대학LEAK"),
        (foreign[em.DeclaredInterest], "외부관계LEAK"),
        (foreign[em.Criterion], "외부항목LEAK"),
        (foreign[em.Score], "외부의견LEAK"),
        (foreign[em.CostReview], "외부원가기관LEAK"),
        (foreign[em.MatchingNote], "외부매칭LEAK"),
        (foreign[em.Objection], "외부이의LEAK"),
        *_monitoring_markers(foreign),
    ]


def _monitoring_markers(foreign):
    from monitoring import models as mm

    return [
        (foreign[mm.AgreementParty], "외부당사자LEAK"),
        (foreign[mm.Milestone], "외부일정LEAK"),
        (foreign[mm.ProgressReport], "외부진척LEAK"),
        (foreign[mm.SiteVisit], "외부방문LEAK"),
        *[pair for part in walk_parts.modules() for pair in part.markers(foreign)],
    ]


def _walk_targets(world):
    """Every URL the walk can build: (url, name, foreign object or None, model or None), and the
    problems found on the way (patterns it cannot tie to a model or reverse)."""
    targets, problems = [], []
    for pattern, name, keys, route in iter_patterns():
        if name is None and route.startswith("admin/"):
            continue  # admin's unnamed patterns only redirect to its named ones
        if name is None:
            problems.append(f"unnamed URL pattern {route!r}: name it so the walk can reverse it")
            continue
        object_keys = [k for k in keys if k not in NON_OBJECT_KWARGS]
        model = model_of(pattern, name) if object_keys else None
        if object_keys and model is None:
            problems.append(
                f"{name}: cannot tell which model {object_keys} refers to; set view.model or MODEL_FOR_URL"
            )
            continue
        if object_keys and model not in world["foreign"]:
            problems.append(f"{name}: no foreign {model.__name__} in the walk's world; add one")
            continue
        obj = world["foreign"].get(model) if model else None
        kwargs = {}
        for k in keys:
            if k in object_keys:
                kwargs[k] = obj.pk
            elif k == "app_label":
                kwargs[k] = "organizations"
            elif k == "content_type_id":
                kwargs[k] = ContentType.objects.get_for_model(Company).pk
            elif k == "uidb64":
                kwargs[k] = "MQ"
            elif k == "token":
                kwargs[k] = "set-password"
            elif k in {"kind"}:
                kwargs[k] = Company.Kind.MANUFACTURER
            else:
                kwargs = None
                break
        if kwargs is None:
            continue
        try:
            url = reverse(name, kwargs=kwargs)
        except Exception as exc:  # a pattern we cannot build is a problem to fix, not to skip
            problems.append(f"{name}: cannot reverse with {kwargs}: {exc}")
            continue
        targets.append((url, name, obj, model))
    return targets, problems


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role or "anonymous")
def test_every_url_as_every_role_against_foreign_objects(world, client, role):
    """One test per role (each well inside the per-test time limit), logged in once for its walk."""
    client.raise_request_exception = False  # a 500 is recorded as a problem, and the walk goes on
    targets, problems = _walk_targets(world)
    tried, object_urls = 0, sum(1 for _, _, obj, _ in targets if obj is not None)
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    markers = _markers(world, role)
    for url, name, obj, model in targets:
        if user is not None and ("logout" in name or "password" in name):
            client.force_login(user)  # the previous URL may have ended the session
        # Safe method: nothing hidden is shown.
        tried += 1
        response = client.get(url)
        body = _body(response) if response.status_code == 200 else ""
        if response.status_code >= 500:
            problems.append(f"GET {url} as {role}: server error {response.status_code}")
        denied = response.status_code in DENIED or _is_login_redirect(response)
        if obj is not None and hidden_from(role, obj) and not denied:
            problems.append(f"GET {url} as {role}: {response.status_code}, expected 403/404")
        for marker in markers:
            if marker and marker in body:
                problems.append(f"GET {url} as {role}: shows foreign {marker!r}")
        if body and model is None and response.get("Content-Type", "").startswith("application/json"):
            problems += _foreign_ids_in_list(world, role, url, body)
        # Unsafe methods: a foreign object is never changed, whatever the answer.
        if obj is None and not url.startswith("/api/"):
            continue
        for method in UNSAFE:
            if obj is None and method != "post":
                continue
            if role == Role.PLATFORM_ADMIN or (obj is not None and may_change(role, obj, name)):
                continue
            before_state, before_totals = (_state(obj) if obj else None), _totals()
            tried += 1
            payload = {"name": "HACKED", "name_ko": "HACKED", "reason": "walk", "employees": 1}
            response = getattr(client, method)(url, data=json.dumps(payload), content_type="application/json")
            if response.status_code >= 500:
                problems.append(f"{method.upper()} {url} as {role}: server error {response.status_code}")
            if obj is not None and not (response.status_code in DENIED or _is_login_redirect(response)):
                problems.append(f"{method.upper()} {url} as {role}: {response.status_code}, expected denial")
            if obj is not None and _state(obj) != before_state:
                problems.append(f"{method.upper()} {url} as {role}: changed the foreign object")
            if obj is not None and _totals() != before_totals:
                problems.append(
                    f"{method.upper()} {url} as {role}: changed row counts {before_totals}->{_totals()}"
                )
        if user is not None and ("logout" in name or "password" in name):
            client.force_login(user)
    print(f"\naccess walk as {role or 'anonymous'}: {tried} requests over {object_urls} object URLs")
    assert tried > 100, "the walk found too few URLs: is the URL resolver walk broken?"
    assert not problems, "\n".join(problems)


def _foreign_ids_in_list(world, role, url, body):
    """A JSON list from the API must not carry a hidden foreign object's id."""
    from django.urls import resolve

    match = resolve(url.split("?")[0])
    model = model_of(match, match.view_name) if hasattr(match, "callback") else None
    cls = getattr(match.func, "cls", None)
    if cls is not None and getattr(cls, "model", None):
        model = cls.model
    elif cls is not None and getattr(cls, "queryset", None) is not None:
        model = cls.queryset.model
    if model is None or model not in world["foreign"]:
        return []
    obj = world["foreign"][model]
    if not hidden_from(role, obj):
        return []
    data = json.loads(body)
    rows = data.get("results", data) if isinstance(data, dict) else data
    if isinstance(rows, list) and any(isinstance(r, dict) and r.get("id") == obj.pk for r in rows):
        return [f"GET {url} as {role}: lists foreign {model.__name__} id={obj.pk}"]
    return []


def test_expectation_table_matches_the_policy(world):
    """The querysets implement the table: hidden objects are outside visible_to, the rest inside."""
    problems = []
    for role in ROLES:
        user = world["users"][role]
        for model, obj in world["foreign"].items():
            manager = model._default_manager
            if not hasattr(manager, "visible_to"):
                continue
            visible = manager.visible_to(user).filter(pk=obj.pk).exists()
            expected_hidden = True if role is None else hidden_from(role, obj)
            if visible == expected_hidden:
                problems.append(f"{model.__name__} {obj.pk} as {role}: visible={visible}")
    assert not problems, "\n".join(problems)
