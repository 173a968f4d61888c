"""The suppliers API: search with the page's filters and facets (exact result sets), registered
suppliers only for firms, profiles, comparison with its refusals, the supplier's own profile and
offering, the approval workflow and capability assessments, each walked as anonymous / SME /
another supplier / reviewer with the database checked unchanged after every refusal; constant
query counts for the search whatever the page size."""

import contextlib
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations import audit
from organizations.models import AuditEvent, Operator, Role
from suppliers.models import (
    CapabilityAssessment,
    Certification,
    ImplementationCase,
    Solution,
    SupplierProfile,
    SupplierStatus,
)
from tests import factories

pytestmark = pytest.mark.django_db

JSON = "application/json"
DENIED_ANONYMOUS = (401, 403)
M = 1_000_000
S = SupplierStatus
HIDDEN_STATUSES = ("draft", "submitted", "under_review", "returned", "rejected", "suspended")
WELDING = dict(
    region_code="48",
    domains=("robot",),
    solutions=[("용접 로봇 셀", "robot", "on_premise", ["basic", "intermediate_1"])],
    cases=[("자동차 부품 용접 라인 자동화", "C30", "48", 2024, 250 * M, "intermediate_1")],
    certifications=[("iso9001", datetime.date(2027, 12, 31))],
)


def url(name, *args):
    return reverse(name, args=args)


