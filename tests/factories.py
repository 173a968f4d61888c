"""Plain factory functions: explicit arguments, no hidden randomness beyond a counter."""

import itertools

from organizations.models import Company, KsicDivision, Membership, Operator, Region, Role, User
from organizations.rules import complete_business_number

_seq = itertools.count(1)

PASSWORD = "Sfms-test-password-2026"


def next_business_number():
    """Unique for two million calls; the serial part must stay within four digits."""
    n = next(_seq)
    return complete_business_number(f"{700 + n % 200:03d}86{(n // 200) % 9999 + 1:04d}")


def make_operator(name="테스트 운영기관", kind=Operator.Kind.NATIONAL_AGENCY, region_code="11", **extra):
    n = next(_seq)
    return Operator.objects.create(
        code=f"op-{n}", kind=kind, name_ko=f"{name} {n}", region=Region.objects.get(code=region_code), **extra
    )


def make_company(name="테스트기업", kind=Company.Kind.MANUFACTURER, region_code="41", ksic="C29", **extra):
    n = next(_seq)
    defaults = dict(
        kind=kind,
        business_number=next_business_number(),
        name=f"{name} {n}",
        representative="홍길동",
        ksic_division=KsicDivision.objects.get(code=ksic) if ksic else None,
        region=Region.objects.get(code=region_code),
        address="경상남도 창원시 성산구 중앙대로 100",
        employees=42,
        annual_revenue=12_300_000_000,
        has_production_facility=kind == Company.Kind.MANUFACTURER,
    )
    defaults.update(extra)
    return Company.objects.create(**defaults)


def make_user(email=None, full_name="테스트 사용자", **extra):
    email = email or f"user{next(_seq)}@example.kr"
    return User.objects.create_user(email=email, password=PASSWORD, full_name=full_name, **extra)


def make_member(role, *, company=None, operator=None, email=None, **user_extra):
    """A user holding one role in a company or an operator."""
    user = make_user(email=email, **user_extra)
    Membership.objects.create(user=user, role=role, company=company, operator=operator)
    return user


ROLE_KINDS = {
    Role.SME_MEMBER: Company.Kind.MANUFACTURER,
    Role.SUPPLIER_MEMBER: Company.Kind.SUPPLIER,
    Role.LARGE_FIRM_MEMBER: Company.Kind.LARGE_FIRM,
}


# --- programs ------------------------------------------------------------------------------------


def make_programme(operator, *, fiscal_year=2026, budget=10_000_000_000, **extra):
    from programs.models import Programme, ProgrammeType

    defaults = dict(
        name_ko=f"스마트공장 구축 지원사업 {next(_seq)}", programme_type=ProgrammeType.CONSTRUCTION
    )
    defaults.update(extra)
    return Programme.objects.create(operator=operator, fiscal_year=fiscal_year, budget=budget, **defaults)


def make_call(operator, *, programme=None, status="draft", opens_in_days=1, closes_in_days=30, **extra):
    """A call with no tracks; its dates count from now (negative days lie in the past)."""
    import datetime

    from django.utils import timezone

    from programs.models import Call

    programme = programme or make_programme(operator)
    now = timezone.now().replace(second=0, microsecond=0)
    n = next(_seq)
    defaults = dict(
        reference=f"T-{n:05d}",
        title_ko=f"2026년 스마트공장 구축 지원 공고 {n}",
        title_en=f"2026 smart factory call {n}",
        body_ko="제조 중소기업의 스마트공장 구축을 지원합니다.",
        body_en="Support for manufacturing SMEs building smart factories.",
        opens_at=now + datetime.timedelta(days=opens_in_days),
        closes_at=now + datetime.timedelta(days=closes_in_days),
        total_budget=1_000_000_000,
        status=status,
    )
    defaults.update(extra)
    return Call.objects.create(programme=programme, operator=operator, **defaults)


def make_track(
    call, level="basic", *, funders=(("central_government", "0.5", 50_000_000),), bonus_regions=(), **extra
):
    """A track whose template is `funders`: (role, rate, cap[, bonus_rate[, bonus_cap]]) tuples."""
    from decimal import Decimal

    from programs.models import Funder, Track

    track = Track.objects.create(call=call, level=level, **extra)
    for order, spec in enumerate(funders):
        role, rate, cap, *rest = spec
        Funder.objects.create(
            track=track,
            role=role,
            rate=Decimal(rate),
            cap=cap,
            bonus_rate=Decimal(rest[0]) if rest and rest[0] is not None else None,
            bonus_cap=rest[1] if len(rest) > 1 else None,
            order=order,
        )
    if bonus_regions:
        track.bonus_regions.set(bonus_regions)
    return track


# --- suppliers -----------------------------------------------------------------------------------


