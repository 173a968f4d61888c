"""Realistic suppliers in bulk: the demo data, the scale tests and `manage.py seed_suppliers`.

`generate_suppliers(count, seed=…)` writes supplier companies and their profiles, domains,
solutions, certifications, past cases, capability assessments and SME/inspection reviews, the
cached rating from `rating.compute_rating`, and the search documents. Per batch of 2,000
suppliers it runs one COPY per table and one `UPDATE … array_to_tsvector` for the search
documents, never a statement per row. (`bulk_create` spent about 5 µs preparing each of the
1.4 million values of 10,000 suppliers; COPY hands psycopg plain Python values.)

Columns come from the models' own field lists, with each field's default for what the generator
leaves out, so a new column with a default needs nothing here and one without fails loudly.
The search terms come from `services.profile_texts`, the function `services.reindex` uses, read
from the rows in memory: a generated profile is found exactly as a registered one is.

Deterministic for a seed and a database state (business numbers already taken are skipped).
Writes no audit records: it is seed data, not anyone's action.
"""

import datetime
import functools
import math
import random
import time
from types import SimpleNamespace

from django.db import connection, models, transaction
from django.utils import timezone
from psycopg.types.json import Jsonb

from organizations.models import Company, KsicDivision, Operator, Region
from organizations.rules import complete_business_number

from . import rating, search_terms, services
from .models import (
    CapabilityAssessment,
    Certification,
    CertificationKind,
    Deployment,
    ImplementationCase,
    Solution,
    SupplierProfile,
    SupplierReview,
    SupplierStatus,
    TechDomain,
)

BATCH = 2000
M = 1_000_000
S = SupplierStatus
DEFAULT_STATUS_MIX = {
    S.REGISTERED: 90,
    S.SUBMITTED: 3,
    S.UNDER_REVIEW: 2,
    S.RETURNED: 2,
    S.SUSPENDED: 2,
    S.REJECTED: 1,
}


def _pairs(text):
    """ "한빛:Hanbit, 대성:Daesung" → [("한빛", "Hanbit"), ("대성", "Daesung")]."""
    return [tuple(item.strip().split(":")) for item in text.split(",")]


# Company names: prefix + optional middle + suffix, in Korean and in English.
NAME_PREFIXES = _pairs(
    "스마트:Smart, 한빛:Hanbit, 대성:Daesung, 미래:Mirae, 동양:Dongyang, 세진:Sejin, 한솔:Hansol,"
    " 누리:Nuri, 새한:Saehan, 우진:Woojin, 태광:Taekwang, 신영:Shinyoung, 대명:Daemyung, 가온:Gaon,"
    " 하나:Hana, 제일:Jeil, 삼정:Samjung, 유니:Uni, 코어:Core, 넥스트:Next, 에이스:Ace, 비전:Vision,"
    " 디지털:Digital, 케이:K, 한결:Hangyeol, 으뜸:Eutteum, 다온:Daon, 이노:Inno, 인텍:Intech,"
    " 성원:Sungwon, 영진:Youngjin, 동진:Dongjin, 한울:Hanul, 참:Cham, 나래:Narae, 청운:Cheongun"
)
NAME_MIDDLES = [
    ("", ""),
    ("", ""),
    ("", ""),
    *_pairs("아이:i, 디에스:DS, 팩토리:Factory, 인더스트리:Industry, 데이터:Data"),
]
NAME_SUFFIXES = _pairs(
    "테크:Tech, 시스템즈:Systems, 솔루션:Solution, 엔지니어링:Engineering, 오토메이션:Automation,"
    " 정보기술:Information Technology, 소프트:Soft, 아이티:IT, 컨트롤:Control, 로보틱스:Robotics,"
    " 에프에이:FA, 네트웍스:Networks, 랩:Lab, 이앤씨:E&C"
)
SURNAMES = "김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민진나"
GIVEN_NAMES = [
    "민준", "서연", "지훈", "하은", "도윤", "수빈", "예준", "지민", "현우", "서준",
    "유진", "성민", "정호", "영수", "미경", "상훈", "은정", "재현", "동현", "혜진",
]  # fmt: skip

