"""Public programme pages through Django's test client: the call list and its filters, the detail
page, the live quote and its htmx fragment, the announcement PDF, iCalendar feeds, saved searches,
watches, the self-diagnosis and recommendations."""

import datetime
import re
import subprocess
from decimal import Decimal
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from organizations.models import AuditEvent, KsicDivision, Region, Role
from programs import diagnosis, eligibility
from programs.models import (
    CallStatus,
    CallWatch,
    DeliveryModel,
    DocumentKind,
    EligibilityRule,
    RequiredDocument,
    SavedSearch,
    SelfDiagnosis,
)
from tests import factories
from tests.html import h1, text, title

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")
M = 1_000_000


def listed_titles(response):
    return re.findall(r'class="call-card-title"><a href="[^"]+">([^<]+)</a>', response.content.decode())


def at(day, hour=9, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=SEOUL)


def open_call(operator, title, *, status=CallStatus.OPEN, level="basic", **extra):
    opens = {"opens_in_days": -3} if status == CallStatus.OPEN else {}
    call = factories.make_call(operator, status=status, title_ko=title, **{**opens, **extra})
    factories.make_track(call, level=level)
    return call


@pytest.fixture(autouse=True)
def _korean_after_each_test():
    """Requests in English activate English in this thread; later tests expect Korean."""
    with translation.override("ko"):
        yield


@pytest.fixture
def sme(company):
    return factories.make_member(Role.SME_MEMBER, company=company, email="sme@hanbit.kr")


@pytest.fixture
def staff(operator):
    return factories.make_member(Role.OPERATOR_STAFF, operator=operator, email="staff@kosmo.kr")


# The open call's period moves with the clock, so it stays open whenever the suite runs.
TODAY = timezone.localdate()
OPENS, CLOSES = TODAY - datetime.timedelta(days=20), TODAY + datetime.timedelta(days=39)


def ko_day(day):
    """2026. 11. 2.(월): written out here, not through the app's formatter, so the test can fail."""
    return f"{day.year}. {day.month}. {day.day}.({'월화수목금토일'[day.weekday()]})"


PERIOD_KO = f"{ko_day(OPENS)} 09:00 ~ {ko_day(CLOSES)} 18:00"


@pytest.fixture
def full_call(operator):
    """An open call with everything the detail page shows."""
    call = factories.make_call(
        operator,
        status=CallStatus.OPEN,
        title_ko="2026년 경북 스마트공장 고도화 공고",
        title_en="2026 Gyeongbuk smart factory advancement call",
        body_ko="경북 지역 제조 중소기업의 고도화를 지원합니다.\n\n두 번째 문단입니다.",
        body_en="Support for advancing manufacturing SMEs in Gyeongbuk.",
        opens_at=at(OPENS, 9),
        closes_at=at(CLOSES, 18),
        total_budget=12_300_000_000,
        contact_name="스마트공장 사업팀",
        contact_phone="053-000-1234",
        contact_email="sf@gb.example.kr",
        published_at=at(datetime.date(2026, 10, 30), 10),
    )
    basic = factories.make_track(call, "basic", name_ko="기초형", projects_planned=120, max_duration_months=6)
    factories.make_track(
        call,
        "advanced",
        name_ko="고도형",
        minimum_current_level="intermediate_2",
        funders=(("central_government", "0.5", 200 * M, "0.7"),),
        bonus_regions=[Region.objects.get(code="47")],
        order=1,
    )
    RequiredDocument.objects.create(call=call, kind=DocumentKind.BUSINESS_PLAN, order=0)
    RequiredDocument.objects.create(
        call=call, kind=DocumentKind.LEVEL_ASSESSMENT, advancement_only=True, order=1
    )
    EligibilityRule.objects.create(
        call=call, kind="sme_size", params={"max_employees": 300, "max_revenue": 150_000_000_000}, order=0
    )
    EligibilityRule.objects.create(call=call, kind="production_facility", params={}, order=1)
    EligibilityRule.objects.create(
        call=call, track=basic, kind="no_duplicate_support", params={"years": 3}, order=2
    )
    return call


# --- list -----------------------------------------------------------------------------------------