def act_as(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


COUNTED = (SupplierProfile, Solution, Certification, ImplementationCase, CapabilityAssessment, AuditEvent)


def _state(objects):
    counts = {m.__name__: m._base_manager.count() for m in COUNTED}
    rows = []
    for obj in objects:
        row = type(obj)._base_manager.filter(pk=obj.pk).first()
        rows.append(audit.snapshot(row) if row else None)
    return counts, rows


@contextlib.contextmanager
def nothing_changes(*objects):
    before = _state(objects)
    yield
    assert _state(objects) == before


def assert_error(response, status, code=None, field=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"message", "code", "errors"}
    if code is not None:
        assert body["code"] == code, body
    if field is not None:
        assert field in body["errors"], body
    return body


def base(name):
    return name.rsplit(" ", 1)[0]


@pytest.fixture
def registry(db):
    found = {
        "gyeongnam": factories.make_supplier("경남용접자동화", **WELDING),
        "busan": factories.make_supplier(
            "부산스마트용접",
            region_code="26",
            domains=("robot", "vision"),
            solutions=[("용접 비전 검사", "vision", "cloud", ["basic"])],
            cases=[("조선 용접 품질 검사", "C31", "26", 2023, 150 * M, "basic")],
        ),
        "seoul": factories.make_supplier(
            "서울용접테크",
            region_code="11",
            domains=("robot",),
            solutions=[("용접 모니터링", "robot", "on_premise", ["basic"])],
            cases=[("금형 용접 공정 개선", "C29", "11", 2022, 200 * M, "basic")],
        ),
        "sensor": factories.make_supplier(
            "경남센서",
            region_code="48",
            domains=("iot",),
            solutions=[("스마트 센서 게이트웨이", "iot", "cloud", ["basic"])],
            cases=[("설비 센서 데이터 수집", "C29", "48", 2024, 120 * M, "basic")],
        ),
        "small": factories.make_supplier(
            "창원소형용접",
            region_code="48",
            domains=("robot",),
            solutions=[("용접 지그", "robot", "on_premise", ["basic"])],
            cases=[("소형 용접 지그 도입", "C29", "48", 2021, 30 * M, "basic")],
        ),
    }
    for status in HIDDEN_STATUSES:
        found[status] = factories.make_supplier(f"경남용접숨김{status}", status=status, **WELDING)
    return found


@pytest.fixture
def people(operator, company, registry):
    """A firm's member, two suppliers' members, the national agency's reviewers, centre staff."""
    centre = factories.make_operator("경남센터", kind=Operator.Kind.REGIONAL_CENTRE, region_code="48")
    return {
        "anonymous": None,
        "sme": factories.make_member(Role.SME_MEMBER, company=company),
        "supplier": factories.make_member(Role.SUPPLIER_MEMBER, company=registry["submitted"].company),
        "reviewee": factories.make_member(Role.SUPPLIER_MEMBER, company=registry["under_review"].company),
        "other_supplier": factories.make_member(Role.SUPPLIER_MEMBER, company=registry["busan"].company),
        "reviewer": factories.make_member(Role.OPERATOR_STAFF, operator=operator),
        "centre": factories.make_member(Role.CENTRE_STAFF, operator=centre),
    }


def names(response):
    assert response.status_code == 200, response.content
    return sorted(base(row["name"]) for row in response.json()["results"])


# --- search ----------------------------------------------------------------------------------------


COMBINED = {"q": "용접", "domain": ["robot"], "region": "48", "nearby": "true", "scale_min": 100 * M}


def test_search_with_combined_filters_and_a_korean_keyword(client, people):
    act_as(client, people["sme"])
    assert names(client.get(url("supplier-list"), COMBINED)) == ["경남용접자동화", "부산스마트용접"]
    assert names(client.get(url("supplier-list"), {**COMBINED, "nearby": "false"})) == ["경남용접자동화"]
    assert names(client.get(url("supplier-list"), {**COMBINED, "deployment": "cloud"})) == ["부산스마트용접"]
    assert names(client.get(url("supplier-list"), {"q": "센서"})) == ["경남센서"]
    assert names(client.get(url("supplier-list"), {"q": "품질"})) == ["부산스마트용접"]
    assert names(client.get(url("supplier-list"), {"q": "용접", "scale_max": 50 * M})) == ["창원소형용접"]


def test_search_answers_cards_and_facets(client, people, registry):
    act_as(client, people["sme"])
    body = client.get(url("supplier-list"), {"q": "경남용접자동화"}).json()
    assert body["count"] == 1 and body["next"] is None and body["previous"] is None
    (row,) = body["results"]
    assert row["id"] == registry["gyeongnam"].pk
    assert row["region"] == {"code": "48", "name_ko": "경상남도", "name_en": "Gyeongsangnam-do"}
    assert [d["code"] for d in row["domains"]] == ["robot"]
    assert row["top_solutions"][0]["name"] == "용접 로봇 셀"
    assert row["top_solutions"][0]["levels"] == ["basic", "intermediate_1"]
    assert row["case_count"] == 1 and row["scale_min"] == row["scale_max"] == 250 * M
    assert row["rating"] is None
    assert row["rating_counts"] == {"assessments": 0, "sme_reviews": 0, "inspections": 0}
    assert set(body["facets"]) == {"domain", "region", "deployment", "certification", "level"}

    facets = client.get(url("supplier-list"), {"q": "용접"}).json()["facets"]
    domain = {f["value"]: f["count"] for f in facets["domain"]}
    assert domain["robot"] == 4 and domain["vision"] == 1 and domain["mes"] == 0
    region = {f["value"]: (f["label_ko"], f["count"]) for f in facets["region"]}
    assert region["48"] == ("경상남도", 2) and region["26"] == ("부산광역시", 1)
    deployment = {f["value"]: f for f in facets["deployment"]}
    assert deployment["on_premise"]["count"] == 3
    assert deployment["on_premise"]["label_en"] == "On-premise" or deployment["on_premise"]["label_ko"]


def test_unregistered_suppliers_never_appear_for_anyone_in_search(client, people, registry):
    for who in ("sme", "supplier", "reviewer"):
        act_as(client, people[who])
        listed = names(client.get(url("supplier-list"), {"page_size": 100}))
        assert listed == ["경남센서", "경남용접자동화", "부산스마트용접", "서울용접테크", "창원소형용접"], who
        assert names(client.get(url("supplier-list"), {"q": "숨김"})) == []


@pytest.mark.parametrize("status", HIDDEN_STATUSES)
def test_unregistered_profiles_are_404_for_firms_and_read_by_operators(client, people, registry, status):
    target = registry[status]
    for who in ("sme", "other_supplier"):
        assert act_as(client, people[who]).get(url("supplier-detail", target.pk)).status_code == 404
    for who in ("reviewer", "centre"):
        response = act_as(client, people[who]).get(url("supplier-detail", target.pk))
        assert response.status_code == 200
        assert response.json()["status"] == status


def test_a_supplier_reads_its_own_unregistered_profile(client, people, registry):
    response = act_as(client, people["supplier"]).get(url("supplier-detail", registry["submitted"].pk))
    assert response.status_code == 200


def test_search_needs_a_sign_in_and_refuses_bad_parameters(client, people):
    assert act_as(client, None).get(url("supplier-list")).status_code in DENIED_ANONYMOUS
    act_as(client, people["sme"])
    assert_error(client.get(url("supplier-list"), {"scale_min": "abc"}), 400, "invalid", "scale_min")
    assert_error(client.get(url("supplier-list"), {"region": "99"}), 400, "invalid", "region")
    assert_error(client.get(url("supplier-list"), {"sort": "nearest"}), 400, "invalid", "sort")


def test_search_pages(client, people, db):
    for n in range(7):
        factories.make_supplier(f"쪽용접{n}", solutions=[("용접 셀", "robot", "cloud", ["basic"])])
    act_as(client, people["sme"])
    first = client.get(url("supplier-list"), {"q": "쪽용접", "page_size": 5}).json()
    assert first["count"] == 7 and len(first["results"]) == 5
    assert "page=2" in first["next"] and first["previous"] is None
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 2 and second["next"] is None
    assert {r["id"] for r in first["results"]}.isdisjoint({r["id"] for r in second["results"]})


def test_search_queries_do_not_grow_with_the_page_size(client, people, db):
    for n in range(20):
        factories.make_supplier(
            f"쿼리용접{n}",
            domains=("robot", "vision"),
            solutions=[("용접 셀", "robot", "cloud", ["basic"]), ("비전", "vision", "cloud", ["basic"])],
            cases=[
                ("용접 사례", "C29", "48", 2024, 100 * M, "basic"),
                ("사례2", "C30", "48", 2023, 200 * M, ""),
            ],
            certifications=[("iso9001", None)],
        )
    act_as(client, people["sme"])
    params = {"q": "용접", "domain": ["robot", "vision"], "region": "48", "level": "basic"}

    def run(size):
        with CaptureQueriesContext(connection) as ctx:
            body = client.get(url("supplier-list"), {**params, "page_size": size}).json()
        assert len(body["results"]) == size
        return len(ctx)

    assert run(5) == run(20)


# --- profile and comparison ------------------------------------------------------------------------------


def test_profile_has_offering_record_and_rating_basis(client, people, registry, operator):
    target = registry["gyeongnam"]
    act_as(client, people["reviewer"])
    created = client.post(
        url("capability-assessment-list"),
        {
            "profile": target.pk,
            "assessor": "김평가",
            "assessed_on": "2026-10-01",
            "management": 80,
            "technology": 90,
            "project_management": 70,
        },
        content_type=JSON,
    )
    assert created.status_code == 201, created.content
    assert created.json()["operator"] == operator.pk

    body = act_as(client, people["sme"]).get(url("supplier-detail", target.pk)).json()
    assert body["rating"] == "4.00"
    assert body["rating_basis"]["components"] == {
        "assessment": {"value": "4.00", "weight": "0.5", "count": 1}
    }
    assert "Bayesian" in body["rating_basis"]["formula"]
    assert body["assessments"]["count"] == 1 and body["assessments"]["technology"] == 90
    assert [s["name"] for s in body["solutions"]] == ["용접 로봇 셀"]
    assert body["certifications"][0]["kind"] == "iso9001" and body["certifications"][0]["expired"] is False
    assert "document" not in body["certifications"][0]
    case = body["cases"][0]
    assert (case["client_sector"], case["client_region"], case["amount"], case["level"]) == (
        "C30",
        "48",
        250 * M,
        "intermediate_1",
    )
    assert body["contact_email"] == "sales@example.kr"
    assert body["status_reason"] == ""


def test_compare_answers_side_by_side(client, people, registry):
    chosen = [registry[k] for k in ("gyeongnam", "busan", "sensor")]
    act_as(client, people["sme"])
    response = client.get(url("supplier-compare"), {"ids": ",".join(str(p.pk) for p in chosen)})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["ids"] == [p.pk for p in chosen]
    assert [base(s["name"]) for s in body["suppliers"]] == ["경남용접자동화", "부산스마트용접", "경남센서"]
    bands = {b["code"]: b["count"] for b in body["suppliers"][0]["cases_by_scale"]}
    assert bands == {"under_100m": 0, "100m_300m": 1, "300m_500m": 0, "500m_plus": 0}
    assert body["suppliers"][1]["cases_by_sector"] == [
        {"code": "C31", "label": "C31 기타 운송장비 제조업", "count": 1}
    ]


@pytest.mark.parametrize(
    "ids",
    [None, "", "{gyeongnam}", "{gyeongnam},{suspended}", "{gyeongnam},{draft}", "{gyeongnam},x", "1,2,3,4,5"],
)
def test_compare_refuses_bad_selections(client, people, registry, ids):
    act_as(client, people["sme"])
    params = {} if ids is None else {"ids": ids.format(**{k: p.pk for k, p in registry.items()})}
    body = assert_error(client.get(url("supplier-compare"), params), 400, "invalid", "ids")
    assert "숨김" not in str(body)


def test_compare_of_unregistered_is_refused_for_operators_too(client, people, registry):
    act_as(client, people["reviewer"])
    ids = f"{registry['gyeongnam'].pk},{registry['under_review'].pk}"
    assert_error(client.get(url("supplier-compare"), {"ids": ids}), 400, "invalid", "ids")


def test_tech_domains_are_reference_data_for_signed_in_users(client, people):
    assert act_as(client, None).get(url("tech-domain-list")).status_code in DENIED_ANONYMOUS
    response = act_as(client, people["sme"]).get(url("tech-domain-list"))
    assert response.status_code == 200
    codes = [row["code"] for row in response.json()]
    assert codes[:3] == ["mes", "erp", "plm"] and "vision" in codes
    assert client.get(url("tech-domain-detail", "iot")).json()["name_ko"] == "센서·IoT·데이터 수집"


# --- the approval workflow --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", DENIED_ANONYMOUS),
        ("sme", (404,)),  # cannot even see a profile under review
        ("other_supplier", (404,)),
        ("supplier", (404,)),  # another supplier's profile under review
        ("reviewee", (403,)),  # its own profile, but reviewing is not its job
        ("centre", (403,)),  # operator side, not the national agency's reviewers
    ],
)
@pytest.mark.parametrize("action", ["approve", "return", "reject"])
def test_review_actions_refused_change_nothing(client, people, registry, who, expected, action):
    target = registry["under_review"]
    act_as(client, people[who])
    with nothing_changes(target):
        response = client.post(url(f"supplier-{action}", target.pk), {"reason": "사유"}, content_type=JSON)
    assert response.status_code in expected, (who, response.content)


