"""The programs API: every endpoint walked as anonymous / wrong role / other tenant / permitted,
with the database checked unchanged after every refusal; exact quote amounts; the call's life
through the API (illegal moves 409); constant query counts for the lists that matter."""

import contextlib
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from organizations import audit
from organizations.models import AuditEvent, Role
from programs import diagnosis, services
from programs.models import (
    Call,
    CallStatus,
    CallWatch,
    EligibilityRule,
    Funder,
    FundingQuote,
    FundingQuoteRevision,
    Programme,
    RequiredDocument,
    SavedSearch,
    SelfDiagnosis,
    Track,
)
from tests import factories

pytestmark = pytest.mark.django_db

JSON = "application/json"
DENIED_ANONYMOUS = (401, 403)
BASIC_CAP, INTERMEDIATE_1_CAP, ADVANCED_CAP = 50_000_000, 100_000_000, 200_000_000


# --- the people and the helpers ------------------------------------------------------------------


@pytest.fixture
def people(operator, other_operator, company, other_company):
    """Tenant A (operator, company) holds the objects; tenant B holds the other tenant's users."""
    return {
        "anonymous": None,
        "sme": factories.make_member(Role.SME_MEMBER, company=company),
        "centre": factories.make_member(Role.CENTRE_STAFF, operator=operator),  # operator side, not an editor
        "editor": factories.make_member(Role.OPERATOR_STAFF, operator=operator),
        "other_editor": factories.make_member(Role.OPERATOR_ADMIN, operator=other_operator),
        "other_sme": factories.make_member(Role.SME_MEMBER, company=other_company),
    }