def test_list_shows_open_and_upcoming_calls_to_anyone_never_drafts(client, operator):
    open_call(operator, "접수중공고")
    open_call(operator, "예정공고", status=CallStatus.PUBLISHED)
    open_call(operator, "초안공고", status=CallStatus.DRAFT)
    open_call(operator, "마감공고", status=CallStatus.CLOSED, opens_in_days=-20, closes_in_days=-1)
    response = client.get(reverse("programs:call-list"))
    assert response.status_code == 200
    assert h1(response) == "사업 공고"
    assert sorted(listed_titles(response)) == ["예정공고", "접수중공고"]
    page = text(response)
    assert "접수 중" in page and "접수 예정" in page
    assert "검색 결과 2건" in page

    past = client.get(reverse("programs:call-list"), {"phase": "past"})
    assert listed_titles(past) == ["마감공고"]
    everything = client.get(reverse("programs:call-list"), {"phase": ""})
    assert sorted(listed_titles(everything)) == ["마감공고", "예정공고", "접수중공고"]


def test_list_card_shows_operator_period_budget_tracks_and_dday(client, full_call):
    response = client.get(reverse("programs:call-list"))
    page = text(response)
    assert full_call.operator.name_ko in page
    assert PERIOD_KO in page
    assert "123억 원" in page
    assert "기초형(기초), 고도형(고도)" in page
    assert "마감 D-39" in page


def _pair(operator, **by_call):
    """(matching, other) open calls differing only in what a filter looks at."""
    match = open_call(operator, "맞는공고", **by_call.get("match", {}))
    other = open_call(operator, "다른공고", **by_call.get("other", {}))
    return match, other


@pytest.mark.parametrize(
    "name", ["region", "sector", "level", "delivery_model", "closes_before", "q", "phase"]
)
def test_each_list_filter_keeps_a_matching_call_and_drops_another(client, operator, name):
    params = {}
    if name == "region":
        match, other = _pair(operator)
        match.eligible_regions.set(["47"])
        other.eligible_regions.set(["11"])
        params = {"region": "47"}
    elif name == "sector":
        match, other = _pair(operator)
        match.eligible_sectors.set(["C29"])
        other.eligible_sectors.set(["C10"])
        params = {"sector": "C29"}
    elif name == "level":
        match = open_call(operator, "맞는공고", level="intermediate_1")
        open_call(operator, "다른공고", level="basic")
        params = {"level": "intermediate_1"}
    elif name == "delivery_model":
        _pair(operator, match={"delivery_model": DeliveryModel.WIN_WIN})
        params = {"delivery_model": "win_win"}
    elif name == "closes_before":
        _pair(operator, match={"closes_in_days": 5}, other={"closes_in_days": 40})
        params = {
            "closes_before": (timezone.localdate() + datetime.timedelta(days=10)).strftime("%Y. %m. %d.")
        }
    elif name == "q":
        _pair(operator, match={"body_ko": "로봇 자동화 라인을 지원합니다."})
        params = {"q": "로봇"}
    elif name == "phase":
        _pair(operator, match={"status": CallStatus.PUBLISHED})
        params = {"phase": "upcoming"}
    unfiltered = client.get(reverse("programs:call-list"))
    assert sorted(listed_titles(unfiltered)) == ["다른공고", "맞는공고"]
    response = client.get(reverse("programs:call-list"), params)
    assert response.status_code == 200
    assert listed_titles(response) == ["맞는공고"]


def test_region_filter_keeps_nationwide_calls(client, operator):
    nationwide = open_call(operator, "전국공고")
    elsewhere = open_call(operator, "서울공고")
    elsewhere.eligible_regions.set(["11"])
    response = client.get(reverse("programs:call-list"), {"region": "47"})
    assert listed_titles(response) == [nationwide.title_ko]


def test_bad_filter_input_shows_a_message_and_no_500(client, operator):
    open_call(operator, "공고")
    response = client.get(reverse("programs:call-list"), {"closes_before": "내일", "region": "99"})
    assert response.status_code == 200
    assert listed_titles(response) == []
    assert "날짜는 2026. 12. 31. 형식으로 입력해 주십시오." in text(response)


def test_list_paginates(client, operator):
    for i in range(12):
        open_call(operator, f"공고{i:02d}", closes_in_days=10 + i)
    first = client.get(reverse("programs:call-list"))
    assert len(listed_titles(first)) == 10
    second = client.get(reverse("programs:call-list"), {"page": 2})
    assert listed_titles(second) == ["공고10", "공고11"]
    assert title(second).startswith("사업 공고 (2쪽)")


