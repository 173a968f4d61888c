"""Operator pages of the programs app through Django's test client: who may open what, every form's
happy path and its GOV.UK-style errors (nothing changes on an error), publishing, cancelling, state
moves, cloning, and a query-count guard for the call list."""

import datetime
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from organizations.models import AuditEvent, Operator, Role
from programs import eligibility
from programs.forms_operator import CallForm, rule_form
from programs.models import (
    Call,
    CallStatus,
    EligibilityRule,
    Funder,
    Programme,
    RequiredDocument,
    Track,
)
from tests import factories
from tests.html import h1, summary, summary_anchors, text, title

pytestmark = pytest.mark.django_db

KST = ZoneInfo("Asia/Seoul")


# --- helpers ----------------------------------------------------------------------------------------


def state():
    """Row counts of everything the operator pages write, plus the audit trail."""
    return tuple(
        m.objects.count()
        for m in (Programme, Call, Track, Funder, RequiredDocument, EligibilityRule, AuditEvent)
    )


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def url(name, *args, **kwargs):
    return reverse(f"programs:operator-{name}", args=args, kwargs=kwargs or None)


def funder_post(rows, prefix="funders", total=5, initial=0):
    """Formset data: rows are (role, rate, cap, bonus_rate, bonus_cap) with "" for blanks."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "5",
    }
    for i in range(total):
        row = rows[i] if i < len(rows) else ("", "", "", "", "")
        for name, value in zip(("role", "rate", "cap", "bonus_rate", "bonus_cap"), row, strict=True):
            data[f"{prefix}-{i}-{name}"] = value
    return data


TRACK_POST = {
    "level": "basic",
    "name_ko": "기초형",
    "name_en": "Basic",
    "minimum_current_level": "none",
    "allows_fast_track": "on",
    "max_duration_months": "9",
    "projects_planned": "120",
    "rounding_unit": "1,000",
}


def call_post(**overrides):
    data = {
        "title_ko": "2027년 스마트공장 구축 지원사업 공고",
        "title_en": "2027 smart factory call",
        "body_ko": "제조 중소기업의 스마트공장 구축을 지원합니다.\n\n신청 방법은 아래와 같습니다.",
        "body_en": "",
        "opens_date": "2027. 3. 15.",
        "opens_time": "09:00",
        "closes_date": "2027.4.15",
        "closes_time": "18:00",
        "total_budget": "1,500,000,000",
        "delivery_model": "standard",
        "regions": ["47", "48"],
        "sectors": ["C29"],
        "rubric_reference": "2027 구축사업 평가표",
        "contact_name": "김담당",
        "contact_phone": "02-123-4567",
        "contact_email": "call@kosmo.example.kr",
        "results_public": "on",
    }
    data.update(overrides)
    return data


# --- fixtures -------------------------------------------------------------------------------------


@pytest.fixture
def admin(operator):
    return factories.make_member(Role.OPERATOR_ADMIN, operator=operator, full_name="박관리")


@pytest.fixture
def staff(operator):
    return factories.make_member(Role.OPERATOR_STAFF, operator=operator, full_name="이담당")


@pytest.fixture
def foreign_admin(other_operator):
    return factories.make_member(Role.OPERATOR_ADMIN, operator=other_operator)


@pytest.fixture
def sme(company):
    return factories.make_member(Role.SME_MEMBER, company=company)


@pytest.fixture
def centre_staff(db):
    centre = factories.make_operator("경남센터", kind=Operator.Kind.REGIONAL_CENTRE, region_code="48")
    return factories.make_member(Role.CENTRE_STAFF, operator=centre)


@pytest.fixture
def programme(operator):
    return factories.make_programme(operator, fiscal_year=2027, name_ko="2027년 스마트공장 구축 지원사업")


@pytest.fixture
def call(operator, programme):
    return factories.make_call(operator, programme=programme)


@pytest.fixture
def track(call):
    return factories.make_track(call, name_ko="기초형", funders=(("central_government", "0.5", 50_000_000),))


@pytest.fixture
def document(call):
    return RequiredDocument.objects.create(call=call, kind="business_plan", name_ko="사업계획서")


@pytest.fixture
def rule(call):
    return EligibilityRule.objects.create(
        call=call, kind="no_duplicate_support", params={"years": 3, "same_level": True}
    )


@pytest.fixture
def objects(programme, call, track, document, rule):
    return {"programme": programme, "call": call, "track": track, "document": document, "rule": rule}


def page_urls(o):
    """Every operator page with the object it shows, and the h1 a permitted user sees."""
    call = o["call"]
    return [
        (url("call-list"), "공고 관리"),
        (url("programme-list"), "지원사업 관리"),
        (url("programme-create"), "지원사업 등록"),
        (url("programme-detail", o["programme"].pk), o["programme"].name_ko),
        (url("programme-edit", o["programme"].pk), "지원사업 수정"),
        (url("call-create", o["programme"].pk), "공고 만들기"),
        (url("call-detail", call.pk), call.title_ko),
        (url("call-edit", call.pk), "공고 수정"),
        (url("call-preview", call.pk), call.title_ko),
        (url("call-publish", call.pk), "공고하기"),
        (url("call-cancel", call.pk), "공고 취소"),
        (url("call-clone", call.pk), "이 공고로 새 공고 만들기"),
        (url("track-create", call.pk), "지원 유형 추가"),
        (url("track-edit", o["track"].pk), "지원 유형 수정: 기초형"),
        (url("track-funders", o["track"].pk), "분담 기준 수정: 기초형"),
        (url("track-delete", o["track"].pk), "지원 유형 삭제"),
        (url("document-create", call.pk), "제출 서류 추가"),
        (url("document-delete", o["document"].pk), "제출 서류 삭제"),
        (url("rule-choose", call.pk), "어떤 신청 자격 규칙을 추가하시겠습니까?"),
        (url("rule-create", call.pk, "sme_size"), "신청 자격 규칙: 중소기업 규모"),
        (url("rule-edit", o["rule"].pk), "신청 자격 규칙: 중복 지원 제한"),
        (url("rule-delete", o["rule"].pk), "신청 자격 규칙 삭제"),
    ]


# --- access -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["admin", "staff"])
def test_every_page_opens_for_the_operators_admin_and_staff(client, request, objects, who):
    client.force_login(request.getfixturevalue(who))
    for address, heading in page_urls(objects):
        response = client.get(address)
        assert response.status_code == 200, address
        assert h1(response) == heading, address
        assert not title(response).startswith("오류"), address


def test_index_goes_to_the_call_list(client, admin):
    client.force_login(admin)
    response = client.get(url("index"))
    assert response.status_code == 302
    assert response["Location"] == url("call-list")


def test_anonymous_visitors_are_sent_to_sign_in(client, objects):
    for address, _heading in page_urls(objects):
        response = client.get(address)
        assert response.status_code == 302, address
        assert response["Location"].startswith(reverse("login")), address


@pytest.mark.parametrize("who", ["sme", "centre_staff"])
def test_people_who_do_not_manage_calls_get_403_with_the_reason(client, request, objects, who):
    client.force_login(request.getfixturevalue(who))
    before = state()
    for address, _heading in page_urls(objects):
        response = client.get(address)
        assert response.status_code == 403, address
        assert "운영기관의 관리자와 담당자만" in text(response)
        # Read-only pages refuse the method itself.
        assert client.post(address, {"reason": "x", "name_ko": "HACKED"}).status_code in {403, 405}, address
    assert state() == before


def test_another_operators_admin_gets_404_and_nothing_changes(client, foreign_admin, objects):
    client.force_login(foreign_admin)
    before = state()
    call = Call.objects.get(pk=objects["call"].pk)
    listed = {url("call-list"), url("programme-list"), url("programme-create")}
    posts = {
        url("programme-edit", objects["programme"].pk): {"name_ko": "HACKED", "programme_type": "other"},
        url("call-create", objects["programme"].pk): call_post(title_ko="HACKED"),
        url("call-edit", call.pk): call_post(title_ko="HACKED"),
        url("call-cancel", call.pk): {"reason": "HACKED"},
        url("track-create", call.pk): {
            **TRACK_POST,
            **funder_post([("central_government", "50", "", "", "")]),
        },
        url("track-funders", objects["track"].pk): funder_post([("central_government", "10", "", "", "")]),
    }
    for address, _heading in page_urls(objects):
        if address in listed:
            continue
        assert client.get(address).status_code == 404, address
        posted = client.post(address, posts.get(address, {"reason": "HACKED"}))
        assert posted.status_code in {404, 405}, address
    assert client.get(url("call-transition", call.pk) + "?to=evaluating").status_code == 404
    assert state() == before
    call.refresh_from_db()
    assert (call.title_ko, call.status) == (objects["call"].title_ko, CallStatus.DRAFT)
    # Their own lists do not show our records.
    assert objects["call"].reference not in text(client.get(url("call-list")))
    assert objects["programme"].name_ko not in text(client.get(url("programme-list")))


def test_published_calls_of_another_operator_are_still_404_on_management_pages(
    client, foreign_admin, call, track
):
    Call.objects.filter(pk=call.pk).update(status=CallStatus.PUBLISHED)
    client.force_login(foreign_admin)
    for name in ("call-detail", "call-edit", "call-preview", "call-cancel", "call-clone"):
        assert client.get(url(name, call.pk)).status_code == 404, name
    assert client.post(url("call-cancel", call.pk), {"reason": "x"}).status_code == 404
    assert Call.objects.get(pk=call.pk).status == CallStatus.PUBLISHED


# --- programmes ------------------------------------------------------------------------------------------


def test_programme_create_for_the_one_operator(client, admin, operator):
    client.force_login(admin)
    page = client.get(url("programme-create"))
    assert 'name="operator"' not in page.content.decode()  # one operator: nothing to ask
    assert operator.name_ko in text(page)
    response = client.post(
        url("programme-create"),
        {
            "name_ko": "2027년 스마트공장 구축 지원사업",
            "name_en": "2027 Smart Factory Programme",
            "programme_type": "construction",
            "fiscal_year": "2027",
            "budget": "10,000,000,000",
            "description_ko": "설명",
        },
    )
    programme = Programme.objects.get(name_ko="2027년 스마트공장 구축 지원사업")
    assert response.status_code == 302
    assert response["Location"] == url("programme-detail", programme.pk)
    assert (programme.operator, programme.fiscal_year, programme.budget) == (operator, 2027, 10_000_000_000)
    assert AuditEvent.objects.filter(object_id=str(programme.pk), action="create").count() == 1
    detail = client.get(response["Location"])
    assert messages_of(detail) == ["지원사업을 등록했습니다. 이제 공고를 만들 수 있습니다."]
    assert "10,000,000,000원" in text(detail)


def test_programme_create_errors_keep_input_and_change_nothing(client, admin):
    client.force_login(admin)
    before = state()
    response = client.post(
        url("programme-create"),
        {"name_ko": "", "name_en": "Kept English", "programme_type": "", "fiscal_year": "27", "budget": "-5"},
    )
    assert response.status_code == 200
    assert title(response).startswith("오류: ")
    assert summary(response) == [
        "사업명(한국어)을 입력해 주십시오.",
        "사업 유형을 선택해 주십시오.",
        "회계연도는 2014년 이후여야 합니다.",
        "예산은 0원 이상이어야 합니다.",
    ]
    assert summary_anchors(response) == ["id_name_ko", "id_programme_type", "id_fiscal_year", "id_budget"]
    body = response.content.decode()
    assert 'value="Kept English"' in body
    assert 'aria-invalid="true"' in body
    assert "novalidate" in body
    assert state() == before


def test_programme_create_asks_which_operator_when_there_are_several(client, admin, other_operator):
    factories.make_member(Role.OPERATOR_STAFF, operator=other_operator, email="two@example.kr")
    from organizations.models import Membership, User

    user = User.objects.get(email="two@example.kr")
    Membership.objects.create(
        user=user, role=Role.OPERATOR_ADMIN, operator=admin.memberships.first().operator
    )
    client.force_login(user)
    page = client.get(url("programme-create"))
    assert 'name="operator"' in page.content.decode()
    response = client.post(
        url("programme-create"),
        {"name_ko": "x", "programme_type": "other", "fiscal_year": "2027", "budget": "1"},
    )
    assert summary(response) == ["운영기관을 선택해 주십시오."]


def test_programme_edit_and_no_change(client, admin, programme):
    client.force_login(admin)
    edit = url("programme-edit", programme.pk)
    page = client.get(edit)
    assert 'value="10,000,000,000"' in page.content.decode()
    data = {
        "name_ko": programme.name_ko,
        "name_en": "",
        "programme_type": programme.programme_type,
        "fiscal_year": "2027",
        "budget": "10,000,000,000",
        "description_ko": "",
        "description_en": "",
        "reason": "",
    }
    response = client.post(edit, data)
    assert response.status_code == 302
    assert "변경된 내용이 없습니다." in messages_of(client.get(response["Location"]))
    response = client.post(edit, {**data, "budget": "12,000,000,000", "reason": "추경"})
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.budget == 12_000_000_000
    event = AuditEvent.objects.filter(object_id=str(programme.pk), action="update").latest("pk")
    assert event.reason == "추경"


def test_programme_list_filter_and_pagination(client, admin, operator, other_operator):
    for i in range(21):
        factories.make_programme(operator, fiscal_year=2026, name_ko=f"사업 {i:02d}")
    factories.make_programme(operator, fiscal_year=2027, name_ko="내년 사업")
    factories.make_programme(other_operator, fiscal_year=2027, name_ko="남의 사업")
    client.force_login(admin)
    first = client.get(url("programme-list"))
    assert "검색 결과 22건" in text(first)
    assert "남의 사업" not in text(first)
    assert "현재 페이지 1" in text(first)
    second = client.get(url("programme-list"), {"page": 2})
    assert second.status_code == 200
    assert title(second).startswith("지원사업 관리 (2쪽)")
    filtered = client.get(url("programme-list"), {"fiscal_year": 2027})
    assert "검색 결과 1건" in text(filtered)
    assert "내년 사업" in text(filtered)
    assert "전체" in text(filtered)  # select labels say "all", not dashes


def test_programme_detail_lists_its_calls(client, admin, programme, call):
    client.force_login(admin)
    response = client.get(url("programme-detail", programme.pk))
    assert call.title_ko in text(response)
    assert "작성 중" in text(response)
    assert url("call-create", programme.pk) in response.content.decode()


# --- calls ------------------------------------------------------------------------------------------


def test_call_create_in_korean_time_with_won_and_checkboxes(client, admin, programme):
    client.force_login(admin)
    page = client.get(url("call-create", programme.pk))
    assert "한국 시간(KST)" in text(page)
    assert 'type="checkbox" name="regions"' in page.content.decode()
    response = client.post(url("call-create", programme.pk), call_post())
    call = Call.objects.get(title_ko="2027년 스마트공장 구축 지원사업 공고")
    assert response.status_code == 302
    assert response["Location"] == url("call-detail", call.pk)
    assert call.opens_at == datetime.datetime(2027, 3, 15, 9, 0, tzinfo=KST)
    assert call.closes_at == datetime.datetime(2027, 4, 15, 18, 0, tzinfo=KST)
    assert call.total_budget == 1_500_000_000
    assert call.status == CallStatus.DRAFT
    assert sorted(r.code for r in call.eligible_regions.all()) == ["47", "48"]
    assert [s.code for s in call.eligible_sectors.all()] == ["C29"]
    assert call.reference.startswith("2027-")
    assert call.eligibility_rules.count() == len(eligibility.DEFAULT_RULES)
    detail = client.get(response["Location"])
    body = text(detail)
    assert "2027. 3. 15.(월) 09:00 ~ 2027. 4. 15.(목) 18:00" in body
    assert "1,500,000,000원" in body
    assert "경상북도" in body


def test_call_create_closing_before_opening_is_refused(client, admin, programme):
    client.force_login(admin)
    before = state()
    response = client.post(
        url("call-create", programme.pk), call_post(closes_date="2027. 3. 1.", closes_time="18:00")
    )
    assert response.status_code == 200
    assert title(response).startswith("오류: ")
    assert summary(response) == ["접수 마감은 접수 시작보다 뒤여야 합니다. 날짜와 시각을 확인해 주십시오."]
    assert summary_anchors(response) == ["id_closes_date"]
    body = response.content.decode()
    assert 'value="2027. 3. 1."' in body  # what was typed is kept
    assert 'value="1,500,000,000"' in body
    assert 'value="47" id="id_regions_' in body and "checked" in body
    assert state() == before


def test_call_create_field_errors(client, admin, programme):
    client.force_login(admin)
    before = state()
    response = client.post(
        url("call-create", programme.pk),
        call_post(
            title_ko="",
            opens_date="3월 15일",
            opens_time="25:00",
            total_budget="일억",
            delivery_model="",
            contact_email="nope",
        ),
    )
    assert summary(response) == [
        "공고명(한국어)을 입력해 주십시오.",
        "날짜를 2027. 3. 15. 형식으로 입력해 주십시오.",
        "시각을 24시간제 09:00 형식으로 입력해 주십시오.",
        "총 지원 예산은 원 단위 숫자로 입력해 주십시오. 예: 1,500,000,000",
        "추진 유형을 선택해 주십시오.",
        "이메일 주소를 name@example.kr 형식으로 입력해 주십시오.",
    ]
    assert "id_delivery_model_0" in summary_anchors(response)
    assert state() == before


def test_call_edit_draft_changes_terms_and_regions(client, admin, call):
    client.force_login(admin)
    edit = url("call-edit", call.pk)
    page = client.get(edit)
    opens = timezone.localtime(call.opens_at, KST)
    assert f'value="{opens.year}. {opens.month}. {opens.day}."' in page.content.decode()
    data = {k: v for k, v in call_post().items()}
    response = client.post(edit, {**data, "reason": "문구 정리"})
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.title_ko == data["title_ko"]
    assert call.opens_at == datetime.datetime(2027, 3, 15, 9, 0, tzinfo=KST)
    assert sorted(r.code for r in call.eligible_regions.all()) == ["47", "48"]


def test_call_edit_after_publishing_allows_wording_and_a_later_deadline_with_reason(
    client, admin, call, track
):
    Call.objects.filter(pk=call.pk).update(status=CallStatus.PUBLISHED)
    call.refresh_from_db()
    client.force_login(admin)
    edit = url("call-edit", call.pk)
    page = client.get(edit)
    body = page.content.decode()
    assert 'name="total_budget"' not in body
    assert 'name="regions"' not in body
    assert 'name="opens_date"' not in body
    closes = timezone.localtime(call.closes_at, KST)
    later = closes + datetime.timedelta(days=7)
    earlier = closes - datetime.timedelta(days=1)
    base = {
        "title_ko": call.title_ko,
        "title_en": call.title_en,
        "body_ko": call.body_ko,
        "body_en": call.body_en,
        "closes_date": f"{later.year}. {later.month}. {later.day}.",
        "closes_time": later.strftime("%H:%M"),
        "rubric_reference": "",
        "contact_name": "",
        "contact_phone": "",
        "contact_email": "",
        "reason": "",
    }
    before = state()
    response = client.post(edit, base)
    assert summary(response) == ["마감을 연장하는 사유를 입력해 주십시오."]
    assert state() == before
    response = client.post(
        edit,
        {**base, "closes_date": f"{earlier.year}-{earlier.month:02d}-{earlier.day:02d}", "reason": "당김"},
    )
    assert summary(response) == ["공고된 뒤에는 마감을 앞당길 수 없습니다. 늦추는 것만 가능합니다."]
    assert Call.objects.get(pk=call.pk).closes_at == call.closes_at
    response = client.post(edit, {**base, "reason": "신청 기업 요청으로 1주 연장"})
    assert response.status_code == 302
    assert Call.objects.get(pk=call.pk).closes_at == later.replace(second=0, microsecond=0)


def test_call_edit_is_refused_once_receipt_has_closed(client, admin, call):
    Call.objects.filter(pk=call.pk).update(status=CallStatus.CLOSED)
    client.force_login(admin)
    response = client.get(url("call-edit", call.pk), follow=True)
    assert "접수 종료 상태의 공고는 수정할 수 없습니다." in messages_of(response)
    assert h1(response) == call.title_ko


def test_call_list_by_status_and_search(client, admin, operator, other_operator, programme):
    draft = factories.make_call(operator, programme=programme, title_ko="작성 중인 공고")
    open_call = factories.make_call(operator, programme=programme, status="open", title_ko="접수 중인 공고")
    factories.make_call(other_operator, status="open", title_ko="남의 공고")
    client.force_login(admin)
    everything = text(client.get(url("call-list")))
    assert "공고 2건" in everything
    assert "남의 공고" not in everything
    assert "작성 중 1" in everything and "접수 중 1" in everything
    only_open = client.get(url("call-list"), {"status": "open"})
    assert "공고 1건" in text(only_open)
    assert open_call.title_ko in text(only_open) and draft.title_ko not in text(only_open)
    assert 'href="?status=open" aria-current="page"' in only_open.content.decode()
    searched = client.get(url("call-list"), {"q": draft.reference})
    assert "공고 1건" in text(searched)


def test_call_list_keeps_a_constant_number_of_queries(client, admin, operator, programme):
    client.force_login(admin)

    def measure():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url("call-list")).status_code == 200
        return len(ctx.captured_queries)

    factories.make_track(factories.make_call(operator, programme=programme))
    one = measure()
    for status in ("open", "cancelled"):
        call = factories.make_call(operator, programme=factories.make_programme(operator), status=status)
        factories.make_track(call)
        factories.make_track(call, level="advanced")
    assert measure() == one


def test_call_detail_shows_tracks_documents_rules_and_next_steps(client, admin, call, track, document):
    factories.make_track(
        call,
        level="advanced",
        name_ko="고도형",
        funders=(("central_government", "0.5", 200_000_000, "0.7", 280_000_000), ("province", "0.155", None)),
        bonus_regions=["47"],
    )
    EligibilityRule.objects.create(
        call=call, kind="sme_size", params={"max_employees": 300, "max_revenue": 150_000_000_000}
    )
    EligibilityRule.objects.create(call=call, track=track, kind="region", params={"allowed": ["47", "48"]})
    client.force_login(admin)
    response = client.get(url("call-detail", call.pk))
    body = text(response)
    assert "국비 50% 50,000,000원" in body
    assert "국비 50% 200,000,000원 70% 280,000,000원" in body
    assert "광역 지자체(도비·시비) 15.5% 한도 없음" in body
    assert "비율 기준 34.5%" in body
    assert "우대 지역 경상북도" in body
    assert "사업계획서" in body
    assert "중소기업이어야 합니다: 상시 근로자 300명 이하 또는 연 매출액 1,500억 원 이하." in body
    assert "다음 지역에 있는 기업만 신청할 수 있습니다: 경상북도, 경상남도. 기초형" in body
    assert "공고할 준비가 되었습니다." in body
    assert url("call-publish", call.pk) in response.content.decode()
    assert "접수 시작과 마감은 공고에 정한 시각에 자동으로 처리됩니다." not in body  # draft: not yet


def test_call_preview_shows_what_the_public_will_see(client, admin, call, track, document):
    client.force_login(admin)
    response = client.get(url("call-preview", call.pk))
    body = text(response)
    assert "미리보기" in body and "아직 공개되지 않았습니다" in body
    assert call.body_ko in body
    assert "신청 절차" in body
    assert "사업계획서" in body
    assert "국비" in body
    assert title(response).startswith("미리보기: ")


# --- publishing, cancelling, moving on ---------------------------------------------------------------------


def test_publish_is_blocked_until_the_call_is_ready(client, admin, call):
    client.force_login(admin)
    detail = text(client.get(url("call-detail", call.pk)))
    assert "아직 공고할 수 없습니다." in detail
    assert "지원 유형(트랙)을 하나 이상 추가해 주십시오." in detail
    page = client.get(url("call-publish", call.pk))
    assert "지원 유형(트랙)을 하나 이상 추가해 주십시오." in text(page)
    assert "공고 게시" not in text(page)
    before = state()
    response = client.post(url("call-publish", call.pk))
    assert response.status_code == 200
    assert title(response).startswith("오류: ")
    assert summary(response) == ["지원 유형(트랙)을 하나 이상 추가해 주십시오."]
    assert Call.objects.get(pk=call.pk).status == CallStatus.DRAFT
    assert state() == before


def test_publish_flow(client, admin, call, track):
    client.force_login(admin)
    page = client.get(url("call-publish", call.pk))
    assert "공고 게시" in text(page)
    response = client.post(url("call-publish", call.pk))
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.status == CallStatus.PUBLISHED
    assert call.published_at is not None
    detail = client.get(response["Location"])
    assert any(m.startswith("공고를 게시했습니다.") for m in messages_of(detail))
    body = text(detail)
    assert "공고(접수 예정)" in body
    assert "접수 시작과 마감은 공고에 정한 시각에 자동으로 처리됩니다." in body
    assert url("track-create", call.pk) not in detail.content.decode()  # parts are fixed now
    assert url("track-funders", track.pk) in detail.content.decode()  # the template may still change
    again = client.get(url("call-publish", call.pk), follow=True)
    assert any(m.startswith("이미 공고된 공고입니다.") for m in messages_of(again))


def test_cancel_needs_a_reason(client, admin, call):
    client.force_login(admin)
    before = state()
    response = client.post(url("call-cancel", call.pk), {"reason": "  "})
    assert title(response).startswith("오류: ")
    assert summary(response) == ["공고를 취소하는 사유를 입력해 주십시오. 신청자에게 안내됩니다."]
    assert Call.objects.get(pk=call.pk).status == CallStatus.DRAFT
    assert state() == before
    response = client.post(url("call-cancel", call.pk), {"reason": "예산 불용"})
    assert response.status_code == 302
    call.refresh_from_db()
    assert (call.status, call.cancel_reason) == (CallStatus.CANCELLED, "예산 불용")
    detail = client.get(url("call-detail", call.pk))
    assert "예산 불용" in text(detail)
    assert "이 공고는 더 바꿀 상태가 없습니다." in text(detail)
    # A cancelled call cannot be cancelled again.
    again = client.get(url("call-cancel", call.pk), follow=True)
    assert messages_of(again) == ["공고 취소 상태에서 공고 취소(으)로 바꿀 수 없습니다."]


def test_closed_call_moves_to_evaluating_then_concluded(client, admin, call):
    Call.objects.filter(pk=call.pk).update(status=CallStatus.CLOSED)
    client.force_login(admin)
    detail = client.get(url("call-detail", call.pk)).content.decode()
    move = url("call-transition", call.pk) + "?to=evaluating"
    assert move in detail
    page = client.get(move)
    assert h1(page) == "공고 상태를 '평가 중'(으)로 바꾸시겠습니까?"
    response = client.post(url("call-transition", call.pk), {"to": "evaluating", "reason": "서면평가 시작"})
    assert response.status_code == 302
    assert Call.objects.get(pk=call.pk).status == CallStatus.EVALUATING
    response = client.post(url("call-transition", call.pk), {"to": "concluded", "reason": ""})
    assert Call.objects.get(pk=call.pk).status == CallStatus.CONCLUDED
    event = AuditEvent.objects.filter(object_id=str(call.pk), action="transition").order_by("pk").first()
    assert event.reason == "서면평가 시작"


def test_illegal_moves_are_explained_and_change_nothing(client, admin, call):
    client.force_login(admin)
    response = client.post(url("call-transition", call.pk), {"to": "evaluating"}, follow=True)
    assert messages_of(response) == ["작성 중 상태에서 평가 중(으)로 바꿀 수 없습니다."]
    assert Call.objects.get(pk=call.pk).status == CallStatus.DRAFT
    assert client.get(url("call-transition", call.pk) + "?to=open").status_code == 404  # the clock's move
    assert client.get(url("call-transition", call.pk)).status_code == 404


# --- cloning -----------------------------------------------------------------------------------------------


def test_clone_defaults_to_next_years_programme_and_moves_dates(
    client, admin, operator, programme, call, track, document
):
    nxt = factories.make_programme(operator, fiscal_year=2028, name_ko="2028년 스마트공장 구축 지원사업")
    factories.make_programme(operator, fiscal_year=2028, name_ko="2028 로봇", programme_type="robot")
    client.force_login(admin)
    page = client.get(url("call-clone", call.pk))
    assert re.search(rf'<option value="{nxt.pk}" selected>', page.content.decode())
    response = client.post(url("call-clone", call.pk), {"programme": nxt.pk})
    copy = Call.objects.exclude(pk=call.pk).get()
    assert response["Location"] == url("call-detail", copy.pk)
    assert (copy.programme, copy.status, copy.cloned_from) == (nxt, CallStatus.DRAFT, call)
    assert copy.opens_at == call.opens_at.replace(year=call.opens_at.year + 1)
    assert copy.tracks.count() == 1
    assert copy.required_documents.count() == 1
    assert Funder.objects.filter(track__call=copy).count() == 1


def test_clone_defaults_to_the_same_programme_without_a_next_year(client, admin, programme, call):
    client.force_login(admin)
    page = client.get(url("call-clone", call.pk))
    assert re.search(rf'<option value="{programme.pk}" selected>', page.content.decode())


def test_clone_refuses_another_operators_programme(client, admin, call, other_operator):
    theirs = factories.make_programme(other_operator, fiscal_year=2028)
    client.force_login(admin)
    before = state()
    response = client.post(url("call-clone", call.pk), {"programme": theirs.pk})
    assert summary(response) == ["목록에 있는 지원사업을 선택해 주십시오."]
    assert state() == before


# --- tracks and cost-share templates ----------------------------------------------------------------------


def test_track_create_with_a_template_in_percent(client, admin, call):
    client.force_login(admin)
    page = client.get(url("track-create", call.pk))
    body = page.content.decode()
    assert 'name="funders-0-role"' in body and 'name="funders-4-role"' in body
    assert 'value="50"' in body  # seeded from the call's delivery model (standard: 국비 50%)
    assert 'value="1,000"' in body  # rounding unit default
    data = {
        **TRACK_POST,
        "bonus_regions": ["47"],
        **funder_post(
            [
                ("central_government", "50", "50,000,000", "70%", "70,000,000"),
                ("province", "15.5", "", "", ""),
            ]
        ),
    }
    response = client.post(url("track-create", call.pk), data)
    assert response.status_code == 302
    track = call.tracks.get()
    assert (track.name_ko, track.rounding_unit, track.projects_planned) == ("기초형", 1000, 120)
    assert track.allows_fast_track is True
    assert [r.code for r in track.bonus_regions.all()] == ["47"]
    funders = [(f.role, f.rate, f.cap, f.bonus_rate, f.bonus_cap) for f in track.funders.all()]
    assert funders == [
        ("central_government", Decimal("0.5000"), 50_000_000, Decimal("0.7000"), 70_000_000),
        ("province", Decimal("0.1550"), None, None, None),
    ]


def test_track_create_rates_over_100_percent_change_nothing(client, admin, call):
    client.force_login(admin)
    before = state()
    data = {
        **TRACK_POST,
        **funder_post([("central_government", "60", "", "", ""), ("province", "50", "", "", "")]),
    }
    response = client.post(url("track-create", call.pk), data)
    assert response.status_code == 200
    assert title(response).startswith("오류: ")
    assert summary(response) == ["분담 비율의 합이 100%를 넘습니다(110%). 비율을 줄여 주십시오."]
    assert summary_anchors(response) == ["id_funders-0-rate"]
    body = response.content.decode()
    assert 'id="funders-error"' in body
    assert 'value="60"' in body and 'value="50"' in body  # input kept
    assert state() == before


def test_track_create_row_errors(client, admin, call):
    client.force_login(admin)
    before = state()
    data = {
        **TRACK_POST,
        "rounding_unit": "",
        **funder_post(
            [
                ("central_government", "50", "-5,000", "", ""),
                ("", "30", "", "", ""),
                ("province", "", "", "", ""),
                ("central_government", "10", "", "", ""),
                ("municipality", "120", "", "", ""),
            ]
        ),
    }
    response = client.post(url("track-create", call.pk), data)
    assert summary(response) == [
        "절사 단위를 입력해 주십시오. 기본은 1,000원입니다.",
        "한도는 1원 이상이어야 합니다. 한도가 없으면 비워 두십시오.",
        "이 줄의 출자 주체를 선택해 주십시오. 쓰지 않는 줄은 모두 비워 두십시오.",
        "광역 지자체(도비·시비)의 분담 비율을 입력해 주십시오. 예: 50",
        "비율은 100%를 넘을 수 없습니다.",
    ]
    assert "id_funders-0-cap" in summary_anchors(response)
    assert state() == before


def test_track_create_duplicate_role(client, admin, call):
    client.force_login(admin)
    data = {
        **TRACK_POST,
        **funder_post([("central_government", "30", "", "", ""), ("central_government", "20", "", "", "")]),
    }
    response = client.post(url("track-create", call.pk), data)
    assert summary(response) == ["국비이(가) 두 번 선택되었습니다. 출자 주체마다 한 줄만 두십시오."]
    assert not call.tracks.exists()


def test_track_create_without_funders_is_refused_by_the_service(client, admin, call):
    client.force_login(admin)
    response = client.post(url("track-create", call.pk), {**TRACK_POST, **funder_post([])})
    assert summary(response) == ["분담 기관이 없습니다. 출자 주체를 하나 이상 등록해 주십시오."]
    assert summary_anchors(response) == ["id_funders-0-role"]
    assert not call.tracks.exists()


def test_track_funders_edit_on_a_draft(client, admin, track):
    client.force_login(admin)
    page = client.get(url("track-funders", track.pk))
    assert 'value="50,000,000"' in page.content.decode()
    data = funder_post(
        [("central_government", "30", "", "", ""), ("large_firm", "30", "30,000,000", "", "")], initial=1
    )
    response = client.post(url("track-funders", track.pk), data)
    assert response.status_code == 302
    assert [(f.role, f.rate, f.cap) for f in track.funders.all()] == [
        ("central_government", Decimal("0.3000"), None),
        ("large_firm", Decimal("0.3000"), 30_000_000),
    ]
    bad = client.post(
        url("track-funders", track.pk),
        funder_post([("central_government", "40", "", "", "0"), ("province", "30", "", "", "")]),
    )
    assert summary(bad) == ["우대 한도는 1원 이상이어야 합니다. 한도가 없으면 비워 두십시오."]
    assert track.funders.count() == 2


def test_track_funders_after_publishing_need_a_reason(client, admin, call, track):
    Call.objects.filter(pk=call.pk).update(status=CallStatus.OPEN)
    client.force_login(admin)
    version = track.template_version
    data = funder_post([("central_government", "60", "60,000,000", "", "")], initial=1)
    response = client.post(url("track-funders", track.pk), {**data, "reason": ""})
    assert summary(response) == [
        "공고된 뒤 분담 기준을 바꾸려면 사유를 입력해 주십시오. 신청 기업의 분담금이 다시 계산됩니다."
    ]
    assert summary_anchors(response) == ["id_reason"]
    assert Funder.objects.get(track=track).rate == Decimal("0.5")
    response = client.post(url("track-funders", track.pk), {**data, "reason": "국비 비율 상향"})
    assert response.status_code == 302
    track.refresh_from_db()
    assert track.template_version == version + 1
    assert Funder.objects.get(track=track).rate == Decimal("0.6")


def test_track_edit_and_delete_only_on_drafts(client, admin, call, track):
    client.force_login(admin)
    data = {**TRACK_POST, "name_ko": "기초형(개정)", "bonus_regions": ["26"]}
    response = client.post(url("track-edit", track.pk), data, follow=True)
    assert messages_of(response) == ["지원 유형을 저장했습니다."]
    track.refresh_from_db()
    assert track.name_ko == "기초형(개정)"
    assert [r.code for r in track.bonus_regions.all()] == ["26"]
    Call.objects.filter(pk=call.pk).update(status=CallStatus.PUBLISHED)
    before = state()
    for name in ("track-edit", "track-delete"):
        response = client.post(url(name, track.pk), data, follow=True)
        assert messages_of(response) == [
            "지원 유형은(는) 작성 중인 공고에서만 바꿀 수 있습니다. 현재 상태: 공고(접수 예정)"
        ]
    assert state() == before
    Call.objects.filter(pk=call.pk).update(status=CallStatus.DRAFT)
    response = client.post(url("track-delete", track.pk))
    assert response.status_code == 302
    assert not Track.objects.filter(pk=track.pk).exists()


# --- required documents --------------------------------------------------------------------------------


def test_documents_add_duplicate_and_remove(client, admin, call):
    client.force_login(admin)
    data = {
        "kind": "level_assessment",
        "name_ko": "",
        "name_en": "",
        "is_mandatory": "on",
        "advancement_only": "on",
    }
    response = client.post(url("document-create", call.pk), data)
    assert response.status_code == 302
    doc = call.required_documents.get()
    assert (doc.kind, doc.is_mandatory, doc.advancement_only) == ("level_assessment", True, True)
    again = client.post(url("document-create", call.pk), data)
    assert summary(again) == ["같은 서류가 이미 있습니다."]
    assert call.required_documents.count() == 1
    missing = client.post(url("document-create", call.pk), {"kind": ""})
    assert summary(missing) == ["서류 종류를 선택해 주십시오."]
    response = client.post(url("document-delete", doc.pk))
    assert response.status_code == 302
    assert not call.required_documents.exists()


# --- eligibility rules ----------------------------------------------------------------------------------


def test_every_rule_parameter_has_a_proper_field(call):
    for kind, params in eligibility.PARAM_HELP.items():
        form = rule_form(kind)(call=call)
        for name in params:
            assert name in form.fields, (kind, name)
            assert form.fields[name].label == params[name][0]


@pytest.mark.parametrize("kind", eligibility.RULE_KINDS)
def test_rule_form_of_every_kind_opens(client, admin, call, kind):
    client.force_login(admin)
    response = client.get(url("rule-create", call.pk, kind))
    assert response.status_code == 200
    for name in eligibility.PARAM_HELP[kind]:
        assert f'name="{name}"' in response.content.decode(), name


def test_rule_choose_then_add_sme_size(client, admin, call, track):
    client.force_login(admin)
    missing = client.post(url("rule-choose", call.pk), {})
    assert summary(missing) == ["추가할 규칙을 선택해 주십시오."]
    assert summary_anchors(missing) == ["id_kind_0"]
    response = client.post(url("rule-choose", call.pk), {"kind": "sme_size"})
    assert response["Location"] == url("rule-create", call.pk, "sme_size")
    response = client.post(
        response["Location"],
        {
            "max_employees": "200",
            "max_revenue": "80,000,000,000",
            "revenue_caps_by_sector": "C10 120,000,000,000\nc25: 80,000,000,000",
            "combine": "all",
            "track": track.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    rule = EligibilityRule.objects.get(call=call, kind="sme_size")
    assert rule.params == {
        "max_employees": 200,
        "max_revenue": 80_000_000_000,
        "revenue_caps_by_sector": {"C10": 120_000_000_000, "C25": 80_000_000_000},
        "combine": "all",
    }
    assert rule.track == track
    detail = text(client.get(url("call-detail", call.pk)))
    assert (
        "상시 근로자 200명 이하 그리고 연 매출액 800억 원 이하. 업종별 매출액 상한: C10 식료품 제조업 1,200억 원, C25"
        in detail
    )


def test_rule_params_errors_come_from_the_rules(client, admin, call):
    client.force_login(admin)
    before = state()
    response = client.post(url("rule-create", call.pk, "sme_size"), {"combine": "any", "is_active": "on"})
    assert summary(response) == [
        "근로자 수 상한, 매출액 상한, 업종별 매출액 상한 중 하나 이상을 정해야 합니다."
    ]
    assert summary_anchors(response) == ["id_max_employees"]
    response = client.post(
        url("rule-create", call.pk, "no_duplicate_support"), {"years": "0", "is_active": "on"}
    )
    assert summary(response) == ["중복 지원 제한 기간(최근 몇 년): 1 이상이어야 합니다."]
    response = client.post(
        url("rule-create", call.pk, "sme_size"), {"revenue_caps_by_sector": "금속 1억", "combine": "any"}
    )
    assert summary(response) == [
        "한 줄에 하나씩 'C10 120,000,000,000'처럼 업종 코드와 금액(원)을 입력해 주십시오."
    ]
    assert state() == before
    assert client.get(url("rule-create", call.pk, "nonsense")).status_code == 404


def test_rule_edit_region_checkboxes_and_remove(client, admin, call):
    rule = EligibilityRule.objects.create(call=call, kind="region", params={"allowed": ["47"]})
    client.force_login(admin)
    page = client.get(url("rule-edit", rule.pk)).content.decode()
    assert re.search(r'type="checkbox" name="allowed" value="47"[^>]*checked', page)
    response = client.post(url("rule-edit", rule.pk), {"allowed": ["26", "48"], "track": "", "is_active": ""})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.params, rule.is_active) == ({"allowed": ["26", "48"]}, False)
    assert "부산광역시, 경상남도" in text(client.get(url("call-detail", call.pk)))
    response = client.post(url("rule-delete", rule.pk))
    assert response.status_code == 302
    assert not EligibilityRule.objects.filter(pk=rule.pk).exists()


def test_rule_declarations_and_minimum_level(client, admin, call):
    client.force_login(admin)
    client.post(
        url("rule-create", call.pk, "declarations"),
        {"required": ["no_tax_arrears", "not_closed"], "is_active": "on"},
    )
    client.post(
        url("rule-create", call.pk, "minimum_level"),
        {"minimum": "basic", "allow_fast_track": "on", "is_active": "on"},
    )
    detail = text(client.get(url("call-detail", call.pk)))
    assert "국세·지방세 체납이 없습니다, 휴업·폐업 상태가 아닙니다" in detail
    assert "현재 스마트공장 수준이 기초 이상이어야 합니다." in detail


def test_rules_are_fixed_after_publishing(client, admin, call, rule):
    Call.objects.filter(pk=call.pk).update(status=CallStatus.PUBLISHED)
    client.force_login(admin)
    before = state()
    response = client.post(url("rule-delete", rule.pk), follow=True)
    assert messages_of(response) == [
        "신청 자격 규칙은(는) 작성 중인 공고에서만 바꿀 수 있습니다. 현재 상태: 공고(접수 예정)"
    ]
    assert state() == before


# --- forms ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2027. 3. 15.", datetime.date(2027, 3, 15)),
        ("2027.3.15", datetime.date(2027, 3, 15)),
        ("2027-03-15", datetime.date(2027, 3, 15)),
        ("20270315", datetime.date(2027, 3, 15)),
    ],
)
def test_dates_as_people_type_them(typed, expected):
    assert CallForm.base_fields["opens_date"].clean(typed) == expected


def test_every_page_in_english(client, admin, objects):
    client.force_login(admin)
    client.cookies["sfms_language"] = "en"
    for address, _heading in page_urls(objects):
        response = client.get(address)
        assert response.status_code == 200, address
        assert '<html lang="en">' in response.content.decode()