def act_as(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


COUNTED = (
    Programme,
    Call,
    Track,
    Funder,
    RequiredDocument,
    EligibilityRule,
    FundingQuote,
    FundingQuoteRevision,
    SavedSearch,
    SelfDiagnosis,
    CallWatch,
    AuditEvent,
)


def _state(objects):
    counts = {m.__name__: m._base_manager.count() for m in COUNTED}
    rows = []
    for obj in objects:
        row = type(obj)._base_manager.filter(pk=obj.pk).first()
        rows.append(audit.snapshot(row) if row else None)
    return counts, rows


@contextlib.contextmanager
def nothing_changes(*objects):
    """Row counts of every programs table (and the audit trail) and the given rows stay as they were."""
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


def url(name, *args):
    return reverse(name, args=args)


def published_call(operator, *, levels=("basic",), status=CallStatus.OPEN, **extra):
    call = factories.make_call(operator, status=status, opens_in_days=-1, **extra)
    for level in levels:
        factories.make_track(call, level)
    return call


# --- programmes -------------------------------------------------------------------------------------


def programme_payload(operator, **extra):
    data = dict(
        operator=operator.pk,
        name_ko="2027 스마트공장 보급확산 사업",
        programme_type="construction",
        fiscal_year=2027,
        budget=30_000_000_000,
    )
    data.update(extra)
    return data


def test_programme_list_is_scoped(client, people, operator, other_operator):
    own_quiet = factories.make_programme(operator, name_ko="내부 준비 사업")
    foreign_quiet = factories.make_programme(other_operator, name_ko="외부 준비 사업")
    foreign_public = factories.make_programme(other_operator, name_ko="외부 공고 사업")
    factories.make_call(other_operator, programme=foreign_public, status=CallStatus.OPEN)

    def ids(who):
        response = act_as(client, people[who]).get(url("programme-list"))
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert ids("editor") == {own_quiet.pk, foreign_public.pk}
    assert ids("other_editor") == {foreign_quiet.pk, foreign_public.pk}
    assert ids("sme") == {foreign_public.pk}
    assert act_as(client, None).get(url("programme-list")).status_code in DENIED_ANONYMOUS
    assert act_as(client, people["sme"]).get(url("programme-detail", own_quiet.pk)).status_code == 404


@pytest.mark.parametrize(
    ("who", "status", "field"),
    [
        ("anonymous", DENIED_ANONYMOUS, None),
        ("sme", (403,), None),
        ("centre", (403,), None),
        ("other_editor", (400,), "operator"),  # names tenant A's operator: not one it may use
    ],
)
def test_programme_create_refusals_change_nothing(client, people, operator, who, status, field):
    act_as(client, people[who])
    with nothing_changes(operator):
        response = client.post(url("programme-list"), programme_payload(operator), content_type=JSON)
    assert response.status_code in status, response.content
    if field:
        assert_error(response, 400, "invalid", field)


def test_programme_create_and_update_by_the_operators_editor(client, people, operator):
    act_as(client, people["editor"])
    response = client.post(url("programme-list"), programme_payload(operator), content_type=JSON)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["operator"] == operator.pk
    assert body["budget"] == 30_000_000_000
    programme = Programme.objects.get(pk=body["id"])
    assert AuditEvent.objects.for_object(programme).get().action == "create"

    response = client.patch(
        url("programme-detail", programme.pk), {"budget": 31_000_000_000}, content_type=JSON
    )
    assert response.status_code == 200, response.content
    assert response.json()["budget"] == 31_000_000_000
    programme.refresh_from_db()
    assert programme.budget == 31_000_000_000


def test_programme_update_matrix(client, people, operator, other_operator):
    quiet = factories.make_programme(operator)
    announced = factories.make_programme(operator)
    factories.make_call(operator, programme=announced, status=CallStatus.OPEN)
    for who, target, expected in [
        ("anonymous", quiet, DENIED_ANONYMOUS),
        ("sme", announced, (403,)),  # visible behind its public call, not the sme's to change
        ("centre", quiet, (403,)),
        ("other_editor", quiet, (404,)),
        ("other_editor", announced, (403,)),
    ]:
        act_as(client, people[who])
        with nothing_changes(target):
            response = client.patch(url("programme-detail", target.pk), {"budget": 1}, content_type=JSON)
        assert response.status_code in expected, (who, response.content)

    act_as(client, people["editor"])
    with nothing_changes(quiet):
        response = client.patch(
            url("programme-detail", quiet.pk), {"operator": other_operator.pk}, content_type=JSON
        )
    assert_error(response, 400, "invalid", "operator")
    with nothing_changes(quiet):
        response = client.patch(url("programme-detail", quiet.pk), {"budget": -1}, content_type=JSON)
    assert_error(response, 400, "invalid", "budget")


def test_programme_filters(client, people, operator):
    a = factories.make_programme(operator, name_ko="로봇 활용 사업", programme_type="robot", fiscal_year=2026)
    b = factories.make_programme(operator, name_ko="구축 사업", fiscal_year=2027)
    act_as(client, people["editor"])

    def ids(**params):
        return [row["id"] for row in client.get(url("programme-list"), params).json()["results"]]

    assert ids(q="로봇") == [a.pk]
    assert ids(programme_type="robot") == [a.pk]
    assert ids(fiscal_year=2027) == [b.pk]


def test_programme_list_keeps_a_constant_number_of_queries(client, people, operator):
    act_as(client, people["editor"])

    def add():
        programme = factories.make_programme(operator)
        factories.make_call(operator, programme=programme, status=CallStatus.OPEN)

    add()
    with CaptureQueriesContext(connection) as one:
        assert client.get(url("programme-list")).json()["count"] == 1
    add()
    add()
    with CaptureQueriesContext(connection) as three:
        assert client.get(url("programme-list")).json()["count"] == 3
    assert len(three) == len(one), [q["sql"] for q in three.captured_queries]


# --- calls: reading -------------------------------------------------------------------------------------


def test_anonymous_sees_every_public_call_and_no_draft(client, operator, other_operator, people):
    draft = factories.make_call(operator)
    public = [
        factories.make_call(operator, status=s)
        for s in (CallStatus.PUBLISHED, CallStatus.OPEN, CallStatus.CLOSED, CallStatus.CONCLUDED)
    ]
    foreign_draft = factories.make_call(other_operator)

    def ids(who, **params):
        response = act_as(client, people[who]).get(url("call-list"), params)
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert ids("anonymous") == {c.pk for c in public}
    assert ids("sme") == {c.pk for c in public}
    assert ids("editor") == {draft.pk, *(c.pk for c in public)}
    assert ids("other_editor") == {foreign_draft.pk, *(c.pk for c in public)}
    assert ids("anonymous", status="closed") == {public[2].pk}
    assert ids("anonymous", phase="current") == {public[0].pk, public[1].pk}
    for who in ("anonymous", "sme", "other_editor"):
        assert act_as(client, people[who]).get(url("call-detail", draft.pk)).status_code == 404


def test_call_detail_nests_tracks_documents_and_rules(client, operator):
    call = factories.make_call(operator, status=CallStatus.OPEN, opens_in_days=-1)
    track = factories.make_track(
        call,
        "advanced",
        funders=(
            ("central_government", "0.5", ADVANCED_CAP, "0.7", 280_000_000),
            ("province", "0.15", None),
        ),
        bonus_regions=["47"],
        minimum_current_level="intermediate_1",
    )
    call.eligible_regions.set(["41", "47"])
    RequiredDocument.objects.create(call=call, kind="business_plan", name_ko="사업계획서")
    rule = EligibilityRule.objects.create(call=call, track=track, kind="production_facility", params={})

    response = act_as(client, None).get(url("call-detail", call.pk))
    assert response.status_code == 200
    body = response.json()
    assert body["eligible_regions"] == ["41", "47"]
    assert body["body_ko"] == call.body_ko
    (nested,) = body["tracks"]
    assert nested["id"] == track.pk
    assert nested["minimum_current_level"] == "intermediate_1"
    assert nested["bonus_regions"] == ["47"]
    assert nested["funders"] == [
        {
            "role": "central_government",
            "rate": "0.5000",
            "cap": 200_000_000,
            "bonus_rate": "0.7000",
            "bonus_cap": 280_000_000,
        },
        {"role": "province", "rate": "0.1500", "cap": None, "bonus_rate": None, "bonus_cap": None},
    ]
    assert [d["kind"] for d in body["required_documents"]] == ["business_plan"]
    assert body["eligibility_rules"] == [
        {
            "id": rule.pk,
            "call": call.pk,
            "track": track.pk,
            "kind": "production_facility",
            "kind_label_ko": "생산시설 보유",
            "kind_label_en": "Production facility",
            "params": {},
            "is_active": True,
            "order": 0,
        }
    ]


def test_call_list_filters_by_region_and_level(client, operator):
    nationwide = published_call(operator, levels=("basic",))
    gyeonggi = published_call(operator, levels=("intermediate_1",))
    gyeonggi.eligible_regions.set(["41"])
    busan = published_call(operator, levels=("basic",))
    busan.eligible_regions.set(["26"])
    act_as(client, None)

    def ids(**params):
        return {row["id"] for row in client.get(url("call-list"), params).json()["results"]}

    assert ids(region="41") == {nationwide.pk, gyeonggi.pk}
    assert ids(level="intermediate_1") == {gyeonggi.pk}
    assert ids(q=busan.reference) == {busan.pk}
    response = client.get(url("call-list"), {"region": "99"})
    assert_error(response, 400, "invalid", "region")


@pytest.mark.parametrize("who", ["anonymous", "editor"])
def test_call_list_keeps_a_constant_number_of_queries(client, people, operator, who):
    act_as(client, people[who])

    def add():
        call = published_call(operator, levels=())
        factories.make_track(call, "basic", bonus_regions=["47"])
        factories.make_track(
            call,
            "intermediate_1",
            funders=(("central_government", "0.5", 100_000_000), ("province", "0.1", None)),
        )
        call.eligible_regions.set(["41"])
        call.eligible_sectors.set(["C29"])

    add()
    with CaptureQueriesContext(connection) as one:
        assert client.get(url("call-list")).json()["count"] == 1
    add()
    add()
    with CaptureQueriesContext(connection) as three:
        response = client.get(url("call-list"))
    assert response.json()["count"] == 3
    assert all(len(row["tracks"]) == 2 for row in response.json()["results"])
    assert len(three) == len(one), [q["sql"] for q in three.captured_queries]


# --- calls: writing -------------------------------------------------------------------------------------


def call_payload(programme, **extra):
    data = dict(
        programme=programme.pk,
        title_ko="2027년 스마트공장 구축 지원 공고",
        body_ko="제조 중소기업의 스마트공장 구축을 지원합니다.",
        opens_at="2027-01-10T09:00:00+09:00",
        closes_at="2027-02-10T18:00:00+09:00",
        total_budget=5_000_000_000,
        eligible_regions=["41", "11"],
        eligible_sectors=["C29"],
    )
    data.update(extra)
    return data


@pytest.mark.parametrize(
    ("who", "status", "field"),
    [
        ("anonymous", DENIED_ANONYMOUS, None),
        ("sme", (403,), None),
        ("centre", (403,), None),
        ("other_editor", (400,), "programme"),
    ],
)
def test_call_create_refusals_change_nothing(client, people, operator, who, status, field):
    programme = factories.make_programme(operator)
    act_as(client, people[who])
    with nothing_changes(programme):
        response = client.post(url("call-list"), call_payload(programme), content_type=JSON)
    assert response.status_code in status, response.content
    if field:
        body = assert_error(response, 400, "invalid", field)
        assert body["errors"][field] == ["이 지원사업에 공고를 만들 권한이 없거나 없는 지원사업입니다."]


def test_call_create_makes_a_draft_with_the_default_rules(client, people, operator):
    programme = factories.make_programme(operator)
    act_as(client, people["editor"])
    response = client.post(url("call-list"), call_payload(programme), content_type=JSON)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft"
    assert body["eligible_regions"] == ["11", "41"]
    assert body["eligible_sectors"] == ["C29"]
    assert body["reference"].startswith(f"{programme.fiscal_year}-{operator.code}-")
    assert [r["kind"] for r in body["eligibility_rules"]] == [
        "sme_size",
        "production_facility",
        "minimum_level",
        "required_documents",
        "supplier_approved",
        "no_duplicate_support",
        "declarations",
    ]
    # The draft is the operator's: nobody else can see it.
    assert act_as(client, None).get(url("call-detail", body["id"])).status_code == 404


def test_call_create_with_dates_out_of_order_is_refused(client, people, operator):
    programme = factories.make_programme(operator)
    act_as(client, people["editor"])
    with nothing_changes():
        response = client.post(
            url("call-list"),
            call_payload(programme, closes_at="2027-01-01T09:00:00+09:00"),
            content_type=JSON,
        )
    body = assert_error(response, 400, "dates_order", "closes_at")
    assert body["message"] == "접수 마감은 접수 시작보다 뒤여야 합니다. 날짜와 시각을 확인해 주십시오."


def test_call_update_matrix(client, people, operator, other_operator):
    draft = factories.make_call(operator)
    open_call = published_call(operator)
    for who, target, expected in [
        ("anonymous", draft, DENIED_ANONYMOUS),
        ("sme", open_call, (403,)),
        ("centre", draft, (403,)),
        ("other_editor", draft, (404,)),
        ("other_editor", open_call, (403,)),
    ]:
        act_as(client, people[who])
        with nothing_changes(target):
            response = client.patch(url("call-detail", target.pk), {"title_ko": "HACKED"}, content_type=JSON)
        assert response.status_code in expected, (who, response.content)

    act_as(client, people["editor"])
    response = client.patch(
        url("call-detail", draft.pk), {"title_ko": "고친 제목", "eligible_regions": ["47"]}, content_type=JSON
    )
    assert response.status_code == 200, response.content
    assert response.json()["title_ko"] == "고친 제목"
    assert response.json()["eligible_regions"] == ["47"]

    other_programme = factories.make_programme(other_operator)
    with nothing_changes(draft):
        response = client.patch(
            url("call-detail", draft.pk), {"programme": other_programme.pk}, content_type=JSON
        )
    assert_error(response, 400, "invalid", "programme")


def test_published_call_keeps_its_terms(client, people, operator):
    call = published_call(operator)
    act_as(client, people["editor"])
    with nothing_changes(call):
        response = client.patch(url("call-detail", call.pk), {"total_budget": 1}, content_type=JSON)
    assert_error(response, 400, "field_locked")
    earlier = call.closes_at.replace(year=call.closes_at.year - 1).isoformat()
    with nothing_changes(call):
        response = client.patch(url("call-detail", call.pk), {"closes_at": earlier}, content_type=JSON)
    body = assert_error(response, 409, "deadline_earlier", "closes_at")
    assert body["message"] == "공고된 뒤에는 마감을 앞당길 수 없습니다. 늦추는 것만 가능합니다."
    later = call.closes_at.replace(year=call.closes_at.year + 1).isoformat()
    with nothing_changes(call):
        response = client.patch(url("call-detail", call.pk), {"closes_at": later}, content_type=JSON)
    assert_error(response, 400, "reason_required", "reason")
    response = client.patch(
        url("call-detail", call.pk),
        {"closes_at": later, "reason": "신청 기업 요청으로 연장"},
        content_type=JSON,
    )
    assert response.status_code == 200, response.content
    assert AuditEvent.objects.for_object(call).latest("id").reason == "신청 기업 요청으로 연장"


# --- calls: state actions ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", DENIED_ANONYMOUS), ("sme", (403,)), ("centre", (403,)), ("other_editor", (404,))],
)
@pytest.mark.parametrize(
    ("action", "payload"),
    [
        ("call-publish", {}),
        ("call-cancel", {"reason": "예산 미확정"}),
        ("call-set-state", {"status": "cancelled", "reason": "예산 미확정"}),
        ("call-clone", {}),
    ],
)
def test_state_actions_on_a_draft_are_refused_to_others(
    client, people, operator, who, expected, action, payload
):
    call = factories.make_call(operator)
    factories.make_track(call)
    act_as(client, people[who])
    with nothing_changes(call):
        response = client.post(url(action, call.pk), payload, content_type=JSON)
    assert response.status_code in expected, response.content