# Supplier head offices (weights per 1,000): the capital area holds most IT suppliers, the
# manufacturing provinces (경남 48, 경북 47, 충남 44, 충북 43, 울산 31) most of the rest.
REGION_WEIGHTS = {
    "41": 250, "11": 150, "48": 90, "47": 70, "44": 60, "28": 60, "26": 50, "27": 50, "43": 45,
    "31": 35, "30": 35, "29": 25, "52": 25, "46": 20, "51": 15, "36": 10, "50": 5,
}  # fmt: skip
STREETS = {
    "11": ["금천구 가산디지털1로", "구로구 디지털로", "성동구 성수이로", "강서구 마곡중앙로"],
    "26": ["강서구 녹산산단로", "사상구 학장로", "해운대구 센텀중앙로"],
    "27": ["달서구 성서공단로", "북구 호국로", "동구 동대구로"],
    "28": ["남동구 남동대로", "서구 가좌로", "연수구 송도과학로"],
    "29": ["광산구 하남산단로", "북구 첨단과기로"],
    "30": ["유성구 테크노2로", "대덕구 대화로"],
    "31": ["남구 산업로", "울주군 웅촌로", "북구 매곡산업로"],
    "36": ["조치원읍 세종로", "연서면 월하로"],
    "41": ["안산시 단원구 산단로", "시흥시 공단1대로", "화성시 향남읍 발안공단로", "성남시 분당구 판교로"],
    "43": ["청주시 흥덕구 직지대로", "충주시 기업도시로", "진천군 덕산읍 산수산단로"],
    "44": ["천안시 서북구 3공단로", "아산시 둔포면 아산밸리로", "당진시 송악읍 부곡공단로"],
    "46": ["여수시 여수산단로", "광양시 광양산단로", "영암군 삼호읍 대불로"],
    "47": ["구미시 1공단로", "포항시 남구 철강로", "경산시 진량읍 공단로"],
    "48": ["창원시 성산구 공단로", "김해시 주촌면 골든루트로", "양산시 산막공단로"],
    "50": ["제주시 첨단로", "서귀포시 중앙로"],
    "51": ["원주시 문막읍 문막공단로", "춘천시 퇴계공단길"],
    "52": ["전주시 덕진구 팔과정로", "군산시 자유로", "익산시 석암로"],
}