def make_supplier(
    name="스마트솔루션",
    *,
    status="registered",
    region_code="48",
    domains=("mes",),
    solutions=(),
    cases=(),
    certifications=(),
    introduction="스마트공장 MES 구축 전문기업입니다.",
    **company_extra,
):
    """A supplier company with its profile and offering, indexed for search.

    solutions: (name, domain code, deployment, levels) tuples; cases: (title, ksic, region, year,
    amount, level) tuples; certifications: (kind, valid_until date or None) tuples."""
    from suppliers import services as supplier_services
    from suppliers.models import Certification, ImplementationCase, Solution, SupplierProfile

    company = make_company(
        name, kind=Company.Kind.SUPPLIER, region_code=region_code, ksic=None, **company_extra
    )
    profile = SupplierProfile.objects.create(
        company=company,
        status=status,
        introduction_ko=introduction,
        contact_name="김담당",
        contact_phone="055-123-4567",
        contact_email="sales@example.kr",
    )
    profile.domains.set(domains)
    for sname, domain, deployment, levels in solutions:
        Solution.objects.create(
            profile=profile, name=sname, domain_id=domain, deployment=deployment, levels=list(levels)
        )
    for title, ksic, region, year, amount, level in cases:
        ImplementationCase.objects.create(
            profile=profile,
            title=title,
            client_sector_id=ksic,
            client_region_id=region,
            year=year,
            amount=amount,
            level=level,
        )
    for n, (kind, valid_until) in enumerate(certifications):
        Certification.objects.create(
            profile=profile,
            kind=kind,
            issuer="발급기관",
            number=f"C-{next(_seq)}-{n}",
            valid_until=valid_until,
        )
    supplier_services.reindex(profile.pk)
    profile.refresh_from_db()
    return profile


# --- applications --------------------------------------------------------------------------------

PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

READY_PLAN = dict(
    title="MES 기반 용접 공정 품질 데이터 수집",
    summary="용접 라인 3개에 MES와 센서를 연결해 불량을 실시간으로 잡습니다.",
    existing_systems="ERP(더존 iCUBE), 설비 PLC 12대",
    integration_plan="ERP 작업지시를 MES로 받아 실적을 되돌려 보냅니다.",
    data_plan="용접 전류·전압을 1초 단위로 수집해 불량 예측에 씁니다.",
    expected_return="불량률 절반, 리드타임 20% 단축",
    duration_months=6,
)
READY_BUDGET = dict(
    total_cost=100_000_000,
    budget_software=40_000_000,
    budget_hardware=30_000_000,
    budget_integration=20_000_000,
    budget_consulting=10_000_000,
    budget_other=0,
)
ALL_DECLARATIONS = {
    "no_tax_arrears": True,
    "no_sanctions": True,
    "not_closed": True,
    "no_financial_default": True,
    "prior_supports": [],
}


def make_required_documents(
    call, kinds=("business_plan", "financial_statements"), advancement=("level_assessment",)
):
    from programs.models import RequiredDocument

    for order, kind in enumerate(kinds):
        RequiredDocument.objects.create(call=call, kind=kind, order=order)
    for order, kind in enumerate(advancement, start=len(kinds)):
        RequiredDocument.objects.create(call=call, kind=kind, advancement_only=True, order=order)


def make_document(application, kind, user, *, content=PDF_BYTES, name=None):
    import hashlib

    from django.core.files.base import ContentFile

    from applications.models import ApplicationDocument

    n = next(_seq)
    document = ApplicationDocument(
        application=application,
        kind=kind,
        original_name=name or f"{kind}.pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=user,
    )
    document.file.save(f"{n:06d}-test.pdf", ContentFile(content), save=False)
    document.save()
    return document


def make_application(track, lead, user, *, ready=True, supplier=None, supplier_status="accepted", **extra):
    """A draft for `track` led by `lead`, written through the ORM. ready=True fills every section so
    it can be submitted: plan, budget adding up, KPIs, an accepted supplier, the call's documents."""
    from decimal import Decimal

    from applications.models import REQUIRED_KPIS, Application, ConsortiumMember, Kpi

    fields = {**READY_PLAN, **READY_BUDGET, "declarations": dict(ALL_DECLARATIONS)} if ready else {}
    fields.update(extra)
    application = Application.objects.create(
        call=track.call, track=track, lead=lead, created_by=user, **fields
    )
    for order, (code, unit) in enumerate(REQUIRED_KPIS):
        values = dict(baseline=Decimal("4.5"), target=Decimal("2.0")) if ready else {}
        Kpi.objects.create(application=application, code=code, unit=str(unit), order=order, **values)
    if ready:
        supplier = supplier or make_supplier()
        ConsortiumMember.objects.create(
            application=application,
            company=supplier.company,
            role="supplier",
            status=supplier_status,
            invited_by=user,
        )
        for required in track.call.required_documents.all():
            if required.advancement_only and track.level == "basic":
                continue
            make_document(application, required.kind, user)
    return application