def test_other_tenant_may_not_cancel_a_public_call(client, people, operator):
    call = published_call(operator)
    act_as(client, people["other_editor"])
    with nothing_changes(call):
        response = client.post(url("call-cancel", call.pk), {"reason": "x"}, content_type=JSON)
    assert_error(response, 403, "forbidden")


def test_publish_needs_a_track_then_announces(client, people, operator):
    call = factories.make_call(operator)
    act_as(client, people["editor"])
    with nothing_changes(call):
        response = client.post(url("call-publish", call.pk), content_type=JSON)
    body = assert_error(response, 409, "illegal_transition", "status")
    assert body["message"] == "지원 유형(트랙)을 하나 이상 추가해 주십시오."

    factories.make_track(call)
    response = client.post(url("call-publish", call.pk), content_type=JSON)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "published"
    assert response.json()["published_at"] is not None
    event = AuditEvent.objects.for_object(call).get(action="transition")
    assert (event.before, event.after) == ({"status": "draft"}, {"status": "published"})

    with nothing_changes(call):
        response = client.post(url("call-publish", call.pk), content_type=JSON)
    body = assert_error(response, 409, "illegal_transition", "status")
    assert body["message"] == "공고(접수 예정) 상태에서 공고(접수 예정)(으)로 바꿀 수 없습니다."