DOMAIN_WEIGHTS = {
    "mes": 20, "iot": 14, "ai": 10, "vision": 9, "robot": 9, "quality": 8, "erp": 8, "cloud": 6,
    "plc": 6, "energy": 5, "logistics": 5, "scm": 3, "plm": 3, "digital_twin": 3, "security": 2,
}  # fmt: skip
# Per domain: (solution name, description).
SOLUTIONS = {
    "mes": [
        ("스마트 MES 클라우드", "작업지시부터 생산실적, 설비 가동까지 한 화면에서 관리하는 클라우드형 MES"),
        ("중소기업형 MES", "중소 제조기업 공정에 맞춘 표준 MES 패키지"),
        ("공정관리 MES 라이트", "태블릿으로 작업 실적을 입력하는 간편 MES"),
        ("사출성형 MES", "사출기 사이클과 금형 이력을 자동 수집하는 MES"),
        ("식품 이력관리 MES", "원료 입고부터 출하까지 HACCP 이력을 관리하는 MES"),
        ("조립라인 실적관리 MES", "바코드로 조립 공정 실적과 불량을 추적하는 MES"),
    ],
    "erp": [
        ("제조 ERP 스탠다드", "영업, 구매, 재고, 원가를 통합하는 제조업 ERP"),
        ("클라우드 ERP 스타터", "소규모 공장을 위한 구독형 ERP"),
        ("원가관리 ERP", "제품별 원가와 손익을 실시간으로 집계하는 ERP"),
    ],
    "plm": [
        ("설계변경 PLM", "도면과 설계변경 이력을 관리하는 PLM"),
        ("BOM 통합관리 PLM", "설계 BOM과 생산 BOM을 하나로 관리"),
    ],
    "scm": [
        ("협력사 발주 SCM 포털", "협력사와 발주, 납기, 입고를 공유하는 포털"),
        ("수요예측 SCM", "판매 실적으로 수요를 예측하고 자재 소요를 계획"),
    ],
    "quality": [
        ("SPC 공정품질 모니터링", "측정값을 실시간으로 관리도에 표시하는 SPC"),
        ("품질검사 성적서 관리", "수입·공정·출하 검사 성적서를 전자화"),
        ("불량 이력 추적 QMS", "불량 원인과 조치 이력을 추적하는 품질관리 시스템"),
    ],
    "energy": [
        ("공장 에너지 모니터링 FEMS", "설비별 전력 사용량을 계측하고 절감 방안을 제시"),
        ("전력 피크 관리 시스템", "최대 수요 전력을 예측해 피크를 관리"),
        ("압축공기 누설 관리", "압축공기 누설을 감지해 에너지를 절감"),
    ],
    "iot": [
        ("설비 데이터 수집 게이트웨이", "노후 설비에서도 가동 신호를 수집하는 IoT 게이트웨이"),
        ("스마트 센서 키트", "진동, 온도, 전류 센서를 묶은 설비 모니터링 키트"),
        ("PLC 데이터 수집 엣지", "PLC 데이터를 표준 프로토콜로 수집하는 엣지 장비"),
        ("온습도 무선 센서", "창고와 공정의 온습도를 무선으로 수집"),
    ],
    "vision": [
        ("용접 비전 검사", "용접 비드의 형상과 결함을 카메라로 검사"),
        ("딥러닝 외관 검사", "딥러닝으로 제품 표면의 긁힘과 이물을 검출"),
        ("인쇄 불량 비전 검사", "라벨과 인쇄 품질을 고속으로 검사"),
        ("부품 치수 측정 비전", "부품 치수를 비접촉으로 전수 측정"),
    ],
    "robot": [
        ("협동로봇 용접 셀", "협동로봇으로 소량 다품종 용접을 자동화"),
        ("팔레타이징 로봇", "완제품 적재를 자동화하는 로봇 셀"),
        ("머신텐딩 협동로봇", "CNC 가공기 소재 투입과 배출을 자동화"),
        ("자동 포장 로봇", "제품 포장과 박스 적재를 자동화"),
    ],
    "ai": [
        ("설비 예지보전 AI", "진동과 전류 데이터로 설비 고장을 미리 알려 주는 AI"),
        ("품질 예측 AI", "공정 조건으로 불량을 예측하는 AI 모델"),
        ("생산계획 최적화 AI", "납기와 설비 능력을 고려해 생산계획을 자동 수립"),
        ("용접 품질 예측 AI", "용접 전류와 전압 파형으로 용접 품질을 판정"),
    ],
    "digital_twin": [
        ("공정 디지털 트윈", "공정 흐름을 가상 공간에서 시뮬레이션"),
        ("3D 공장 시뮬레이션", "설비 배치와 물류 동선을 3D로 검증"),
    ],
    "cloud": [
        ("제조 데이터 클라우드 플랫폼", "공장 데이터를 모아 분석하는 클라우드 플랫폼"),
        ("스마트공장 SaaS 대시보드", "생산 현황을 어디서나 보는 구독형 대시보드"),
    ],
    "security": [
        ("산업제어 보안 솔루션", "제어망 이상 트래픽을 탐지하는 보안 솔루션"),
        ("OT 네트워크 보안", "공장 네트워크를 분리하고 접근을 통제"),
    ],
    "plc": [
        ("PLC 제어반 구축", "자동화 설비 제어반 설계와 PLC 프로그램"),
        ("HMI SCADA 모니터링", "공정 상태를 실시간으로 감시하는 SCADA"),
    ],
    "logistics": [
        ("자동창고 WMS", "자동창고와 연계한 창고관리 시스템"),
        ("AGV 물류 이송", "공정 간 자재를 무인 운반차로 이송"),
        ("바코드 입출고 관리", "바코드로 자재 입출고와 재고를 관리"),
    ],
}
# What a past case built, per domain: the end of its title.
CASE_WORKS = {
    "mes": ["MES 구축", "생산관리 시스템 구축", "공정 실적관리 고도화"],
    "erp": ["ERP 구축", "원가관리 시스템 구축"],
    "plm": ["PLM 구축", "설계 BOM 통합"],
    "scm": ["협력사 SCM 구축", "수요예측 시스템 구축"],
    "quality": ["SPC 품질관리 구축", "검사 성적서 전산화"],
    "energy": ["FEMS 구축", "전력 모니터링 구축"],
    "iot": ["설비 데이터 수집 구축", "설비 모니터링 구축"],
    "vision": ["외관 비전 검사 구축", "용접 비전 검사 구축", "치수 측정 자동화"],
    "robot": ["용접 로봇 자동화", "협동로봇 도입", "적재 자동화"],
    "ai": ["설비 예지보전 AI 도입", "불량 예측 AI 도입", "용접기 이상 감지 AI 도입"],
    "digital_twin": ["공정 디지털 트윈 구축"],
    "cloud": ["클라우드 생산관리 도입", "데이터 플랫폼 구축"],
    "security": ["제어망 보안 구축"],
    "plc": ["제어반 교체와 PLC 연동", "SCADA 구축"],
    "logistics": ["자동창고 구축", "AGV 물류 자동화", "바코드 재고관리 구축"],
}
# Client sectors (KSIC divisions): weight and the word a case title uses.
SECTORS = {
    "C25": (14, "금속가공"), "C29": (12, "기계장비"), "C30": (11, "자동차부품"), "C26": (9, "전자부품"),
    "C22": (9, "플라스틱 사출"), "C10": (8, "식품"), "C24": (6, "철강"), "C28": (6, "전기장비"),
    "C20": (5, "화학"), "C27": (4, "정밀기기"), "C31": (3, "조선기자재"), "C13": (3, "섬유"),
    "C17": (2, "제지"), "C23": (2, "유리·세라믹"), "C32": (2, "가구"), "C33": (2, "생활용품"),
    "C21": (2, "제약"), "C11": (1, "음료"), "C14": (1, "의류"), "C15": (1, "신발"), "C16": (1, "목재"),
    "C18": (1, "인쇄"), "C19": (1, "석유화학"), "C12": (1, "담배"), "C34": (1, "설비 수리"),
}  # fmt: skip
OUTCOMES = [
    "불량률 {}% 감소",
    "설비 가동률 {}% 향상",
    "생산성 {}% 향상",
    "리드타임 {}% 단축",
    "재고 정확도 {}% 개선",
    "납기 준수율 {}% 향상",
    "제조 원가 {}% 절감",
    "에너지 사용량 {}% 절감",
]
INTRO_CLOSINGS = [
    "현장 데이터 활용으로 중소 제조기업의 디지털 전환을 지원합니다.",
    "공정 진단부터 구축, 사후관리까지 한 번에 지원합니다.",
    "업종별 표준 모델로 짧은 기간에 안정적으로 구축합니다.",
    "구축 후에도 전담 엔지니어가 운영을 돕습니다.",
]
# kind: (weight, issuer, number prefix, expires)
CERTIFICATIONS = {
    CertificationKind.VENTURE: (40, "중소벤처기업부", "V", True),
    CertificationKind.INNOBIZ: (30, "중소벤처기업부", "INNO", True),
    CertificationKind.MAINBIZ: (15, "중소벤처기업부", "MAIN", True),
    CertificationKind.RESEARCH_INSTITUTE: (35, "한국산업기술진흥협회", "RI", False),
    CertificationKind.ISO9001: (30, "한국표준협회", "QMS", True),
    CertificationKind.ISO27001: (8, "한국인터넷진흥원", "ISMS", True),
    CertificationKind.GS: (15, "한국정보통신기술협회", "GS", True),
    CertificationKind.SMART_MANUFACTURING_EXPERT: (10, "스마트제조혁신추진단", "SFE", True),
}
LEVELS = ["basic", "intermediate_1", "intermediate_2", "advanced"]
LEVEL_FLOORS = (100 * M, 250 * M, 450 * M)  # case amount from which the next level is usual
DEPLOYMENTS = {Deployment.CLOUD: 40, Deployment.ON_PREMISE: 45, Deployment.HYBRID: 15}
ASSESSORS = ["김도윤", "이서현", "박준호", "최지수", "정민재"]