# --- evaluations ---------------------------------------------------------------------------------


def make_submitted(track, lead=None, *, user=None, supplier=None, members=(), **extra):
    """A submitted application whose eligibility check has run (pass with the default rules).

    `members`: extra (company, role) pairs joined as accepted consortium members before submission.
    """
    from applications import services as app_services
    from applications.models import ConsortiumMember, EligibilityRun

    lead = lead or make_company(f"신청기업{next(_seq)}")
    user = user or make_member(Role.SME_MEMBER, company=lead)
    application = make_application(track, lead, user, supplier=supplier, **extra)
    for company, role in members:
        ConsortiumMember.objects.create(
            application=application, company=company, role=role, status="accepted", invited_by=user
        )
    submission, _created = app_services.application_submit(user, application)
    for run in EligibilityRun.objects.unrestricted().filter(submission=submission):
        app_services.eligibility_run(run.pk)
    return submission


def make_evaluator(
    operator,
    name="평가위원",
    *,
    company=None,
    kind="university",
    domains=(),
    confirmed=True,
    email=None,
    **extra,
):
    """An evaluator in `operator`'s pool with a login, interests confirmed for a year unless told."""
    import datetime

    from django.utils import timezone

    from evaluations.models import Evaluator

    user = make_member(Role.EVALUATOR, operator=operator, full_name=name, email=email)
    evaluator = Evaluator.objects.create(
        operator=operator,
        user=user,
        name=name,
        affiliation_kind="company" if company is not None and kind == "university" else kind,
        affiliation_name=company.name if company is not None else "한국공과대학교",
        affiliation_company=company,
        region_id="11",
        interests_confirmed_at=timezone.now() if confirmed else None,
        interests_valid_until=(timezone.localdate() + datetime.timedelta(days=365)) if confirmed else None,
        **extra,
    )
    if domains:
        evaluator.domains.set(domains)
    return evaluator


def seat(stage, evaluator, *, by, pledge=True):
    """An accepted committee seat (pledge signed unless told), through the services."""
    from evaluations import services as ev

    s = ev.seat_invite(by, stage, evaluator)
    s = ev.seat_respond(evaluator.user, s, accept=True)
    if pledge:
        s = ev.pledge_sign(evaluator.user, s, agree=True)
    return s


def make_project(
    *, operator=None, region_code="41", starts_days_ago=40, in_force=True, share=50_000_000, lead_name=None
):
    """A project from a selected, confirmed and released Basic-track submission, made by the call's
    staff. With `in_force` every party has accepted the agreement, so the project is in progress.

    Returns a namespace: project, operator, staff, lead, lead_user, supplier (profile), supplier_user.
    """
    import datetime
    from types import SimpleNamespace

    from django.utils import timezone

    from evaluations.models import Decision, EvaluationPlan
    from monitoring import services as monitoring_services

    operator = operator or make_operator(f"운영기관{next(_seq)}")
    staff = make_member(Role.OPERATOR_STAFF, operator=operator)
    call = make_call(operator, status="open", opens_in_days=-1, closes_in_days=10)
    track = make_track(call, "basic")
    lead = make_company(lead_name or f"도입기업{next(_seq)}", region_code=region_code)
    lead_user = make_member(Role.SME_MEMBER, company=lead)
    supplier = make_supplier(f"공급기업{next(_seq)}")
    supplier_user = make_member(Role.SUPPLIER_MEMBER, company=supplier.company)
    submission = make_submitted(track, lead, user=lead_user, supplier=supplier)
    now = timezone.now()
    decision = Decision.objects.create(
        plan=EvaluationPlan.objects.get_or_create(call=call)[0],
        submission=submission,
        track=track,
        status="selected",
        government_share=share,
        decided_by=staff,
        decided_at=now,
        final=True,
        finalised_at=now,
        released_at=now,
    )
    starts_on = timezone.localdate() - datetime.timedelta(days=starts_days_ago)
    project = monitoring_services.project_create(staff, decision, starts_on=starts_on)
    if in_force:
        users = {"operator": staff, "lead": lead_user, "supplier": supplier_user}
        for party in project.agreements.get().parties.all():
            monitoring_services.agreement_accept(users[party.role], party, ip="203.0.113.7")
        project.refresh_from_db()
    return SimpleNamespace(
        project=project,
        operator=operator,
        staff=staff,
        call=call,
        lead=lead,
        lead_user=lead_user,
        supplier=supplier,
        supplier_user=supplier_user,
    )