def test_cancel_needs_a_reason(client, people, operator):
    call = published_call(operator)
    act_as(client, people["editor"])
    for payload in ({}, {"reason": ""}):
        with nothing_changes(call):
            response = client.post(url("call-cancel", call.pk), payload, content_type=JSON)
        body = assert_error(response, 400, "invalid", "reason")
        assert body["errors"]["reason"] == ["공고를 취소하는 사유를 입력해 주십시오. 신청자에게 안내됩니다."]
    response = client.post(url("call-cancel", call.pk), {"reason": "예산 삭감"}, content_type=JSON)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled"
    assert response.json()["cancel_reason"] == "예산 삭감"


def test_set_state_walks_closed_to_concluded_and_refuses_illegal_moves(client, people, operator):
    call = published_call(operator, status=CallStatus.CLOSED)
    act_as(client, people["editor"])
    response = client.post(url("call-set-state", call.pk), {"status": "evaluating"}, content_type=JSON)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "evaluating"
    response = client.post(url("call-set-state", call.pk), {"status": "concluded"}, content_type=JSON)
    assert response.json()["status"] == "concluded"
    assert [
        (e.before["status"], e.after["status"])
        for e in AuditEvent.objects.for_object(call).filter(action="transition").order_by("id")
    ] == [("closed", "evaluating"), ("evaluating", "concluded")]

    with nothing_changes(call):
        response = client.post(url("call-set-state", call.pk), {"status": "open"}, content_type=JSON)
    body = assert_error(response, 409, "illegal_transition", "status")
    assert body["message"] == "선정 완료 상태에서 접수 중(으)로 바꿀 수 없습니다."

    published = published_call(operator, status=CallStatus.PUBLISHED)
    with nothing_changes(published):
        response = client.post(url("call-set-state", published.pk), {"status": "open"}, content_type=JSON)
    body = assert_error(response, 409, "illegal_transition")
    assert body["message"] == "접수 시작과 마감은 공고에 정한 시각에 자동으로 처리됩니다."

    with nothing_changes(published):
        response = client.post(url("call-set-state", published.pk), {"status": "finished"}, content_type=JSON)
    assert_error(response, 400, "invalid", "status")


def test_clone_copies_the_call_into_an_own_programme_only(client, people, operator, other_operator):
    call = published_call(operator, status=CallStatus.CONCLUDED, levels=("basic", "intermediate_1"))
    next_year = factories.make_programme(operator, fiscal_year=2027)
    foreign = factories.make_programme(other_operator)
    act_as(client, people["editor"])
    with nothing_changes(call):
        response = client.post(url("call-clone", call.pk), {"programme": foreign.pk}, content_type=JSON)
    assert_error(response, 400, "invalid", "programme")

    response = client.post(url("call-clone", call.pk), {"programme": next_year.pk}, content_type=JSON)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft"
    assert body["programme"] == next_year.pk
    assert body["cloned_from"] == call.pk
    assert [t["level"] for t in body["tracks"]] == ["basic", "intermediate_1"]
    assert body["opens_at"][:4] == str(call.opens_at.year + 1)

    response = client.post(url("call-clone", call.pk), content_type=JSON)
    assert response.status_code == 201
    assert response.json()["programme"] == call.programme_id


# --- calls: quote -------------------------------------------------------------------------------------------


def quote(client, call, method="get", **params):
    if method == "get":
        return client.get(url("call-quote", call.pk), params)
    return client.post(url("call-quote", call.pk), params, content_type=JSON)


def test_quote_standard_track_cap_binds_exactly(client, operator):
    call = published_call(operator, levels=())
    track = factories.make_track(call, "basic", funders=(("central_government", "0.5", BASIC_CAP),))
    act_as(client, None)
    for method in ("get", "post"):
        with nothing_changes():
            response = quote(client, call, method, track=track.pk, total_cost=123_456_789)
        assert response.status_code == 200, response.content
        assert response.json() == {
            "call": call.pk,
            "track": track.pk,
            "template_version": 1,
            "total_cost": 123_456_789,
            "region": None,
            "rounding_unit": 1000,
            "shares": [
                {
                    "role": "central_government",
                    "rate": "0.5000",
                    "cap": 50_000_000,
                    "amount": 50_000_000,
                    "capped": True,
                    "bonus": False,
                }
            ],
            "funders_total": 50_000_000,
            "sme_share": 73_456_789,
        }


def test_quote_floors_each_share_and_the_sme_pays_the_rest(client, operator):
    call = published_call(operator, levels=())
    intermediate = factories.make_track(
        call, "intermediate_1", funders=(("central_government", "0.5", INTERMEDIATE_1_CAP),)
    )
    local = factories.make_track(
        call,
        "advanced",
        funders=(
            ("central_government", "0.5", ADVANCED_CAP),
            ("province", "0.15", None),
            ("municipality", "0.15", None),
        ),
    )
    coarse = factories.make_track(
        call, "intermediate_2", funders=(("central_government", "0.5", None),), rounding_unit=10_000
    )
    act_as(client, None)

    def amounts(track):
        body = quote(client, call, track=track.pk, total_cost=123_456_789).json()
        assert sum(s["amount"] for s in body["shares"]) + body["sme_share"] == 123_456_789
        return [s["amount"] for s in body["shares"]], body["sme_share"]

    # 0.5 x 123,456,789 = 61,728,394.5 → 61,728,000
    assert amounts(intermediate) == ([61_728_000], 61_728_789)
    # 0.15 x 123,456,789 = 18,518,518.35 → 18,518,000 each
    assert amounts(local) == ([61_728_000, 18_518_000, 18_518_000], 24_692_789)
    # rounding unit 10,000 → 61,720,000
    assert amounts(coarse) == ([61_720_000], 61_736_789)