def test_the_whole_workflow_through_the_api(client, people, registry):
    profile = registry["returned"]
    member = factories.make_member(Role.SUPPLIER_MEMBER, company=profile.company)
    act_as(client, people["reviewer"])
    with nothing_changes(profile):  # a reviewer cannot ask for the supplier's review
        assert_error(client.post(url("supplier-submit", profile.pk)), 403, "forbidden")

    act_as(client, member)
    response = client.post(url("supplier-submit", profile.pk))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted"

    act_as(client, people["reviewer"])
    with nothing_changes(profile):  # approve only from under review
        assert_error(client.post(url("supplier-approve", profile.pk)), 409, "illegal_transition")
    assert client.post(url("supplier-start-review", profile.pk)).json()["status"] == "under_review"
    with nothing_changes(profile):
        assert_error(
            client.post(url("supplier-return", profile.pk), {"reason": " "}, content_type=JSON),
            400,
            "reason_required",
            "reason",
        )
    assert client.post(url("supplier-approve", profile.pk)).json()["status"] == "registered"
    with nothing_changes(profile):
        assert_error(
            client.post(url("supplier-reinstate", profile.pk), {"reason": "x"}, content_type=JSON), 409
        )
    suspended = client.post(url("supplier-suspend", profile.pk), {"reason": "허위 실적"}, content_type=JSON)
    assert suspended.json()["status"] == "suspended" and suspended.json()["status_reason"] == "허위 실적"
    act_as(client, people["sme"])
    assert client.get(url("supplier-detail", profile.pk)).status_code == 404
    act_as(client, people["reviewer"])
    reinstated = client.post(
        url("supplier-reinstate", profile.pk), {"reason": "소명 확인"}, content_type=JSON
    )
    assert reinstated.json()["status"] == "registered"
    act_as(client, people["sme"])
    assert client.get(url("supplier-detail", profile.pk)).json()["status_reason"] == ""
    moves = AuditEvent.objects.filter(action="transition", object_id=str(profile.pk)).order_by("pk")
    assert [e.after["status"] for e in moves] == [
        "submitted",
        "under_review",
        "registered",
        "suspended",
        "registered",
    ]