class _Rows:
    """`.all()` over rows in memory: what `services.profile_texts` calls on a related manager."""

    def __init__(self, rows):
        self._rows = rows

    def all(self):
        return self._rows


def _weighted(rng, weights):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _sample(rng, weights, k):
    """k distinct keys drawn by weight."""
    pool = dict(weights)
    chosen = []
    while pool and len(chosen) < k:
        chosen.append(_weighted(rng, pool))
        del pool[chosen[-1]]
    return chosen


def _topic_particle(word):
    """은 after a final consonant, 는 after a vowel."""
    last = word[-1]
    if "가" <= last <= "힣":
        return "은" if (ord(last) - 0xAC00) % 28 else "는"
    return "은(는)"


@functools.lru_cache(maxsize=50_000)
def _word_terms(word):
    return frozenset(search_terms.document_terms(word))


def _document(profile):
    """The profile's search terms, space-separated. `document_terms` is a union over words, so
    the terms of each distinct word (a few thousand recur across all suppliers) are computed once."""
    texts = services.profile_texts(profile)
    return " ".join(frozenset().union(*(_word_terms(w) for t in texts for w in search_terms.words(t))))


class _Generator:
    """Builds one supplier's rows in memory (SimpleNamespace rows keyed by field attnames)."""

    def __init__(self, rng, *, status_mix, operator, today):
        self.rng = rng
        self.status_mix = status_mix
        self.operator_id = operator.pk if operator else None
        self.today = today
        self.now = timezone.now()
        self.regions = {r.code: r for r in Region.objects.all()}
        self.region_weights = {c: w for c, w in REGION_WEIGHTS.items() if c in self.regions}
        sectors = set(KsicDivision.objects.values_list("code", flat=True))
        self.sector_weights = {c: w for c, (w, _word) in SECTORS.items() if c in sectors}
        self.domains = {d.code: d for d in TechDomain.objects.filter(is_active=True)}
        self.domain_weights = {c: DOMAIN_WEIGHTS.get(c, 1) for c in self.domains}
        self.serial = 0

    def supplier(self, company_id, profile_id, business_number):
        rng = self.rng
        self.serial += 1
        (prefix, prefix_en), (middle, middle_en), (suffix, suffix_en) = (
            rng.choice(NAME_PREFIXES),
            rng.choice(NAME_MIDDLES),
            rng.choice(NAME_SUFFIXES),
        )
        name = prefix + middle + suffix
        name_en = " ".join(p for p in (prefix_en, middle_en, suffix_en) if p) + " Co., Ltd."
        region = self.regions[_weighted(rng, self.region_weights)]
        employees = max(3, int(rng.lognormvariate(3.2, 0.8)))
        company = SimpleNamespace(
            id=company_id,
            kind=Company.Kind.SUPPLIER,
            business_number=business_number,
            name=name,
            name_en=name_en,
            representative=rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES),
            region_id=region.code,
            postcode=f"{rng.randint(10000, 63999):05d}",
            address=f"{region.name_ko} {rng.choice(STREETS[region.code])} {rng.randint(1, 300)}",
            phone=f"0{rng.choice((2, 31, 32, 41, 42, 51, 52, 53, 55, 61, 62, 63))}-{rng.randint(200, 999)}-{rng.randint(1000, 9999)}",
            employees=employees,
            annual_revenue=employees * rng.randint(80, 260) * M,
        )
        domains = [self.domains[c] for c in _sample(rng, self.domain_weights, rng.choice((1, 1, 2, 2, 2, 3)))]
        status = _weighted(rng, self.status_mix)
        host = f"{prefix_en}{suffix_en.split()[0]}{self.serial}".lower().replace("&", "")
        profile = SimpleNamespace(
            id=profile_id,
            company=company,
            company_id=company_id,
            status=status,
            introduction_ko=(
                f"{name}{_topic_particle(name)} {', '.join(d.name_ko for d in domains)} 분야"
                f" 스마트공장 공급기업입니다. {rng.choice(INTRO_CLOSINGS)}"
            ),
            introduction_en=(
                f"{name_en} builds smart factories for manufacturing SMEs: "
                f"{', '.join(d.name_en for d in domains)}."
            ),
            contact_name=rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES),
            contact_phone=f"010-{rng.randint(2000, 9999)}-{rng.randint(1000, 9999)}",
            contact_email=f"sales@{host}.co.kr",
            homepage=f"https://www.{host}.co.kr",
        )
        if status != S.DRAFT:
            profile.submitted_at = self.now - datetime.timedelta(days=rng.randint(30, 900))
        if status in (S.REGISTERED, S.SUSPENDED):
            profile.registered_at = profile.submitted_at + datetime.timedelta(days=rng.randint(3, 25))
        if status in (S.UNDER_REVIEW, S.REGISTERED, S.SUSPENDED, S.RETURNED, S.REJECTED):
            profile.reviewed_by_id = self.operator_id
        if status == S.SUSPENDED:
            profile.status_reason = "사후관리 점검에서 구축 실적 확인이 필요합니다."
        elif status in (S.RETURNED, S.REJECTED):
            profile.status_reason = "구축 사례 증빙 자료가 부족합니다."
        profile.domains = _Rows(domains)
        profile.solutions = _Rows(self._solutions(profile_id, domains))
        profile.certifications = self._certifications(profile_id)
        profile.cases = _Rows(self._cases(profile_id, domains))
        profile.case_count = len(profile.cases.all())
        profile.assessments, profile.reviews = [], []
        self._ratings(profile, rated=status in (S.REGISTERED, S.SUSPENDED))
        return profile

    def _solutions(self, profile_id, domains):
        rng = self.rng
        rows = []
        for _n in range(rng.choice((1, 1, 2, 2, 3, 4))):
            domain = rng.choice(domains)
            name, description = rng.choice(SOLUTIONS.get(domain.code) or [(f"{domain.name_ko} 솔루션", "")])
            if any(s.name == name for s in rows):
                continue
            first = rng.randrange(len(LEVELS))
            price_min = rng.choice((10, 20, 30, 50, 80, 100)) * M
            rows.append(
                SimpleNamespace(
                    profile_id=profile_id,
                    name=name,
                    domain=domain,
                    domain_id=domain.code,
                    description=description,
                    levels=LEVELS[first : first + rng.randint(1, 3)],
                    deployment=_weighted(rng, DEPLOYMENTS),
                    price_min=price_min,
                    price_max=price_min * rng.choice((2, 3, 4, 5)),
                )
            )
        return rows

    def _certifications(self, profile_id):
        rng = self.rng
        rows = []
        weights = {kind: spec[0] for kind, spec in CERTIFICATIONS.items()}
        for kind in _sample(rng, weights, rng.choice((0, 1, 1, 2, 2, 3))):
            _w, issuer, prefix, expires = CERTIFICATIONS[kind]
            rows.append(
                SimpleNamespace(
                    profile_id=profile_id,
                    kind=kind,
                    issuer=issuer,
                    number=f"{prefix}-{rng.randint(2016, 2026)}-{rng.randint(0, 999999):06d}",
                    valid_until=self.today + datetime.timedelta(days=rng.randint(-400, 1400))
                    if expires
                    else None,
                )
            )
        return rows

    def _cases(self, profile_id, domains):
        rng = self.rng
        rows = []
        for _n in range(round(rng.triangular(2, 15, 5))):
            domain = rng.choice(domains)
            sector = _weighted(rng, self.sector_weights)
            amount = round(math.exp(rng.uniform(math.log(30), math.log(800)))) * M  # log-uniform 30M–800M
            level = LEVELS[sum(amount >= floor for floor in LEVEL_FLOORS)]
            if rng.random() < 0.15:
                level = rng.choice(LEVELS)
            first, second = rng.sample(OUTCOMES, 2)
            rows.append(
                SimpleNamespace(
                    profile_id=profile_id,
                    title=f"{SECTORS[sector][1]} 공장 {rng.choice(CASE_WORKS.get(domain.code) or ['스마트공장 구축'])}",
                    client_sector_id=sector,
                    client_region_id=_weighted(rng, self.region_weights),
                    year=rng.randint(2015, min(2026, self.today.year)),
                    amount=amount,
                    level=level,
                    outcome=f"{first.format(rng.randint(5, 45))}, {second.format(rng.randint(5, 35))}",
                )
            )
        return rows

    def _ratings(self, profile, *, rated):
        """For registered (and suspended) suppliers: assessments for about 60% (when an operator
        exists), SME reviews for 45%, inspections for 35%. The cached rating and its basis are what
        `services.rerate` computes from them (none: no rating)."""
        rng = self.rng
        latest = None
        if rated and self.operator_id is not None and rng.random() < 0.6:
            for _n in range(rng.choice((1, 1, 2))):
                areas = [rng.randint(55, 98) for _a in range(3)]
                profile.assessments.append(
                    SimpleNamespace(
                        profile_id=profile.id,
                        operator_id=self.operator_id,
                        assessor=rng.choice(ASSESSORS),
                        assessed_on=self.today - datetime.timedelta(days=rng.randint(1, 1000)),
                        management=areas[0],
                        technology=areas[1],
                        project_management=areas[2],
                    )
                )
            newest = max(profile.assessments, key=lambda a: a.assessed_on)
            latest = (newest.management, newest.technology, newest.project_management)
        sme, inspections = [], []
        if rated and rng.random() < 0.45:
            sme = rng.choices((1, 2, 3, 4, 5), weights=(2, 4, 15, 40, 39), k=rng.randint(1, 8))
        if rated and rng.random() < 0.35:
            inspections = rng.choices((2, 3, 4, 5), weights=(1, 3, 5, 4), k=rng.randint(1, 5))
        for source, scores in (
            (SupplierReview.Source.SME, sme),
            (SupplierReview.Source.INSPECTION, inspections),
        ):
            for n, score in enumerate(scores):
                profile.reviews.append(
                    SimpleNamespace(
                        profile_id=profile.id,
                        source=source,
                        project_reference=f"SF-{rng.randint(2019, 2026)}-{profile.id:07d}-{n}",
                        score=score,
                    )
                )
        basis = rating.compute_rating(latest_assessment=latest, sme_scores=sme, inspection_scores=inspections)
        profile.rating = basis.rating
        profile.rating_basis = basis.as_json()