def test_list_query_count_does_not_grow_with_calls(client, operator):
    def measure():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("programs:call-list"))
        assert response.status_code == 200
        return len(ctx.captured_queries), len(listed_titles(response))

    call = open_call(operator, "공고1")
    call.eligible_regions.set(["47"])
    one, shown = measure()
    assert shown == 1
    for i in (2, 3):
        extra = open_call(operator, f"공고{i}")
        factories.make_track(extra, "intermediate_1", bonus_regions=[Region.objects.get(code="46")])
        extra.eligible_sectors.set(["C29"])
    three, shown = measure()
    assert shown == 3
    assert one == three


# --- detail ---------------------------------------------------------------------------------------


def test_detail_shows_the_whole_announcement(client, full_call):
    response = client.get(reverse("programs:call-detail", args=[full_call.pk]))
    assert response.status_code == 200
    assert h1(response) == "2026년 경북 스마트공장 고도화 공고"
    assert title(response).startswith("2026년 경북 스마트공장 고도화 공고 - 사업 공고")
    page = text(response)
    for expected in [
        "경북 지역 제조 중소기업의 고도화를 지원합니다.",
        "두 번째 문단입니다.",
        PERIOD_KO,
        "접수 중",
        "12,300,000,000원",
        "신청 가능 지역 전국",
        "신청 가능 업종 제조업 전체",
        "기초형",
        "고도형",
        "국비 50% 50,000,000원",
        "국비 50% 200,000,000원 70%, 한도 200,000,000원",
        "기업 부담금은 총 사업비에서 출자기관 분담액을 뺀 나머지입니다. 한도에 이르지 않으면 총 사업비의 50%",
        "우대 지역(경상북도) 기업에는 국비 70%(한도 2억 원)이(가) 적용됩니다.",
    ]:
        assert expected in page, expected
    assert "중간2 이상" in page
    assert "최대 사업기간 6개월" in page
    assert "선정 예정 과제 수 120개" in page
    assert "사업계획서 필수 모든 유형" in page
    assert "수준확인 결과서 필수 고도화 유형(중간1 이상)만" in page
    assert "중소기업이어야 합니다: 상시 근로자 300명 이하 또는 연 매출액 1,500억 원 이하." in page
    assert "생산시설(공장)을 보유하고 있어야 합니다." in page
    assert "기초형 최근 3년 안에 같은 수준의 스마트공장 지원을 받은 기업은 신청할 수 없습니다." in page
    assert "스마트공장 사업팀" in page and "053-000-1234" in page and "sf@gb.example.kr" in page
    assert "신청 절차" in page and "온라인 신청서 제출" in page
    assert re.search(r"<caption[^>]*>기초형 출자기관별 분담 비율과 한도</caption>", response.content.decode())
    assert 'th scope="row">국비</th>' in response.content.decode()


def test_detail_lists_regions_and_sectors_when_limited(client, full_call):
    full_call.eligible_regions.set(["47", "48"])
    full_call.eligible_sectors.set(["C29"])
    page = text(client.get(reverse("programs:call-detail", args=[full_call.pk])))
    assert "신청 가능 지역 경상북도, 경상남도" in page
    assert "신청 가능 업종 C29" in page


def test_detail_in_english_uses_the_english_title_and_body(client, full_call):
    client.cookies["sfms_language"] = "en"
    response = client.get(reverse("programs:call-detail", args=[full_call.pk]))
    assert h1(response) == "2026 Gyeongbuk smart factory advancement call"
    assert "Support for advancing manufacturing SMEs in Gyeongbuk." in text(response)
    full_call.body_en = ""
    full_call.save()
    response = client.get(reverse("programs:call-detail", args=[full_call.pk]))
    assert "경북 지역 제조 중소기업의 고도화를 지원합니다." in text(response)
    assert 'class="call-body" lang="ko"' in response.content.decode()


def test_cancelled_call_shows_its_reason(client, operator):
    call = open_call(
        operator, "취소된 공고", status=CallStatus.CANCELLED, cancel_reason="예산 미확정으로 재공고 예정"
    )
    page = text(client.get(reverse("programs:call-detail", args=[call.pk])))
    assert "이 공고는 취소되었습니다 취소 사유: 예산 미확정으로 재공고 예정" in page
    assert "공고 취소" in page


def test_drafts_are_hidden_except_from_their_operator(client, operator, other_operator, staff):
    draft = open_call(operator, "비공개 초안", status=CallStatus.DRAFT)
    urls = [
        reverse(name, args=[draft.pk])
        for name in (
            "programs:call-detail",
            "programs:call-announcement-pdf",
            "programs:call-calendar",
        )
    ]
    for url in urls:
        assert client.get(url).status_code == 404
    outsider = factories.make_member(Role.OPERATOR_ADMIN, operator=other_operator)
    client.force_login(outsider)
    for url in urls:
        assert client.get(url).status_code == 404
    client.force_login(staff)
    response = client.get(urls[0])
    assert response.status_code == 200
    assert "작성 중인 공고입니다." in text(response)
    assert draft.title_ko not in text(client.get(reverse("programs:call-list")))