def test_reject_needs_a_reason(client, people, registry):
    target = registry["under_review"]
    act_as(client, people["reviewer"])
    with nothing_changes(target):
        assert_error(client.post(url("supplier-reject", target.pk)), 400, "reason_required", "reason")
    assert (
        client.post(url("supplier-reject", target.pk), {"reason": "실적 불충분"}, content_type=JSON).json()[
            "status"
        ]
        == "rejected"
    )


# --- the supplier's own profile ---------------------------------------------------------------------------------


def test_own_profile_start_read_and_change(client, db):
    company = factories.make_company("새공급기업", kind="supplier", ksic=None)
    member = factories.make_member(Role.SUPPLIER_MEMBER, company=company)
    act_as(client, member)
    assert_error(client.get(url("own-supplier-profile")), 404, "no_profile")
    started = client.post(url("own-supplier-profile"))
    assert started.status_code == 201
    assert started.json()["status"] == "draft"
    assert len(started.json()["submit_blockers"]) == 5
    assert client.post(url("own-supplier-profile")).status_code == 200

    changed = client.patch(
        url("own-supplier-profile"),
        {
            "introduction_ko": "용접 자동화 전문기업입니다.",
            "contact_email": "hello@new.example.kr",
            "contact_name": "박영업",
            "contact_phone": "051-987-6543",
            "domains": ["robot", "vision"],
            "company": {"employees": 55},
        },
        content_type=JSON,
    )
    assert changed.status_code == 200, changed.content
    body = changed.json()
    assert sorted(body["domains"]) == ["robot", "vision"]
    assert body["submit_blockers"] == ["솔루션을 하나 이상 등록해 주십시오."]
    company.refresh_from_db()
    assert company.employees == 55
    profile = SupplierProfile.objects.get(company=company)
    with nothing_changes(profile):
        assert_error(
            client.patch(url("own-supplier-profile"), {"domains": ["nope"]}, content_type=JSON),
            400,
            "invalid",
            "domains",
        )
        assert_error(
            client.patch(url("own-supplier-profile"), {"contact_email": "x"}, content_type=JSON),
            400,
            "invalid",
            "contact_email",
        )