def _business_numbers(rng, count):
    """`count` valid numbers nobody holds. Office codes 101–699 with the corporate type codes 87
    and 88 keep clear of the demo companies (81, 86) and the test factories (700–899)."""
    numbers, seen = [], set()
    while len(numbers) < count:
        candidates = []
        while len(candidates) < (count - len(numbers)) * 11 // 10 + 5:
            number = complete_business_number(
                f"{rng.randint(101, 699):03d}{rng.choice(('87', '88'))}{rng.randint(1, 9999):04d}"
            )
            if number not in seen:
                seen.add(number)
                candidates.append(number)
        taken = set(
            Company.objects.unrestricted()
            .filter(business_number__in=candidates)
            .values_list("business_number", flat=True)
        )
        numbers += [n for n in candidates if n not in taken][: count - len(numbers)]
    return numbers


def _ids(model, count):
    """`count` primary keys taken from the table's own sequence (COPY returns none)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _copy(model, rows, *, with_pk=False):
    """COPY `rows` (objects whose attributes are field attnames) into the model's table; a field a
    row does not carry gets the field's default, as `Model()` would give it."""
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
    defaults = [
        now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default()
        for f in fields
    ]
    json_columns = [isinstance(f, models.JSONField) for f in fields]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            values = vars(row)
            copy.write_row(
                [
                    Jsonb(value) if is_json and value is not None else value
                    for value, is_json in zip(
                        (values.get(f.attname, default) for f, default in zip(fields, defaults, strict=True)),
                        json_columns,
                        strict=True,
                    )
                ]
            )