def test_missing_call_is_404(client):
    assert client.get(reverse("programs:call-detail", args=[999999])).status_code == 404


def test_read_only_pages_refuse_post(client, full_call):
    assert client.post(reverse("programs:call-list")).status_code == 405
    assert client.post(reverse("programs:call-detail", args=[full_call.pk])).status_code == 405


# --- live quote -------------------------------------------------------------------------------------


def _tracks(call):
    return {t.name_ko: t for t in call.tracks.all()}


def _amounts(response):
    return [int(a) for a in re.findall(r'data-amount="(\d+)"', response.content.decode())]


def test_quote_without_javascript_shows_exact_amounts(client, full_call):
    advanced = _tracks(full_call)["고도형"]
    url = reverse("programs:call-detail", args=[full_call.pk])
    response = client.get(url, {"track": advanced.pk, "cost": "123,456,789", "region": "11"})
    assert response.status_code == 200
    # 50% of 123,456,789 = 61,728,394.5 → rounded down to 1,000 won; the SME pays the rest.
    assert _amounts(response) == [61_728_000, 61_728_789, 123_456_789]
    page = text(response)
    assert "61,728,000원" in page and "61,728,789원" in page and "123,456,789원" in page
    assert "고도형 분담금 계산 결과(총 사업비 123,456,789원)" in page

    bonus = client.get(url, {"track": advanced.pk, "cost": "123456789원", "region": "47"})
    assert _amounts(bonus) == [86_419_000, 37_037_789, 123_456_789]
    assert "우대 지역 비율 적용" in text(bonus)

    capped = client.get(url, {"track": _tracks(full_call)["기초형"].pk, "cost": "300 000 000"})
    assert _amounts(capped) == [50_000_000, 250_000_000, 300_000_000]
    assert "한도 적용" in text(capped)


def test_quote_region_defaults_to_the_members_company(client, full_call, sme):
    client.force_login(sme)
    response = client.get(reverse("programs:call-detail", args=[full_call.pk]))
    assert re.search(r'<option value="41" selected>', response.content.decode())
    assert "우리 기업에 맞는 공고인지 확인하기(추천 공고)" in text(response)
    client.logout()
    assert "추천 공고" not in text(client.get(reverse("programs:call-detail", args=[full_call.pk])))


@pytest.mark.parametrize(
    ("cost", "message"),
    [
        ("0", "총 사업비가 0원입니다. 1원 이상으로 입력해 주십시오."),
        ("-5,000", "총 사업비는 음수일 수 없습니다. 1원 이상으로 입력해 주십시오."),
        ("삼억", "총 사업비는 원 단위 숫자로 입력해 주십시오. 예: 300,000,000"),
        ("1.5", "총 사업비는 원 단위 숫자로 입력해 주십시오. 예: 300,000,000"),
        ("", "총 사업비를 입력해 주십시오. 예: 300,000,000"),
        ("9" * 20, "과제 하나의 상한(1,000,000,000,000원)을 넘습니다"),
        ("9" * 5000, "총 사업비는 원 단위 숫자로 입력해 주십시오. 예: 300,000,000"),
    ],
)
def test_quote_bad_cost_gives_a_clear_message(client, full_call, cost, message):
    track = _tracks(full_call)["기초형"]
    for url, headers in (
        (reverse("programs:call-detail", args=[full_call.pk]), {}),
        (reverse("programs:call-quote", args=[full_call.pk]), {"HX-Request": "true"}),
    ):
        response = client.get(url, {"track": track.pk, "cost": cost}, headers=headers)
        assert response.status_code == 200
        assert "분담금을 계산할 수 없습니다" in text(response)
        assert message in text(response)
        assert _amounts(response) == []


def test_quote_refuses_a_track_of_another_call(client, full_call, operator):
    foreign = open_call(operator, "다른 공고")
    response = client.get(
        reverse("programs:call-detail", args=[full_call.pk]),
        {"track": foreign.tracks.get().pk, "cost": "100000000"},
    )
    assert "이 공고의 지원 유형 중에서 선택해 주십시오." in text(response)