@pytest.mark.parametrize("who", ["sme", "reviewer", "anonymous"])
def test_own_profile_is_for_supplier_members(client, people, who):
    act_as(client, people[who])
    with nothing_changes():
        for method in ("get", "post", "patch"):
            response = getattr(client, method)(url("own-supplier-profile"), {}, content_type=JSON)
            assert response.status_code in (*DENIED_ANONYMOUS, 403), (method, response.content)


def test_own_offering_nested_writes(client, people, registry):
    profile = registry["submitted"]
    act_as(client, people["supplier"])
    created = client.post(
        url("own-solution-list"),
        {
            "name": "용접 품질 분석",
            "domain": "ai",
            "deployment": "cloud",
            "levels": ["intermediate_1", "basic"],
            "price_min": 10 * M,
            "price_max": 30 * M,
        },
        content_type=JSON,
    )
    assert created.status_code == 201, created.content
    solution = created.json()
    assert solution["levels"] == ["basic", "intermediate_1"]
    assert {row["id"] for row in client.get(url("own-solution-list")).json()["results"]} == set(
        profile.solutions.values_list("pk", flat=True)
    )
    patched = client.patch(
        url("own-solution-detail", solution["id"]), {"price_max": 40 * M}, content_type=JSON
    )
    assert patched.json()["price_max"] == 40 * M
    with nothing_changes(profile):
        assert_error(
            client.patch(url("own-solution-detail", solution["id"]), {"price_max": 1}, content_type=JSON),
            400,
            "invalid",
            "price_max",
        )
    profile.refresh_from_db()
    assert "품질" in str(profile.search_document)

    case = client.post(
        url("own-case-list"),
        {
            "title": "프레스 공정 자동화",
            "client_sector": "C29",
            "client_region": "48",
            "year": 2025,
            "amount": 180 * M,
            "level": "basic",
        },
        content_type=JSON,
    )
    assert case.status_code == 201, case.content
    cert = client.post(
        url("own-certification-list"),
        {"kind": "innobiz", "issuer": "중소벤처기업부", "number": "I-2026-1", "valid_until": "2028-03-31"},
        content_type=JSON,
    )
    assert cert.status_code == 201, cert.content
    assert client.delete(url("own-solution-detail", solution["id"])).status_code == 204
    assert not Solution.objects.filter(pk=solution["id"]).exists()