def _write(profiles):
    """One batch: a COPY per table, then one UPDATE filling every search document."""
    _copy(Company, [p.company for p in profiles], with_pk=True)
    _copy(SupplierProfile, profiles, with_pk=True)
    _copy(
        SupplierProfile.domains.through,
        [
            SimpleNamespace(supplierprofile_id=p.id, techdomain_id=d.pk)
            for p in profiles
            for d in p.domains.all()
        ],
    )
    _copy(Solution, [s for p in profiles for s in p.solutions.all()])
    _copy(Certification, [c for p in profiles for c in p.certifications])
    _copy(ImplementationCase, [c for p in profiles for c in p.cases.all()])
    _copy(CapabilityAssessment, [a for p in profiles for a in p.assessments])
    _copy(SupplierReview, [r for p in profiles for r in p.reviews])
    with connection.cursor() as cursor:
        # A term never holds a space (terms are runs of word characters): one string per profile.
        cursor.execute(
            "UPDATE suppliers_supplierprofile AS p"
            " SET search_document = array_to_tsvector(string_to_array(d.terms, ' '))"
            " FROM unnest(%s::bigint[], %s::text[]) AS d(id, terms)"
            " WHERE p.id = d.id",
            [[p.id for p in profiles], [_document(p) for p in profiles]],
        )