def test_quote_bonus_region_and_win_win_consortium(client, people, operator):
    call = published_call(operator, levels=())
    advanced = factories.make_track(
        call,
        "advanced",
        funders=(("central_government", "0.5", ADVANCED_CAP, "0.7", 280_000_000),),
        bonus_regions=["47"],
    )
    win_win = factories.make_track(
        call, "basic", funders=(("central_government", "0.3", None), ("large_firm", "0.3", None))
    )
    act_as(client, people["sme"])
    body = quote(client, call, "post", track=advanced.pk, total_cost=300_000_000, region="47").json()
    assert body["shares"] == [
        {
            "role": "central_government",
            "rate": "0.7000",
            "cap": 280_000_000,
            "amount": 210_000_000,
            "capped": False,
            "bonus": True,
        }
    ]
    assert (body["region"], body["sme_share"]) == ("47", 90_000_000)
    body = quote(client, call, "post", track=advanced.pk, total_cost=300_000_000, region="41").json()
    assert [s["amount"] for s in body["shares"]] == [150_000_000]

    with nothing_changes():
        response = quote(client, call, "post", track=win_win.pk, total_cost=123_456_789)
    body = assert_error(response, 400, "funding_input", "consortium_roles")
    assert (
        body["message"]
        == "상생형 과제는 대기업이 컨소시엄에 참여해야 합니다. 컨소시엄에 대기업을 추가해 주십시오."
    )
    response = client.get(
        url("call-quote", call.pk),
        {
            "track": win_win.pk,
            "total_cost": 123_456_789,
            "consortium_roles": ["sme", "supplier", "large_firm"],
        },
    )
    assert response.status_code == 200, response.content
    assert [s["amount"] for s in response.json()["shares"]] == [37_037_000, 37_037_000]
    assert response.json()["sme_share"] == 49_382_789


def test_quote_bad_input_answers_with_field_errors(client, operator, other_operator):
    call = published_call(operator)
    track = call.tracks.get()
    foreign_track = published_call(other_operator).tracks.get()
    act_as(client, None)
    cases = [
        ({"track": foreign_track.pk, "total_cost": 1000}, "invalid", "track"),
        ({"total_cost": 1000}, "invalid", "track"),
        ({"track": track.pk, "total_cost": "12.5"}, "invalid", "total_cost"),
        ({"track": track.pk, "total_cost": -5}, "funding_input", "total_cost"),
        ({"track": track.pk, "total_cost": 0}, "funding_input", "total_cost"),
        ({"track": track.pk, "total_cost": 1000, "region": "99"}, "invalid", "region"),
        (
            {"track": track.pk, "total_cost": 1000, "consortium_roles": ["boss"]},
            "invalid",
            "consortium_roles",
        ),
    ]
    for params, code, field in cases:
        assert_error(quote(client, call, "post", **params), 400, code, field)
    body = assert_error(quote(client, call, **{"track": track.pk, "total_cost": -5}), 400)
    assert body["errors"]["total_cost"] == ["총 사업비는 음수일 수 없습니다. 1원 이상으로 입력해 주십시오."]


def test_quote_on_a_draft_is_hidden_from_outsiders(client, people, operator):
    draft = factories.make_call(operator)
    track = factories.make_track(draft)
    for who in ("anonymous", "sme", "other_editor"):
        response = quote(act_as(client, people[who]), draft, track=track.pk, total_cost=1_000_000)
        assert response.status_code == 404, who
    assert (
        quote(act_as(client, people["editor"]), draft, track=track.pk, total_cost=1_000_000).status_code
        == 200
    )


# --- calls: watch ----------------------------------------------------------------------------------------------


def test_watch_and_unwatch(client, people, operator):
    call = published_call(operator)
    draft = factories.make_call(operator)
    act_as(client, None)
    with nothing_changes():
        assert client.post(url("call-watch", call.pk)).status_code in DENIED_ANONYMOUS
    act_as(client, people["other_sme"])
    with nothing_changes():
        assert client.post(url("call-watch", draft.pk)).status_code == 404

    act_as(client, people["sme"])
    assert client.get(url("call-watch", call.pk)).json() == {"call": call.pk, "watching": False}
    response = client.post(url("call-watch", call.pk))
    assert response.status_code == 200
    assert response.json() == {"call": call.pk, "watching": True}
    assert client.post(url("call-watch", call.pk)).status_code == 200  # twice is once
    assert CallWatch.objects.filter(call=call).count() == 1
    assert client.delete(url("call-watch", call.pk)).status_code == 204
    assert not CallWatch.objects.exists()


# --- tracks --------------------------------------------------------------------------------------------------


def track_payload(call, **extra):
    data = dict(
        call=call.pk,
        level="intermediate_1",
        name_ko="고도화1",
        minimum_current_level="basic",
        allows_fast_track=True,
        bonus_regions=["47"],
        funders=[{"role": "central_government", "rate": "0.5", "cap": 100_000_000}],
    )
    data.update(extra)
    return data


@pytest.mark.parametrize(
    ("who", "status", "field"),
    [
        ("anonymous", DENIED_ANONYMOUS, None),
        ("sme", (403,), None),
        ("centre", (403,), None),
        ("other_editor", (400,), "call"),
    ],
)
def test_track_create_refusals_change_nothing(client, people, operator, who, status, field):
    call = factories.make_call(operator)
    act_as(client, people[who])
    with nothing_changes(call):
        response = client.post(url("track-list"), track_payload(call), content_type=JSON)
    assert response.status_code in status, response.content
    if field:
        assert_error(response, 400, "invalid", field)


def test_track_create_update_and_delete_on_a_draft(client, people, operator):
    call = factories.make_call(operator)
    act_as(client, people["editor"])
    response = client.post(url("track-list"), track_payload(call), content_type=JSON)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["call"] == call.pk
    assert body["bonus_regions"] == ["47"]
    assert body["funders"] == [
        {
            "role": "central_government",
            "rate": "0.5000",
            "cap": 100_000_000,
            "bonus_rate": None,
            "bonus_cap": None,
        }
    ]
    track = Track.objects.get(pk=body["id"])

    response = client.patch(url("track-detail", track.pk), {"projects_planned": 40}, content_type=JSON)
    assert response.status_code == 200, response.content
    assert response.json()["projects_planned"] == 40
    with nothing_changes(track):
        response = client.patch(url("track-detail", track.pk), {"funders": []}, content_type=JSON)
    assert_error(response, 400, "invalid", "funders")

    other = factories.make_call(operator)
    with nothing_changes(track):
        response = client.patch(url("track-detail", track.pk), {"call": other.pk}, content_type=JSON)
    assert_error(response, 400, "invalid", "call")

    assert client.delete(url("track-detail", track.pk)).status_code == 204
    assert not Track.objects.filter(pk=track.pk).exists()