def test_another_suppliers_rows_are_404_and_unchanged(client, people, registry):
    theirs = registry["busan"]
    solution = theirs.solutions.get()
    case = theirs.cases.get()
    act_as(client, people["supplier"])
    with nothing_changes(solution, case):
        assert client.get(url("own-solution-detail", solution.pk)).status_code == 404
        assert (
            client.patch(
                url("own-solution-detail", solution.pk), {"name": "HACK"}, content_type=JSON
            ).status_code
            == 404
        )
        assert client.delete(url("own-solution-detail", solution.pk)).status_code == 404
        assert client.delete(url("own-case-detail", case.pk)).status_code == 404
    act_as(client, people["reviewer"])
    with nothing_changes(solution):
        assert (
            client.patch(
                url("own-solution-detail", solution.pk), {"name": "HACK"}, content_type=JSON
            ).status_code
            == 404
        )
        assert_error(client.post(url("own-solution-list"), {"name": "x"}, content_type=JSON), 400)


def test_certification_document_upload_checks_the_type(client, people, registry):
    from django.core.files.uploadedfile import SimpleUploadedFile

    act_as(client, people["supplier"])
    profile = registry["submitted"]
    with nothing_changes(profile):
        bad = client.post(
            url("own-certification-list"),
            {"kind": "gs", "issuer": "TTA", "number": "GS-1", "document": SimpleUploadedFile("x.exe", b"MZ")},
        )
        assert_error(bad, 400, "invalid", "document")
        # A PNG named .pdf is refused by its content, with what it really is.
        renamed = client.post(
            url("own-certification-list"),
            {
                "kind": "gs",
                "issuer": "TTA",
                "number": "GS-1",
                "document": SimpleUploadedFile("gs.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 32),
            },
        )
        body = assert_error(renamed, 400, "invalid", "document")
        assert "PNG" in str(body["errors"]["document"])
        big = SimpleUploadedFile("big.pdf", b"%PDF-1.4" + b"0" * (10 * 1024 * 1024))
        too_big = client.post(
            url("own-certification-list"), {"kind": "gs", "issuer": "TTA", "number": "GS-1", "document": big}
        )
        assert "10MB" in str(assert_error(too_big, 400, "invalid", "document")["errors"]["document"])
    good = client.post(
        url("own-certification-list"),
        {
            "kind": "gs",
            "issuer": "TTA",
            "number": "GS-1",
            "document": SimpleUploadedFile("gs.pdf", b"%PDF-1.4"),
        },
    )
    assert good.status_code == 201, good.content
    assert good.json()["document"]


# --- capability assessments ------------------------------------------------------------------------------


PAYLOAD = {
    "assessor": "김평가",
    "assessed_on": "2026-10-01",
    "management": 70,
    "technology": 80,
    "project_management": 90,
}


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", DENIED_ANONYMOUS), ("sme", (403,)), ("supplier", (403,)), ("centre", (403,))],
)
def test_assessment_create_refusals_change_nothing(client, people, registry, who, expected):
    target = registry["gyeongnam"]
    act_as(client, people[who])
    with nothing_changes(target):
        response = client.post(
            url("capability-assessment-list"), {**PAYLOAD, "profile": target.pk}, content_type=JSON
        )
    assert response.status_code in expected