def _settle():
    """After a bulk load: move the GIN pending list into the index (autovacuum would, later) and
    refresh the planner's statistics, so the next search is planned on what is there."""
    tables = [
        Company,
        SupplierProfile,
        SupplierProfile.domains.through,
        Solution,
        Certification,
        ImplementationCase,
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT gin_clean_pending_list('supplier_search_gin'::regclass)")
        for model in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


@transaction.atomic
def generate_suppliers(count, *, seed=0, status_mix=None, operator=None, settle=True):
    """Create `count` supplier companies with full profiles; returns the new profiles' ids.

    status_mix: status → weight (default about 90% registered; the rest submitted, under review,
    returned, suspended or rejected). operator: who reviewed and assessed them (default the first
    national agency; without one, ratings come from SME reviews and inspections only).
    settle: clean the GIN pending list and ANALYZE afterwards."""
    rng = random.Random(seed)  # noqa: S311 -- reproducible seed data, not a secret
    if operator is None:
        operator = (
            Operator.objects.unrestricted().filter(kind=Operator.Kind.NATIONAL_AGENCY).order_by("pk").first()
        )
    generator = _Generator(
        rng, status_mix=status_mix or DEFAULT_STATUS_MIX, operator=operator, today=timezone.localdate()
    )
    numbers = _business_numbers(rng, count)
    ids = []
    for start in range(0, count, BATCH):
        chunk = numbers[start : start + BATCH]
        company_ids, profile_ids = _ids(Company, len(chunk)), _ids(SupplierProfile, len(chunk))
        profiles = [generator.supplier(*row) for row in zip(company_ids, profile_ids, chunk, strict=True)]
        _write(profiles)
        ids += profile_ids
    if settle and ids:
        _settle()
    return ids


def timed_generate(count, **kwargs):
    """(profile ids, seconds): what `seed_suppliers` prints."""
    started = time.perf_counter()
    ids = generate_suppliers(count, **kwargs)
    return ids, time.perf_counter() - started