def test_track_template_rates_over_one_are_refused(client, people, operator):
    call = factories.make_call(operator)
    act_as(client, people["editor"])
    funders = [
        {"role": "central_government", "rate": "0.6"},
        {"role": "province", "rate": "0.5"},
    ]
    with nothing_changes():
        response = client.post(url("track-list"), track_payload(call, funders=funders), content_type=JSON)
    body = assert_error(response, 400, "funding_input")
    assert body["message"] == "분담 비율의 합이 100%를 넘습니다(110%). 비율을 줄여 주십시오."


def test_track_changes_after_publishing(client, people, operator):
    call = published_call(operator)
    track = call.tracks.get()
    act_as(client, people["editor"])
    with nothing_changes(track):
        response = client.patch(url("track-detail", track.pk), {"projects_planned": 2}, content_type=JSON)
    assert_error(response, 409, "call_not_draft")
    with nothing_changes(track):
        assert client.delete(url("track-detail", track.pk)).status_code == 409


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", DENIED_ANONYMOUS), ("sme", (403,)), ("centre", (403,)), ("other_editor", (404,))],
)
def test_track_writes_on_a_draft_are_refused_to_others(client, people, operator, who, expected):
    call = factories.make_call(operator)
    track = factories.make_track(call)
    act_as(client, people[who])
    with nothing_changes(track, call):
        assert (
            client.patch(url("track-detail", track.pk), {"order": 3}, content_type=JSON).status_code
            in expected
        )
        assert client.delete(url("track-detail", track.pk)).status_code in expected
        response = client.put(
            url("track-funders", track.pk),
            {"funders": [{"role": "province", "rate": "0.1"}]},
            content_type=JSON,
        )
        assert response.status_code in expected
    if who != "anonymous":
        assert client.get(url("track-detail", track.pk)).status_code == (200 if who == "centre" else 404)


def test_track_funders_replace_the_template(client, people, operator):
    call = published_call(operator)
    track = call.tracks.get()
    act_as(client, people["editor"])
    template = {
        "funders": [
            {"role": "central_government", "rate": "0.5", "cap": 50_000_000},
            {"role": "province", "rate": "0.1", "cap": 5_000_000},
        ]
    }
    with nothing_changes(track):
        response = client.put(url("track-funders", track.pk), template, content_type=JSON)
    assert_error(response, 400, "reason_required", "reason")

    response = client.put(
        url("track-funders", track.pk), {**template, "reason": "도비 매칭 확정"}, content_type=JSON
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["template_version"] == 2
    assert [(f["role"], f["rate"], f["cap"]) for f in body["funders"]] == [
        ("central_government", "0.5000", 50_000_000),
        ("province", "0.1000", 5_000_000),
    ]

    with nothing_changes(track):
        response = client.put(
            url("track-funders", track.pk),
            {"funders": [{"role": "province", "rate": "1.5"}], "reason": "x"},
            content_type=JSON,
        )
    assert_error(response, 400, "invalid", "funders")


def test_track_list_shows_tracks_of_visible_calls(client, people, operator):
    public = published_call(operator)
    draft = factories.make_call(operator)
    factories.make_track(draft)
    act_as(client, people["sme"])
    response = client.get(url("track-list"))
    assert [row["id"] for row in response.json()["results"]] == [public.tracks.get().pk]
    response = client.get(url("track-list"), {"call": public.pk})
    assert response.json()["count"] == 1
    assert act_as(client, None).get(url("track-list")).status_code in DENIED_ANONYMOUS


# --- required documents and eligibility rules ---------------------------------------------------------------------


def test_required_documents(client, people, operator):
    call = factories.make_call(operator)
    payload = {"call": call.pk, "kind": "factory_registration", "name_ko": "공장등록증명서"}
    for who, expected in [("anonymous", DENIED_ANONYMOUS), ("sme", (403,)), ("other_editor", (400,))]:
        act_as(client, people[who])
        with nothing_changes(call):
            response = client.post(url("required-document-list"), payload, content_type=JSON)
        assert response.status_code in expected, who

    act_as(client, people["editor"])
    response = client.post(url("required-document-list"), payload, content_type=JSON)
    assert response.status_code == 201, response.content
    doc = RequiredDocument.objects.get(pk=response.json()["id"])
    with nothing_changes(doc):
        response = client.post(url("required-document-list"), payload, content_type=JSON)
    body = assert_error(response, 400, "duplicate", "kind")
    assert body["message"] == "같은 서류가 이미 있습니다."

    act_as(client, people["other_editor"])
    with nothing_changes(doc):
        assert client.delete(url("required-document-detail", doc.pk)).status_code == 404
    act_as(client, people["editor"])
    assert client.delete(url("required-document-detail", doc.pk)).status_code == 204
    assert not RequiredDocument.objects.exists()


def test_eligibility_rules(client, people, operator, other_operator):
    call = factories.make_call(operator)
    track = factories.make_track(call)
    foreign_track = factories.make_track(factories.make_call(other_operator))
    other_own_track = factories.make_track(factories.make_call(operator))
    payload = {"call": call.pk, "track": track.pk, "kind": "sme_size", "params": {"max_employees": 300}}
    for who, expected in [
        ("anonymous", DENIED_ANONYMOUS),
        ("sme", (403,)),
        ("centre", (403,)),
        ("other_editor", (400,)),
    ]:
        act_as(client, people[who])
        with nothing_changes(call):
            response = client.post(url("eligibility-rule-list"), payload, content_type=JSON)
        assert response.status_code in expected, who

    act_as(client, people["editor"])
    for bad_track in (foreign_track, other_own_track):
        with nothing_changes(call):
            response = client.post(
                url("eligibility-rule-list"), {**payload, "track": bad_track.pk}, content_type=JSON
            )
        body = assert_error(response, 400, "invalid", "track")
        assert body["errors"]["track"] == [
            "이 공고의 지원 유형이 아닙니다. 지원 유형 번호를 확인해 주십시오."
        ]
    with nothing_changes(call):
        response = client.post(
            url("eligibility-rule-list"), {**payload, "params": {"max_employees": "many"}}, content_type=JSON
        )
    body = assert_error(response, 400, "rule_params", "max_employees")
    assert body["message"] == "상시 근로자 수 상한(명, 비우면 적용 안 함): 정수를 입력해 주십시오."

    response = client.post(url("eligibility-rule-list"), payload, content_type=JSON)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["params"] == {
        "max_employees": 300,
        "max_revenue": None,
        "revenue_caps_by_sector": {},
        "combine": "any",
    }
    rule = EligibilityRule.objects.get(pk=body["id"])
    response = client.patch(
        url("eligibility-rule-detail", rule.pk),
        {"params": {"max_employees": 200}, "is_active": False},
        content_type=JSON,
    )
    assert response.status_code == 200, response.content
    assert (response.json()["params"]["max_employees"], response.json()["is_active"]) == (200, False)
    assert response.json()["track"] == track.pk

    act_as(client, people["other_editor"])
    with nothing_changes(rule):
        assert (
            client.patch(
                url("eligibility-rule-detail", rule.pk), {"is_active": True}, content_type=JSON
            ).status_code
            == 404
        )
        assert client.delete(url("eligibility-rule-detail", rule.pk)).status_code == 404
    act_as(client, people["editor"])
    assert client.delete(url("eligibility-rule-detail", rule.pk)).status_code == 204


# --- funding quotes ----------------------------------------------------------------------------------------------


def test_funding_quotes(client, people, operator, company, other_company):
    call = published_call(operator, levels=())
    track = factories.make_track(call, "basic", funders=(("central_government", "0.5", BASIC_CAP),))
    draft_track = factories.make_track(factories.make_call(factories.make_operator("숨은 기관")))
    payload = {"track": track.pk, "company": company.pk, "total_cost": 123_456_789, "label": "1차 견적"}
    for who, expected, field in [
        ("anonymous", DENIED_ANONYMOUS, None),
        ("editor", (403,), None),  # quotes are the company's own
        ("other_sme", (400,), "company"),
    ]:
        act_as(client, people[who])
        with nothing_changes(company):
            response = client.post(url("funding-quote-list"), payload, content_type=JSON)
        assert response.status_code in expected, who
        if field:
            assert_error(response, 400, "invalid", field)
    act_as(client, people["sme"])
    with nothing_changes():
        response = client.post(
            url("funding-quote-list"), {**payload, "track": draft_track.pk}, content_type=JSON
        )
    assert_error(response, 400, "invalid", "track")

    response = client.post(url("funding-quote-list"), payload, content_type=JSON)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["call"], body["region"], body["sme_share"], body["template_version"]) == (
        call.pk,
        "41",
        73_456_789,
        1,
    )
    assert [s["amount"] for s in body["shares"]] == [50_000_000]
    assert body["revisions"] == []
    stored = FundingQuote.objects.get(pk=body["id"])

    for who, expected in [("sme", 200), ("editor", 200), ("other_sme", 404), ("other_editor", 404)]:
        assert (
            act_as(client, people[who]).get(url("funding-quote-detail", stored.pk)).status_code == expected
        ), who
    assert act_as(client, people["other_sme"]).get(url("funding-quote-list")).json()["count"] == 0

    # The template changes: the stored quote is recomputed and keeps its old amounts as a revision.
    services.track_set_funders(
        people["editor"],
        track,
        [{"role": "central_government", "rate": Decimal("0.5"), "cap": INTERMEDIATE_1_CAP}],
        reason="한도 상향",
    )
    assert services.recompute_call_quotes(call.pk) == 1
    body = act_as(client, people["sme"]).get(url("funding-quote-detail", stored.pk)).json()
    assert (body["sme_share"], body["template_version"]) == (61_728_789, 2)
    (revision,) = body["revisions"]
    assert (revision["from_version"], revision["to_version"]) == (1, 2)
    assert (revision["old_sme_share"], revision["new_sme_share"]) == (73_456_789, 61_728_789)
    assert [s["amount"] for s in revision["old_shares"]] == [50_000_000]
    assert [s["amount"] for s in revision["new_shares"]] == [61_728_000]


