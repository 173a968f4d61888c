"""Demo suppliers for `manage.py seed_demo`: the demo supplier login's company (스마트솔루션즈) with a
registered profile, and generated suppliers up to 300 in all (fixed seed). Idempotent: a profile
that exists is left alone and nothing is generated once 300 suppliers exist. The other demo
supplier (다온오토메이션) is left without a profile, to show registration and approval from the start."""

import datetime

from django.db import transaction
from django.utils import timezone

from organizations import audit
from organizations.models import Company, Operator
from organizations.rules import complete_business_number

from . import services
from .generate import generate_suppliers
from .models import (
    CapabilityAssessment,
    Certification,
    ImplementationCase,
    Solution,
    SupplierProfile,
    SupplierReview,
    SupplierStatus,
)

TARGET = 300
SEED = 20260
DEMO_SUPPLIER = "220864455"  # first nine digits, as in organizations.demo
DEMO_CUSTOMER = "608861234"  # 한빛정밀, the demo SME
M = 1_000_000

SOLUTIONS = [
    # name, domain, deployment, levels, price range (million won), description
    (
        "스마트 MES 클라우드",
        "mes",
        "cloud",
        ["basic", "intermediate_1"],
        (30, 120),
        "작업지시부터 생산실적, 설비 가동까지 한 화면에서 관리하는 구독형 MES",
    ),
    (
        "설비 데이터 수집 게이트웨이",
        "iot",
        "on_premise",
        ["basic", "intermediate_1", "intermediate_2"],
        (15, 60),
        "노후 설비에서도 가동 신호와 전류를 수집하는 IoT 게이트웨이",
    ),
    (
        "설비 예지보전 AI",
        "ai",
        "hybrid",
        ["intermediate_2", "advanced"],
        (80, 300),
        "진동과 전류 데이터로 설비 고장을 미리 알려 주는 AI",
    ),
]
CASES = [
    # title, sector, client region, year, amount (million won), level, outcome
    (
        "정밀가공 공장 MES 구축",
        "C29",
        "48",
        2023,
        180,
        "intermediate_1",
        "불량률 27% 감소, 리드타임 18% 단축",
    ),
    (
        "자동차부품 공장 설비 데이터 수집 구축",
        "C30",
        "48",
        2024,
        95,
        "basic",
        "설비 가동률 12% 향상, 비가동 원인 기록 자동화",
    ),
    ("식품 공장 생산관리 시스템 구축", "C10", "36", 2022, 60, "basic", "생산 실적 집계 시간 80% 단축"),
    (
        "금속가공 공장 설비 예지보전 AI 도입",
        "C25",
        "26",
        2025,
        320,
        "intermediate_2",
        "돌발 고장 41% 감소, 보전 비용 15% 절감",
    ),
]
CERTIFICATIONS = [
    # kind, issuer, number, days valid from today (None: no expiry)
    ("venture", "중소벤처기업부", "V-2024-118204", 500),
    ("innobiz", "중소벤처기업부", "INNO-2023-004512", 800),
    ("research_institute", "한국산업기술진흥협회", "RI-2019-001877", None),
]


def _demo_supplier_profile(today):
    """The registered profile of the demo supplier login's company; None if it exists or the
    company does not."""
    company = (
        Company.objects.unrestricted()
        .filter(business_number=complete_business_number(DEMO_SUPPLIER), kind=Company.Kind.SUPPLIER)
        .first()
    )
    if company is None or SupplierProfile.objects.unrestricted().filter(company=company).exists():
        return None
    kosmo = Operator.objects.unrestricted().filter(code="kosmo").first()
    now = timezone.now()
    profile = SupplierProfile.objects.create(
        company=company,
        status=SupplierStatus.REGISTERED,
        introduction_ko=(
            "스마트솔루션즈는 MES, 설비 데이터 수집, 예지보전 AI를 함께 공급하는 스마트공장 전문기업입니다. "
            "기초 단계의 실적 관리부터 고도화 단계의 AI 분석까지 단계별로 구축합니다."
        ),
        introduction_en=(
            "Smart Solutions supplies MES, machine data collection and predictive-maintenance AI, "
            "from basic production tracking to advanced analytics."
        ),
        contact_name="최유진",
        contact_phone="02-2038-4455",
        contact_email="supplier@demo.sfms.kr",
        homepage="https://smartsolutions.example.kr",
        reviewed_by=kosmo,
        submitted_at=now - datetime.timedelta(days=60),
        registered_at=now - datetime.timedelta(days=45),
    )
    profile.domains.set(["mes", "iot", "ai"])
    for name, domain, deployment, levels, (low, high), description in SOLUTIONS:
        Solution.objects.create(
            profile=profile,
            name=name,
            domain_id=domain,
            deployment=deployment,
            levels=levels,
            price_min=low * M,
            price_max=high * M,
            description=description,
        )
    for title, sector, region, year, amount, level, outcome in CASES:
        ImplementationCase.objects.create(
            profile=profile,
            title=title,
            client_sector_id=sector,
            client_region_id=region,
            year=year,
            amount=amount * M,
            level=level,
            outcome=outcome,
        )
    for kind, issuer, number, days in CERTIFICATIONS:
        Certification.objects.create(
            profile=profile,
            kind=kind,
            issuer=issuer,
            number=number,
            valid_until=None if days is None else today + datetime.timedelta(days=days),
        )
    if kosmo is not None:
        CapabilityAssessment.objects.create(
            profile=profile,
            operator=kosmo,
            assessor="김도윤",
            assessed_on=today - datetime.timedelta(days=50),
            management=84,
            technology=91,
            project_management=86,
            notes="등록 심사 시 역량 평가",
        )
    customer = (
        Company.objects.unrestricted().filter(business_number=complete_business_number(DEMO_CUSTOMER)).first()
    )
    SupplierReview.objects.create(
        profile=profile,
        reviewer_company=customer,
        project_reference="2024-kosmo-0117",
        score=5,
        comment="일정대로 구축했고 교육이 충실했습니다.",
    )
    services.reindex(profile.pk)
    services.rerate(profile.pk)
    audit.record_create(None, profile, reason="seed_demo")
    return profile


@transaction.atomic
def seed_demo():
    """Returns the number of supplier profiles created."""
    created = 1 if _demo_supplier_profile(timezone.localdate()) is not None else 0
    missing = TARGET - SupplierProfile.objects.unrestricted().count()
    if missing > 0:
        created += len(generate_suppliers(missing, seed=SEED))
    return created