def test_win_win_quote_needs_the_large_firm(client, operator):
    call = factories.make_call(operator, status=CallStatus.OPEN, delivery_model=DeliveryModel.WIN_WIN)
    track = factories.make_track(
        call, funders=(("central_government", "0.3", 42 * M), ("large_firm", "0.3", None)), name_ko="상생형"
    )
    url = reverse("programs:call-detail", args=[call.pk])
    missing = client.get(url, {"track": track.pk, "cost": "100,000,000"})
    assert "상생형 과제는 대기업이 컨소시엄에 참여해야 합니다." in text(missing)
    ok = client.get(url, {"track": track.pk, "cost": "100,000,000", "large_firm": "on"})
    assert _amounts(ok) == [30_000_000, 30_000_000, 40_000_000, 100_000_000]


def test_quote_fragment_returns_only_the_result(client, full_call):
    track = _tracks(full_call)["기초형"]
    url = reverse("programs:call-quote", args=[full_call.pk])
    response = client.get(url, {"track": track.pk, "cost": "80,000,000"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body and "<h1" not in body
    assert _amounts(response) == [40_000_000, 40_000_000, 80_000_000]
    detail = reverse("programs:call-detail", args=[full_call.pk])
    assert response["HX-Replace-Url"] == f"{detail}?track={track.pk}&cost=80%2C000%2C000"

    plain = client.get(url, {"track": track.pk, "cost": "80000000"})
    assert plain.status_code == 302
    assert plain["Location"] == f"{detail}?track={track.pk}&cost=80000000#quote"


def test_quote_form_is_enhanced_with_htmx(client, full_call):
    body = client.get(reverse("programs:call-detail", args=[full_call.pk])).content.decode()
    assert '<script src="/static/vendor/htmx.min.js" defer></script>' in body
    assert f'hx-get="{reverse("programs:call-quote", args=[full_call.pk])}"' in body
    assert 'hx-trigger="input delay:500ms, submit"' in body
    assert 'id="quote-result" class="quote-result" aria-live="polite"' in body
    assert 'method="get"' in body


# --- announcement PDF and calendars --------------------------------------------------------------


def test_announcement_pdf_carries_title_and_korean_track_names(client, full_call, tmp_path):
    response = client.get(reverse("programs:call-announcement-pdf", args=[full_call.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    path = tmp_path / "call.pdf"
    path.write_bytes(response.content)
    pdf = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", " ", pdf)
    assert "2026년 경북 스마트공장 고도화 공고" in flat
    assert "기초형" in flat and "고도형" in flat
    assert "신청 절차" in flat and "제출 서류" in flat
    assert "12,300,000,000원" in flat
    assert re.search(r"\b2 ?/ ?\d+\b", flat), "page numbers"


def _events(response):
    cal = icalendar.Calendar.from_ical(response.content)
    return [c for c in cal.walk("VEVENT")], cal


def test_call_calendar_has_opening_and_deadline_in_seoul_time(client, full_call):
    url = reverse("programs:call-calendar", args=[full_call.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events, cal = _events(response)
    assert [str(e["UID"]) for e in events] == [
        f"sfms-call-{full_call.pk}-opens@testserver",
        f"sfms-call-{full_call.pk}-closes@testserver",
    ]
    opens, closes = (e["DTSTART"] for e in events)
    assert opens.params["TZID"] == "Asia/Seoul" and closes.params["TZID"] == "Asia/Seoul"
    assert opens.dt == datetime.datetime(OPENS.year, OPENS.month, OPENS.day, 9, 0, tzinfo=SEOUL)
    assert closes.dt == datetime.datetime(CLOSES.year, CLOSES.month, CLOSES.day, 18, tzinfo=SEOUL)
    assert str(opens.dt.tzinfo) == "Asia/Seoul"
    assert f"DTSTART;TZID=Asia/Seoul:{CLOSES:%Y%m%d}T180000" in response.content.decode()
    assert str(events[1]["SUMMARY"]) == "[접수 마감] 2026년 경북 스마트공장 고도화 공고"
    detail = f"http://testserver{reverse('programs:call-detail', args=[full_call.pk])}"
    assert str(events[0]["URL"]) == detail
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Asia/Seoul"]
    # Stable: the same UIDs on every download.
    again, _cal = _events(client.get(url))
    assert [str(e["UID"]) for e in again] == [str(e["UID"]) for e in events]


def test_calendar_feed_lists_current_public_calls_only(client, operator, full_call):
    upcoming = open_call(operator, "예정", status=CallStatus.PUBLISHED)
    open_call(operator, "초안", status=CallStatus.DRAFT)
    open_call(operator, "마감", status=CallStatus.CLOSED, opens_in_days=-20, closes_in_days=-1)
    events, _cal = _events(client.get(reverse("programs:calendar-feed")))
    uids = sorted(str(e["UID"]) for e in events)
    assert uids == sorted(
        f"sfms-call-{pk}-{which}@testserver"
        for pk in (full_call.pk, upcoming.pk)
        for which in ("opens", "closes")
    )


# --- saved searches ------------------------------------------------------------------------------


def test_saved_search_create_list_and_delete(client, sme):
    client.force_login(sme)
    listing = client.get(reverse("programs:call-list"), {"region": "47", "level": "basic", "page": "1"})
    assert "이 검색 저장" in text(listing)
    assert 'name="query" value="region=47&amp;level=basic"' in listing.content.decode()

    response = client.post(
        reverse("programs:saved-search-create"),
        {"name": " 경북 기초 ", "notify": "on", "query": "region=47&level=basic&phase=current"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("programs:saved-search-list")
    search = SavedSearch.objects.unrestricted().get(user=sme)
    assert (search.name, search.criteria, search.notify) == (
        "경북 기초",
        {"region": "47", "level": "basic"},
        True,
    )
    assert AuditEvent.objects.filter(object_id=str(search.pk), action="create").exists()

    page = client.get(reverse("programs:saved-search-list"))
    assert h1(page) == "저장한 검색"
    assert "경북 기초" in text(page) and "지역: 경상북도" in text(page) and "목표 수준: 기초" in text(page)

    confirm = client.get(reverse("programs:saved-search-delete", args=[search.pk]))
    assert confirm.status_code == 200
    assert client.post(reverse("programs:saved-search-delete", args=[search.pk])).status_code == 302
    assert not SavedSearch.objects.unrestricted().filter(pk=search.pk).exists()


def test_saved_search_needs_a_name(client, sme):
    client.force_login(sme)
    response = client.post(reverse("programs:saved-search-create"), {"name": "  ", "query": "region=47"})
    assert response.status_code == 200
    assert title(response).startswith("오류: ")
    assert "저장할 검색의 이름을 입력해 주십시오." in text(response)
    assert "지역: 경상북도" in text(response)
    assert not SavedSearch.objects.unrestricted().exists()


def test_saved_search_refuses_a_bad_query(client, sme):
    client.force_login(sme)
    response = client.post(
        reverse("programs:saved-search-create"), {"name": "이상한 검색", "query": "closes_before=어제"}
    )
    assert response.status_code == 200
    assert "검색 조건이 올바르지 않습니다." in text(response)
    assert not SavedSearch.objects.unrestricted().exists()


def test_others_saved_searches_are_404(client, sme, company):
    other = factories.make_member(Role.SME_MEMBER, company=company)
    search = SavedSearch.objects.create(user=other, name="남의 검색", criteria={"region": "47"})
    client.force_login(sme)
    url = reverse("programs:saved-search-delete", args=[search.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert SavedSearch.objects.unrestricted().filter(pk=search.pk).exists()
    assert "남의 검색" not in text(client.get(reverse("programs:saved-search-list")))


def test_saved_searches_need_sign_in(client):
    for url in (reverse("programs:saved-search-list"), reverse("programs:saved-search-create")):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.post(reverse("programs:saved-search-create"), {"name": "x"})
    assert response.status_code == 302 and not SavedSearch.objects.unrestricted().exists()


# --- watches ---------------------------------------------------------------------------------------


def test_watch_and_unwatch(client, sme, full_call):
    detail = reverse("programs:call-detail", args=[full_call.pk])
    anonymous = client.get(detail)
    assert "로그인하고 관심 공고 등록" in text(anonymous)
    assert client.post(reverse("programs:call-watch", args=[full_call.pk])).status_code == 302
    assert not CallWatch.objects.unrestricted().exists()

    client.force_login(sme)
    assert "관심 공고 등록" in text(client.get(detail))
    response = client.post(reverse("programs:call-watch", args=[full_call.pk]))
    assert response.status_code == 302 and response["Location"] == detail
    assert CallWatch.objects.unrestricted().filter(user=sme, call=full_call).count() == 1
    page = client.get(detail)
    assert "관심 공고로 등록되어 있습니다." in text(page)
    assert "관심 공고로 등록했습니다." in text(page)
    assert full_call.title_ko in text(client.get(reverse("programs:saved-search-list")))

    client.post(reverse("programs:call-unwatch", args=[full_call.pk]))
    assert not CallWatch.objects.unrestricted().exists()
    assert client.get(reverse("programs:call-watch", args=[full_call.pk])).status_code == 405


def test_cannot_watch_a_foreign_draft(client, sme, operator):
    draft = open_call(operator, "초안", status=CallStatus.DRAFT)
    client.force_login(sme)
    assert client.post(reverse("programs:call-watch", args=[draft.pk])).status_code == 404
    assert not CallWatch.objects.unrestricted().exists()


# --- self-diagnosis -------------------------------------------------------------------------------


def answers(index):
    return {q.code: q.choices[min(index, len(q.choices) - 1)].value for q in diagnosis.QUESTIONS}


def test_diagnosis_page_asks_every_question_in_fieldsets(client, sme):
    client.force_login(sme)
    response = client.get(reverse("programs:diagnosis"))
    assert response.status_code == 200
    assert h1(response) == "스마트공장 수준 자가진단"
    body = response.content.decode()
    assert body.count("<fieldset") == len(diagnosis.QUESTIONS)
    assert body.count('type="radio"') == sum(len(q.choices) for q in diagnosis.QUESTIONS)
    assert "비공식 추정" in text(response)


def test_diagnosis_unanswered_shows_the_error_summary(client, sme):
    client.force_login(sme)
    partial = {k: v for k, v in answers(2).items() if k not in ("erp", "staff")}
    response = client.post(reverse("programs:diagnosis"), partial)
    assert response.status_code == 200
    assert title(response).startswith("오류: ")
    body = response.content.decode()
    assert "입력 내용에 문제가 있습니다" in body
    assert '<a href="#id_erp_0">' in body and '<a href="#id_staff_0">' in body
    assert 'value="partial" checked' in body  # answers kept
    assert not SelfDiagnosis.objects.unrestricted().exists()


def test_diagnosis_submit_shows_the_unofficial_result(client, sme, company):
    client.force_login(sme)
    response = client.post(reverse("programs:diagnosis"), answers(1))
    record = SelfDiagnosis.objects.unrestricted().get(company=company)
    assert response.status_code == 302
    assert response["Location"] == reverse("programs:diagnosis-result", args=[record.pk])
    assert (record.score, record.estimated_level, record.submitted_by) == (33, "basic", sme)

    result = client.get(response["Location"])
    assert h1(result) == "자가진단 결과"
    page = text(result)
    assert "33점" in page
    assert "추정 수준 비공식 추정 기초" in page
    assert "비공식 추정입니다." in page
    assert "기업 정보에 등록된 공식 수준: 미구축" in page
    assert "정보시스템 33점" in page and "조직·인력 33점" in page
    assert re.search(r"<caption[^>]*>영역별 자가진단 점수\(100점 만점\)</caption>", result.content.decode())


def test_diagnosis_is_for_sme_members(client, staff, operator):
    assert client.get(reverse("programs:diagnosis")).status_code == 302
    client.force_login(staff)
    assert client.get(reverse("programs:diagnosis")).status_code == 403
    assert client.get(reverse("programs:recommendations")).status_code == 403
    supplier = factories.make_company("공급사", kind="supplier")
    client.force_login(factories.make_member(Role.SUPPLIER_MEMBER, company=supplier))
    assert client.post(reverse("programs:diagnosis"), answers(1)).status_code == 403
    assert not SelfDiagnosis.objects.unrestricted().exists()


def test_diagnosis_result_of_another_company_is_404(client, sme, other_company):
    record = SelfDiagnosis.objects.create(
        company=other_company, answers=answers(1), score=33, estimated_level="basic"
    )
    client.force_login(sme)
    assert client.get(reverse("programs:diagnosis-result", args=[record.pk])).status_code == 404


# --- recommendations ------------------------------------------------------------------------------


def test_recommendations_best_first_with_reasons_and_the_ineligible_apart(client, sme, company, operator):
    company.smart_factory_level = "basic"
    company.save()
    nationwide = open_call(operator, "전국 중간1 공고", level="intermediate_1")
    targeted = open_call(operator, "경기 중간1 공고", level="intermediate_1")
    targeted.eligible_regions.set(["41"])
    for order, (kind, params) in enumerate(eligibility.DEFAULT_RULES):
        EligibilityRule.objects.create(call=targeted, kind=kind, params=params, order=order)
    two_up = open_call(operator, "전국 중간2 공고", level="intermediate_2")
    busan = open_call(operator, "부산 공고", level="intermediate_1")
    busan.eligible_regions.set(["26"])
    client.force_login(sme)
    response = client.get(reverse("programs:recommendations"))
    assert response.status_code == 200
    assert h1(response) == "추천 공고"
    body = response.content.decode()
    eligible = body.split("신청할 수 있는 공고</h2>")[1].split("신청 대상이 아닌 공고</h2>")[0]
    order = re.findall(r'class="call-card-title"><a href="[^"]+">([^<]+)</a>', eligible)
    assert order == [targeted.title_ko, nationwide.title_ko, two_up.title_ko]
    page = text(response)
    assert "적합도 85점" in page  # 50 eligible + 25 next step + 10 region
    assert "+25점 다음 단계(중간1) 과제입니다" in page
    assert "+10점 귀사 소재 지역을 대상으로 하는 공고입니다" in page
    assert "신청 전에 확인할 요건" in page
    assert "필수 서류는 신청할 때 확인합니다" in page
    others = body.split("신청 대상이 아닌 공고</h2>")[1]
    assert busan.title_ko in others and "귀사 지역은 신청 가능 지역이 아닙니다" in others
    assert "<details" in others
    assert "공식 수준(기초)을 기준으로 추천했습니다." in page


def test_recommendations_use_the_latest_self_diagnosis_when_no_official_level(client, sme, company, operator):
    call = open_call(operator, "중간1 공고", level="intermediate_1")
    client.force_login(sme)
    before = text(client.get(reverse("programs:recommendations")))
    assert "자가진단 시작하기" in before
    client.post(reverse("programs:diagnosis"), answers(1))  # estimate: basic
    response = client.get(reverse("programs:recommendations"))
    page = text(response)
    assert "비공식 추정 수준(기초)" in page
    assert "−5점 수준이 자가진단 추정치입니다." in page
    eligible = response.content.decode().split("신청할 수 있는 공고</h2>")[1]
    assert call.title_ko in eligible.split("신청 대상이 아닌 공고")[0]

    record = SelfDiagnosis.objects.unrestricted().get()
    result = text(client.get(reverse("programs:diagnosis-result", args=[record.pk])))
    assert call.title_ko in result and "추천 공고 모두 보기" in result


def test_rates_in_words_match_the_template(client, operator):
    call = factories.make_call(operator, status=CallStatus.OPEN)
    factories.make_track(
        call,
        funders=(("central_government", "0.5", None), ("province", "0.125", 30 * M)),
        name_ko="지자체형",
    )
    page = text(client.get(reverse("programs:call-detail", args=[call.pk])))
    assert "국비 50% 한도 없음" in page
    assert "광역 지자체(도비·시비) 12.5% 30,000,000원" in page
    assert "총 사업비의 37.5%" in page
    assert Decimal("0.375") == 1 - Decimal("0.5") - Decimal("0.125")


def test_sector_filter_choices_name_the_division(client, operator):
    open_call(operator, "공고")
    body = client.get(reverse("programs:call-list")).content.decode()
    division = KsicDivision.objects.get(code="C29")
    assert f'<option value="C29">C29 {division.name_ko}</option>' in body
    for name in ("region", "sector", "level", "delivery_model", "phase"):
        select = re.search(rf'<select name="{name}".*?</select>', body, re.S).group(0)
        assert len(re.findall(r'<option value=""', select)) == 1, name


def test_every_page_renders_in_english(client, sme, company, full_call):
    client.force_login(sme)
    client.cookies["sfms_language"] = "en"
    client.post(reverse("programs:diagnosis"), answers(2))
    record = SelfDiagnosis.objects.unrestricted().get()
    search = SavedSearch.objects.create(
        user=sme, name="Gyeongbuk", criteria={"region": "47", "level": "basic"}
    )
    track = _tracks(full_call)["기초형"]
    urls = [
        reverse("programs:call-list"),
        reverse("programs:call-detail", args=[full_call.pk]) + f"?track={track.pk}&cost=100000000&region=47",
        reverse("programs:diagnosis"),
        reverse("programs:diagnosis-result", args=[record.pk]),
        reverse("programs:recommendations"),
        reverse("programs:saved-search-list"),
        reverse("programs:saved-search-create") + "?region=47",
        reverse("programs:saved-search-delete", args=[search.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert '<html lang="en">' in response.content.decode(), url
    detail = text(client.get(urls[1]))
    assert "2026 Gyeongbuk smart factory advancement call" in detail
    assert "KRW 50,000,000" in detail
    assert "Region: Gyeongsangbuk-do" in text(client.get(reverse("programs:saved-search-list")))