def test_funding_quote_needs_the_large_firm_on_a_win_win_track(client, people, operator, company):
    call = published_call(operator, levels=())
    track = factories.make_track(
        call, funders=(("central_government", "0.3", None), ("large_firm", "0.3", None))
    )
    act_as(client, people["sme"])
    payload = {"track": track.pk, "company": company.pk, "total_cost": 100_000_000}
    with nothing_changes():
        response = client.post(url("funding-quote-list"), payload, content_type=JSON)
    assert_error(response, 400, "funding_input", "consortium_roles")
    response = client.post(
        url("funding-quote-list"), {**payload, "consortium_roles": ["large_firm", "sme"]}, content_type=JSON
    )
    assert response.status_code == 201
    assert response.json()["consortium_roles"] == ["large_firm", "sme"]
    assert response.json()["sme_share"] == 40_000_000


# --- saved searches -------------------------------------------------------------------------------------------------


def test_saved_searches_are_the_users_own(client, people):
    act_as(client, None)
    with nothing_changes():
        assert (
            client.post(url("saved-search-list"), {"name": "x"}, content_type=JSON).status_code
            in DENIED_ANONYMOUS
        )
    act_as(client, people["sme"])
    response = client.post(
        url("saved-search-list"),
        {"name": "경기 기초", "criteria": {"region": "41", "level": "basic"}},
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    assert response.json()["criteria"] == {"region": "41", "level": "basic"}
    search = SavedSearch.objects.get()
    for criteria, message in [
        ({"region": "99"}, None),
        ({"colour": "blue"}, "알 수 없는 검색 조건입니다: colour"),
    ]:
        with nothing_changes():
            response = client.post(
                url("saved-search-list"), {"name": "x", "criteria": criteria}, content_type=JSON
            )
        body = assert_error(response, 400, "invalid", "criteria")
        if message:
            assert body["errors"]["criteria"] == [message]

    act_as(client, people["other_sme"])
    assert client.get(url("saved-search-list")).json()["count"] == 0
    with nothing_changes(search):
        assert client.get(url("saved-search-detail", search.pk)).status_code == 404
        assert client.delete(url("saved-search-detail", search.pk)).status_code == 404
    act_as(client, people["sme"])
    assert client.delete(url("saved-search-detail", search.pk)).status_code == 204
    assert not SavedSearch.objects.exists()


# --- self-diagnosis ----------------------------------------------------------------------------------------------------


BASIC_ANSWERS = {q.code: q.choices[1].value for q in diagnosis.QUESTIONS}


def test_self_diagnosis_submit_and_read(client, people, company, other_company):
    payload = {"company": company.pk, "answers": BASIC_ANSWERS}
    for who, expected in [("anonymous", DENIED_ANONYMOUS), ("editor", (403,)), ("other_sme", (400,))]:
        act_as(client, people[who])
        with nothing_changes(company):
            response = client.post(url("self-diagnosis-list"), payload, content_type=JSON)
        assert response.status_code in expected, who

    act_as(client, people["sme"])
    missing = {k: v for k, v in BASIC_ANSWERS.items() if k != "kpi"}
    with nothing_changes():
        response = client.post(url("self-diagnosis-list"), {**payload, "answers": missing}, content_type=JSON)
    body = assert_error(response, 400, "diagnosis", "kpi")
    assert body["message"] == "이 문항에 답해 주십시오."

    response = client.post(url("self-diagnosis-list"), payload, content_type=JSON)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["company"], body["score"], body["estimated_level"]) == (company.pk, 33, "basic")
    assert body["area_scores"] == {
        "systems": 33,
        "data": 33,
        "analysis": 33,
        "automation": 33,
        "organisation": 33,
    }
    record = SelfDiagnosis.objects.get()
    assert record.submitted_by == people["sme"]

    assert act_as(client, people["other_sme"]).get(url("self-diagnosis-detail", record.pk)).status_code == 404
    assert act_as(client, people["other_sme"]).get(url("self-diagnosis-list")).json()["count"] == 0
    assert act_as(client, people["sme"]).get(url("self-diagnosis-list")).json()["count"] == 1


