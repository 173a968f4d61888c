"""Demo programmes and calls for `manage.py seed_demo`: one of each delivery model of the design
table, the 2026 level caps with the 70% regional Advanced rate, and calls in several states.
Idempotent: a call whose reference exists is left alone. Dates count from today so the demo
always has an open call."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from organizations import audit
from organizations.models import KsicDivision, Operator, Region

from . import eligibility
from .models import (
    Call,
    CallStatus,
    DeliveryModel,
    DocumentKind,
    EligibilityRule,
    Funder,
    Programme,
    ProgrammeType,
    RequiredDocument,
    Track,
)

SEOUL = ZoneInfo("Asia/Seoul")
BONUS_REGIONS = ("46", "47", "52")  # 전남, 경북, 전북: designated regions in the demo
M = 1_000_000

STANDARD_TRACKS = [
    # level, name, minimum level, fast track, months, projects, funders (role, rate, cap, bonus rate)
    ("basic", "", "none", False, 6, 120, [("central_government", "0.5", 50 * M, None)]),
    ("intermediate_1", "", "basic", True, 9, 80, [("central_government", "0.5", 100 * M, None)]),
    ("intermediate_2", "", "intermediate_1", False, 9, 40, [("central_government", "0.5", 150 * M, None)]),
    ("advanced", "", "intermediate_2", False, 12, 20, [("central_government", "0.5", 200 * M, "0.7")]),
]
WIN_WIN_TRACKS = [
    (
        "basic",
        "상생형 기초",
        "none",
        False,
        6,
        30,
        [("central_government", "0.3", 42 * M, None), ("large_firm", "0.3", None, None)],
    ),
]
LOCAL_TRACKS = [
    (
        "basic",
        "기초형",
        "none",
        False,
        6,
        25,
        [("province", "0.3", 30 * M, None), ("municipality", "0.3", 30 * M, None)],
    ),
    (
        "intermediate_1",
        "고도형",
        "basic",
        True,
        9,
        10,
        [
            ("central_government", "0.5", 100 * M, None),
            ("province", "0.15", None, None),
            ("municipality", "0.15", None, None),
        ],
    ),
]
# The same kinds the default required-documents rule checks, so a complete demo application passes it.
DOCUMENTS = [
    (DocumentKind.BUSINESS_PLAN, True, False),
    (DocumentKind.BUSINESS_REGISTRATION, True, False),
    (DocumentKind.LEVEL_ASSESSMENT, True, True),
    (DocumentKind.FINANCIAL_STATEMENTS, True, False),
    (DocumentKind.SUPPLIER_QUOTATION, True, False),
]


def _at(day, hour):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=SEOUL)


def _call(created, *, reference, programme, tracks, status, opens, closes, regions=(), **fields):
    call = Call.objects.unrestricted().filter(reference=reference).first()
    if call is not None:
        return call
    call = Call.objects.create(
        reference=reference,
        programme=programme,
        operator=programme.operator,
        opens_at=opens,
        closes_at=closes,
        status=status,
        published_at=timezone.now() if status != CallStatus.DRAFT else None,
        contact_name="스마트공장 사업 안내",
        contact_phone="1357",
        contact_email="help@demo.sfms.kr",
        rubric_reference="2026 스마트공장 선정평가 기준",
        **fields,
    )
    call.eligible_regions.set(regions)
    for order, (level, name, minimum, fast, months, planned, funders) in enumerate(tracks):
        track = Track.objects.create(
            call=call,
            level=level,
            name_ko=name,
            minimum_current_level=minimum,
            allows_fast_track=fast,
            max_duration_months=months,
            projects_planned=planned,
            order=order,
        )
        if any(f[3] for f in funders):
            track.bonus_regions.set(BONUS_REGIONS)
        for forder, (role, rate, cap, bonus) in enumerate(funders):
            Funder.objects.create(
                track=track,
                role=role,
                rate=Decimal(rate),
                cap=cap,
                bonus_rate=Decimal(bonus) if bonus else None,
                order=forder,
            )
    for order, (kind, mandatory, advancement_only) in enumerate(DOCUMENTS):
        RequiredDocument.objects.create(
            call=call, kind=kind, is_mandatory=mandatory, advancement_only=advancement_only, order=order
        )
    for order, (kind, params) in enumerate(eligibility.default_rules_for_level("basic")):
        EligibilityRule.objects.create(call=call, kind=kind, params=params, order=order)
    created.append(call)
    return call


@transaction.atomic
def seed_demo():
    """Returns the number of calls created."""
    created = []
    today = timezone.localdate()
    kosmo = Operator.objects.unrestricted().get(code="kosmo")
    province = Operator.objects.unrestricted().get(code="gyeongnam-province")
    gyeongnam = Region.objects.filter(code="48")

    def programme(operator, year, name, name_en, kind, budget):
        obj, made = Programme.objects.get_or_create(
            operator=operator,
            fiscal_year=year,
            name_ko=name,
            defaults={"name_en": name_en, "programme_type": kind, "budget": budget},
        )
        if made:
            created.append(obj)
        return obj

    build_2026 = programme(
        kosmo,
        2026,
        "스마트공장 구축·고도화 지원사업",
        "Smart factory build and advancement",
        ProgrammeType.CONSTRUCTION,
        436_600 * M,
    )
    build_2025 = programme(
        kosmo,
        2025,
        "스마트공장 구축·고도화 지원사업",
        "Smart factory build and advancement",
        ProgrammeType.CONSTRUCTION,
        236_100 * M,
    )
    winwin = programme(
        kosmo,
        2026,
        "대·중소 상생형 스마트공장 지원사업",
        "Win-win smart factory programme",
        ProgrammeType.CONSTRUCTION,
        30_000 * M,
    )
    local = programme(
        province,
        2026,
        "경상남도 지역특화 스마트공장 지원사업",
        "Gyeongnam regional smart factory programme",
        ProgrammeType.REGIONAL,
        5_000 * M,
    )

    body = (
        "제조 중소기업의 스마트공장 구축과 고도화를 지원합니다. 기업의 현재 수준에 맞는 유형을 골라 "
        "공급기업과 함께 신청하십시오. 고도화 과제는 수준확인 결과서를 첨부해야 합니다."
    )
    body_en = (
        "Support for manufacturing SMEs building and advancing smart factories. Choose the track that "
        "fits your current level and apply with a supplier."
    )
    _call(
        created,
        reference="2026-kosmo-001",
        programme=build_2026,
        tracks=STANDARD_TRACKS,
        status=CallStatus.OPEN,
        opens=_at(today - datetime.timedelta(days=10), 9),
        closes=_at(today + datetime.timedelta(days=20), 18),
        title_ko="2026년 스마트공장 구축·고도화 지원사업 공고",
        title_en="2026 smart factory build and advancement call",
        body_ko=body,
        body_en=body_en,
        total_budget=43_660 * M,
        delivery_model=DeliveryModel.STANDARD,
    )
    _call(
        created,
        reference="2026-kosmo-002",
        programme=winwin,
        tracks=WIN_WIN_TRACKS,
        status=CallStatus.PUBLISHED,
        opens=_at(today + datetime.timedelta(days=5), 9),
        closes=_at(today + datetime.timedelta(days=40), 18),
        title_ko="2026년 대·중소 상생형 스마트공장 지원사업 공고",
        title_en="2026 win-win smart factory call",
        body_ko="대기업과 함께 협력사의 스마트공장 구축을 지원합니다. 컨소시엄에 대기업이 참여해야 합니다.",
        body_en="Large firms and the government support their suppliers' smart factories together.",
        total_budget=3_000 * M,
        delivery_model=DeliveryModel.WIN_WIN,
    )
    _call(
        created,
        reference="2026-gyeongnam-province-001",
        programme=local,
        tracks=LOCAL_TRACKS,
        status=CallStatus.OPEN,
        opens=_at(today - datetime.timedelta(days=3), 9),
        closes=_at(today + datetime.timedelta(days=12), 18),
        regions=gyeongnam,
        title_ko="2026년 경상남도 지역특화 스마트공장 지원사업 공고",
        title_en="2026 Gyeongnam regional smart factory call",
        body_ko="경상남도 소재 제조 중소기업을 대상으로 도·시군비로 스마트공장 구축을 지원합니다.",
        body_en="Province and city funds for manufacturing SMEs in Gyeongsangnam-do.",
        total_budget=1_500 * M,
        delivery_model=DeliveryModel.LOCAL_GOVERNMENT,
    )
    _call(
        created,
        reference="2025-kosmo-001",
        programme=build_2025,
        tracks=STANDARD_TRACKS,
        status=CallStatus.CONCLUDED,
        opens=_at(datetime.date(2025, 2, 10), 9),
        closes=_at(datetime.date(2025, 3, 14), 18),
        title_ko="2025년 스마트공장 구축·고도화 지원사업 공고",
        title_en="2025 smart factory build and advancement call",
        body_ko=body,
        body_en=body_en,
        total_budget=23_610 * M,
        delivery_model=DeliveryModel.STANDARD,
    )
    draft = _call(
        created,
        reference="2026-kosmo-003",
        programme=build_2026,
        tracks=STANDARD_TRACKS[1:2],
        status=CallStatus.DRAFT,
        opens=_at(today + datetime.timedelta(days=30), 9),
        closes=_at(today + datetime.timedelta(days=60), 18),
        title_ko="2026년 스마트공장 고도화 2차 공고(작성 중)",
        title_en="2026 advancement call, second round (draft)",
        body_ko=body,
        body_en=body_en,
        total_budget=10_000 * M,
        delivery_model=DeliveryModel.STANDARD,
    )
    if draft in created:
        draft.eligible_sectors.set(KsicDivision.objects.filter(code__in=["C25", "C29", "C30"]))
    for obj in created:
        audit.record_create(None, obj, reason="seed_demo")
    return len(created)