def test_assessment_for_an_operator_the_user_does_not_belong_to_is_refused(
    client, people, registry, other_operator
):
    act_as(client, people["reviewer"])
    with nothing_changes(registry["gyeongnam"]):
        response = client.post(
            url("capability-assessment-list"),
            {**PAYLOAD, "profile": registry["gyeongnam"].pk, "operator": other_operator.pk},
            content_type=JSON,
        )
    assert_error(response, 400, "invalid", "operator")
    with nothing_changes():
        future = {**PAYLOAD, "profile": registry["gyeongnam"].pk, "assessed_on": "2099-01-01"}
        assert_error(
            client.post(url("capability-assessment-list"), future, content_type=JSON), 400, "future_date"
        )


def test_assessments_are_listed_for_visible_profiles_only(client, people, registry):
    act_as(client, people["reviewer"])
    for key in ("gyeongnam", "under_review"):
        response = client.post(
            url("capability-assessment-list"), {**PAYLOAD, "profile": registry[key].pk}, content_type=JSON
        )
        assert response.status_code == 201, response.content
    assert len(client.get(url("capability-assessment-list")).json()["results"]) == 2
    act_as(client, people["sme"])
    rows = client.get(url("capability-assessment-list")).json()["results"]
    assert [row["profile"] for row in rows] == [registry["gyeongnam"].pk]
    only = client.get(url("capability-assessment-list"), {"profile": registry["under_review"].pk}).json()
    assert only["results"] == []


def test_renaming_through_the_companies_api_goes_back_to_review(client, db):
    """The companies API is a second door to the same registry data: a registered supplier renamed
    there is re-reviewed too, and the new name is searchable at once."""
    profile = factories.make_supplier("대성테크")
    member = factories.make_member(Role.SUPPLIER_MEMBER, company=profile.company)
    act_as(client, member)
    response = client.patch(
        url("company-detail", profile.company.pk), {"name": "대성오토메이션"}, content_type=JSON
    )
    assert response.status_code == 200, response.content
    profile.refresh_from_db()
    assert (profile.status, profile.company.name) == ("submitted", "대성오토메이션")
    assert profile.status_reason == "등록 정보 변경 심사: 기업명"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_document::text FROM suppliers_supplierprofile WHERE id = %s", [profile.pk]
        )
        assert "'오토'" in cursor.fetchone()[0]
    # A change that is not vouched for (the phone number) leaves a registered supplier registered.
    SupplierProfile.objects.filter(pk=profile.pk).update(status="registered")
    client.patch(url("company-detail", profile.company.pk), {"phone": "055-000-1111"}, content_type=JSON)
    profile.refresh_from_db()
    assert profile.status == "registered"