@pytest.mark.parametrize("language", ["ko", "en"])
def test_self_diagnosis_questions_follow_the_language(client, language):
    response = client.get(url("self-diagnosis-questions"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    body = response.json()
    assert [q["code"] for q in body["questions"]] == [q.code for q in diagnosis.QUESTIONS]
    first = diagnosis.QUESTIONS[0]
    with translation.override(language):
        assert body["questions"][0]["text"] == str(first.text)
        assert body["questions"][0]["choices"][0] == {
            "value": first.choices[0].value,
            "label": str(first.choices[0].label),
            "points": 0,
        }
        assert body["areas"][0] == {"code": "systems", "label": str(diagnosis.AREAS["systems"])}
    if language == "ko":
        assert body["questions"][0]["text"] == "생산관리시스템(MES)을 어느 정도 쓰고 있습니까?"


# --- recommendations -----------------------------------------------------------------------------------------------------


def test_recommendations_rank_calls_with_reasons(client, people, operator, company, other_company):
    # company: Gyeonggi (41), C29, level "none", 42 employees, has a production facility.
    targeted = published_call(operator, levels=("basic",))
    targeted.eligible_regions.set(["41"])
    nationwide = published_call(operator, levels=("basic",))
    too_high = published_call(operator, levels=("intermediate_2",))
    too_high.tracks.update(minimum_current_level="intermediate_1")
    size_limited = published_call(operator, levels=("basic",))
    EligibilityRule.objects.create(
        call=size_limited,
        kind="sme_size",
        params={"max_employees": 10, "max_revenue": 1_000_000, "combine": "all"},
    )
    EligibilityRule.objects.create(call=nationwide, kind="production_facility", params={})
    factories.make_call(operator)  # a draft is never recommended
    published_call(operator, status=CallStatus.CLOSED)  # nor a closed call

    act_as(client, people["sme"])
    response = client.get(url("recommendations"), {"company": company.pk})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["company"], body["level"], body["level_is_estimate"], body["self_diagnosis"]) == (
        company.pk,
        "none",
        False,
        None,
    )
    rows = body["results"]
    assert [r["call"]["id"] for r in rows] == [targeted.pk, nationwide.pk, size_limited.pk, too_high.pk]
    assert [(r["fit_score"], r["eligible"]) for r in rows] == [
        (85, True),
        (75, True),
        (75, False),
        (0, False),
    ]
    assert rows[0]["track"] == targeted.tracks.get().pk
    assert {
        "text_ko": "귀사 소재 지역을 대상으로 하는 공고입니다",
        "text_en": "This call targets your region",
        "points": 10,
    } in rows[0]["reasons"]
    assert rows[1]["eligibility"] == [
        {
            "kind": "production_facility",
            "outcome": "pass",
            "reason_ko": "생산시설(공장)을 보유하고 있습니다.",
            "reason_en": "The firm has a production facility.",
        }
    ]
    assert [e["outcome"] for e in rows[2]["eligibility"]] == ["fail"]
    assert rows[3]["track"] is None and rows[3]["eligibility"] == []


def test_recommendations_use_the_latest_self_diagnosis_as_an_estimate(client, people, operator, company):
    advancement = published_call(operator, levels=("intermediate_1",))
    advancement.tracks.update(minimum_current_level="basic")
    services.self_diagnosis_submit(
        people["sme"], company, {q.code: q.choices[0].value for q in diagnosis.QUESTIONS}
    )
    latest = services.self_diagnosis_submit(people["sme"], company, BASIC_ANSWERS)
    act_as(client, people["sme"])
    body = client.get(url("recommendations"), {"company": company.pk}).json()
    assert (body["level"], body["level_is_estimate"], body["self_diagnosis"]) == ("basic", True, latest.pk)
    (row,) = body["results"]
    assert row["eligible"] is True
    assert row["fit_score"] == 70  # 50 + 25 next step - 5 estimate
    assert any(r["points"] == -5 for r in row["reasons"])


def test_recommendations_access(client, people, company, other_company):
    with nothing_changes():
        assert (
            act_as(client, None).get(url("recommendations"), {"company": company.pk}).status_code
            in DENIED_ANONYMOUS
        )
        response = act_as(client, people["editor"]).get(url("recommendations"), {"company": company.pk})
        assert_error(response, 403, "forbidden")
        response = act_as(client, people["other_sme"]).get(url("recommendations"), {"company": company.pk})
        assert_error(response, 400, "invalid", "company")
        response = act_as(client, people["sme"]).get(url("recommendations"))
        assert_error(response, 400, "invalid", "company")


def test_recommendations_keep_a_constant_number_of_queries(client, people, operator, company):
    act_as(client, people["sme"])

    def add():
        call = published_call(operator, levels=("basic", "intermediate_1"))
        call.eligible_regions.set(["41"])
        EligibilityRule.objects.create(call=call, kind="production_facility", params={})

    add()
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(url("recommendations"), {"company": company.pk}).json()["results"]) == 1
    add()
    add()
    with CaptureQueriesContext(connection) as three:
        assert len(client.get(url("recommendations"), {"company": company.pk}).json()["results"]) == 3
    assert len(three) == len(one), [q["sql"] for q in three.captured_queries]
