"""Demo data: the national agency, the 19 regional centres, a province and a city, a few firms,
and one login per role. Idempotent: running it again changes nothing that exists."""

from django.db import transaction

from . import audit
from .models import Company, KsicDivision, Membership, Operator, Region, Role, User
from .rules import complete_business_number

DEMO_PASSWORD = "sfms-demo-2026!"  # noqa: S105 -- published demo login, printed by make run

# (code, name, region of the office, regions covered)
REGIONAL_CENTRES = [
    ("centre-seoul", "서울스마트제조혁신센터", "11", ["11"]),
    ("centre-busan", "부산스마트제조혁신센터", "26", ["26"]),
    ("centre-daegu", "대구스마트제조혁신센터", "27", ["27"]),
    ("centre-gyeongbuk", "경북스마트제조혁신센터", "47", ["47"]),
    ("centre-pohang", "포항스마트제조혁신센터", "47", ["47"]),
    ("centre-gwangju", "광주스마트제조혁신센터", "29", ["29"]),
    ("centre-jeonnam", "전남스마트제조혁신센터", "46", ["46"]),
    ("centre-jeju", "제주스마트제조혁신센터", "50", ["50"]),
    ("centre-gyeonggi", "경기스마트제조혁신센터", "41", ["41"]),
    ("centre-gyeonggi-north", "경기북부스마트제조혁신센터", "41", ["41"]),
    ("centre-incheon", "인천스마트제조혁신센터", "28", ["28"]),
    ("centre-daejeon", "대전스마트제조혁신센터", "30", ["30"]),
    ("centre-chungnam", "충남스마트제조혁신센터", "44", ["44"]),
    ("centre-sejong", "세종스마트제조혁신센터", "36", ["36"]),
    ("centre-ulsan", "울산스마트제조혁신센터", "31", ["31"]),
    ("centre-gangwon", "강원스마트제조혁신센터", "51", ["51"]),
    ("centre-chungbuk", "충북스마트제조혁신센터", "43", ["43"]),
    ("centre-jeonbuk", "전북스마트제조혁신센터", "52", ["52"]),
    ("centre-gyeongnam", "경남스마트제조혁신센터", "48", ["48"]),
]

COMPANIES = [
    # first nine digits, kind, name, representative, ksic, region, employees, revenue (won), level, mes, erp, data
    (
        "608861234",
        Company.Kind.MANUFACTURER,
        "한빛정밀",
        "김민준",
        "C29",
        "48",
        48,
        12_400_000_000,
        "basic",
        True,
        True,
        False,
    ),
    (
        "312817788",
        Company.Kind.MANUFACTURER,
        "세종식품",
        "이서연",
        "C10",
        "36",
        23,
        4_800_000_000,
        "none",
        False,
        True,
        False,
    ),
    (
        "130869911",
        Company.Kind.MANUFACTURER,
        "동해금속",
        "박지훈",
        "C24",
        "26",
        112,
        38_000_000_000,
        "intermediate_1",
        True,
        True,
        True,
    ),
    (
        "220864455",
        Company.Kind.SUPPLIER,
        "스마트솔루션즈",
        "최유진",
        None,
        "11",
        35,
        6_100_000_000,
        "none",
        False,
        False,
        False,
    ),
    (
        "214862233",
        Company.Kind.SUPPLIER,
        "다온오토메이션",
        "정하늘",
        None,
        "41",
        18,
        2_900_000_000,
        "none",
        False,
        False,
        False,
    ),
    (
        "124810099",
        Company.Kind.LARGE_FIRM,
        "대한전자",
        "한상철",
        "C26",
        "41",
        5200,
        980_000_000_000,
        "advanced",
        True,
        True,
        True,
    ),
]

# (email, name, role, company first nine digits or operator code)
LOGINS = [
    ("sme@demo.sfms.kr", "김민준", Role.SME_MEMBER, "608861234"),
    ("supplier@demo.sfms.kr", "최유진", Role.SUPPLIER_MEMBER, "220864455"),
    ("largefirm@demo.sfms.kr", "한상철", Role.LARGE_FIRM_MEMBER, "124810099"),
    ("operator@demo.sfms.kr", "윤서준", Role.OPERATOR_STAFF, "kosmo"),
    ("operator-admin@demo.sfms.kr", "강지민", Role.OPERATOR_ADMIN, "kosmo"),
    ("centre@demo.sfms.kr", "오세영", Role.CENTRE_STAFF, "centre-gyeongnam"),
    ("evaluator@demo.sfms.kr", "임도현", Role.EVALUATOR, "kosmo"),
    ("admin@demo.sfms.kr", "관리자", Role.PLATFORM_ADMIN, None),
]


def _upsert(model, lookup, defaults, created_objects):
    obj, created = model.objects.get_or_create(**lookup, defaults=defaults)
    if created:
        created_objects.append(obj)
    return obj


@transaction.atomic
def seed_demo():
    """Returns (logins, number of rows created)."""
    created = []
    regions = {r.code: r for r in Region.objects.all()}
    kosmo = _upsert(
        Operator,
        {"code": "kosmo"},
        {
            "kind": Operator.Kind.NATIONAL_AGENCY,
            "name_ko": "스마트제조혁신추진단",
            "name_en": "Korea Smart Manufacturing Office (KOSMO)",
            "region": regions["36"],
            "phone": "1357",
        },
        created,
    )
    operators = {"kosmo": kosmo}
    for code, name, office, covered in REGIONAL_CENTRES:
        centre = _upsert(
            Operator,
            {"code": code},
            {"kind": Operator.Kind.REGIONAL_CENTRE, "name_ko": name, "region": regions[office]},
            created,
        )
        if centre in created:
            centre.regions_covered.set([regions[c] for c in covered])
        operators[code] = centre
    operators["gyeongnam-province"] = _upsert(
        Operator,
        {"code": "gyeongnam-province"},
        {
            "kind": Operator.Kind.PROVINCE,
            "name_ko": "경상남도",
            "name_en": "Gyeongsangnam-do",
            "region": regions["48"],
        },
        created,
    )
    operators["changwon-city"] = _upsert(
        Operator,
        {"code": "changwon-city"},
        {
            "kind": Operator.Kind.MUNICIPALITY,
            "name_ko": "창원특례시",
            "name_en": "Changwon",
            "region": regions["48"],
        },
        created,
    )

    companies = {}
    for nine, kind, name, rep, ksic, region, employees, revenue, level, mes, erp, data in COMPANIES:
        companies[nine] = _upsert(
            Company,
            {"business_number": complete_business_number(nine)},
            {
                "kind": kind,
                "name": name,
                "representative": rep,
                "ksic_division": KsicDivision.objects.get(code=ksic) if ksic else None,
                "region": regions[region],
                "employees": employees,
                "annual_revenue": revenue,
                "has_production_facility": kind != Company.Kind.SUPPLIER,
                "smart_factory_level": level,
                "has_mes": mes,
                "has_erp": erp,
                "has_data_collection": data,
            },
            created,
        )

    logins = []
    for email, name, role, scope in LOGINS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=DEMO_PASSWORD,
                full_name=name,
                is_staff=role == Role.PLATFORM_ADMIN,
                is_superuser=role == Role.PLATFORM_ADMIN,
            )
            created.append(user)
        company = companies.get(scope) if scope else None
        operator = operators.get(scope) if scope else None
        _upsert(
            Membership, {"user": user, "role": role, "company": company, "operator": operator}, {}, created
        )
        logins.append((role, email, DEMO_PASSWORD))

    for obj in created:
        audit.record_create(None, obj, reason="seed_demo")
    return logins, len(created)
