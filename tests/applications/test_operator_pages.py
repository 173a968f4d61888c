"""Operator and regional-centre pages of the applications app through Django's test client: the list
with its filters, counts by status, sort and constant query count; CSV and Excel exports read back;
the detail page of one submission; eligibility override and re-run; centre support notes."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import EligibilityResult, EligibilityRun, SupportNote
from organizations.models import AuditEvent, Company, Operator, Role
from programs.models import EligibilityRule
from tests import factories
from tests.html import h1, summary, text, title

pytestmark = pytest.mark.django_db

LIST = reverse("applications:operator-list")
CENTRE_LIST = reverse("applications:centre-list")


@pytest.fixture
def call(operator):
    call = factories.make_call(
        operator, status="open", opens_in_days=-1, closes_in_days=10, reference="SF-2026-01"
    )
    factories.make_required_documents(call, advancement=())
    EligibilityRule.objects.create(
        call=call,
        kind="sme_size",
        params={"max_employees": 300, "max_revenue": None, "combine": "all"},
        order=0,
    )
    EligibilityRule.objects.create(call=call, kind="production_facility", params={}, order=1)
    return call


@pytest.fixture
def track(call):
    return factories.make_track(call, "basic", name_ko="기초형", name_en="Basic")


@pytest.fixture
def staff(operator):
    return factories.make_member(Role.OPERATOR_STAFF, operator=operator, full_name="박운영")


def submit(track, supplier, *, name="한빛정밀", region_code="41", employees=42, run=True):
    """A firm's application on `track`, submitted; its eligibility run done when `run`."""
    company = factories.make_company(name, region_code=region_code, employees=employees)
    user = factories.make_member(Role.SME_MEMBER, company=company)
    application = factories.make_application(track, company, user, supplier=supplier)
    submission, _ = services.application_submit(user, application)
    if run:
        services.eligibility_run(submission.eligibility_runs.get().pk)
    application.refresh_from_db()
    application.user = user
    application.submission = submission
    return application


def login(client, user):
    client.force_login(user)
    return client


# --- list ----------------------------------------------------------------------------------------


def test_list_shows_submitted_applications_of_own_calls_with_counts_by_status(
    client, staff, track, supplier, other_operator
):
    first = submit(track, supplier, name="가나정밀")
    second = submit(track, supplier, name="다라산업")
    services.application_withdraw(second.user, second, reason="보완 후 재제출")
    company = factories.make_company("작성중기업")
    factories.make_application(track, company, factories.make_member(Role.SME_MEMBER, company=company))
    foreign_track = factories.make_track(
        factories.make_call(other_operator, status="open", opens_in_days=-1, closes_in_days=5)
    )
    submit(foreign_track, supplier, name="외부기업")

    response = login(client, staff).get(LIST)
    assert response.status_code == 200
    assert h1(response) == "신청서 관리"
    page = text(response)
    assert "가나정밀" in page and "다라산업" in page
    assert "작성중기업" not in page and "외부기업" not in page
    assert "전체 2 건" in page and "제출 완료 1 건" in page and "제출 철회 1 건" in page
    assert "신청서 2건" in page
    assert first.submission.receipt_number in page
    assert "100,000,000원" in page and "용접자동화" in page

    withdrawn = text(client.get(LIST, {"status": "withdrawn"}))
    assert "다라산업" in withdrawn and "가나정밀" not in withdrawn
    assert "전체 2 건" in withdrawn, "tabs count without the status filter"


@pytest.mark.parametrize(
    "role", [Role.SME_MEMBER, Role.SUPPLIER_MEMBER, Role.CENTRE_STAFF, Role.EVALUATOR, None]
)
def test_list_and_exports_refused_to_everyone_but_call_staff(client, role, operator, company):
    if role is not None:
        scope = {"company": company} if role == Role.SME_MEMBER else {}
        if role == Role.SUPPLIER_MEMBER:
            scope = {"company": factories.make_supplier().company}
        if role in (Role.CENTRE_STAFF, Role.EVALUATOR):
            scope = {"operator": operator}
        client.force_login(factories.make_member(role, **scope))
    for url in (
        LIST,
        reverse("applications:operator-export-csv"),
        reverse("applications:operator-export-xlsx"),
    ):
        response = client.get(url)
        if role is None:
            assert response.status_code == 302 and "login" in response["Location"]
        else:
            assert response.status_code == 403


def test_filters_status_region_track_eligibility_supplier_and_search(client, staff, call, track, supplier):
    other_track = factories.make_track(call, "intermediate_1", name_ko="고도화형")
    other_supplier = factories.make_supplier("데이터팩토리")
    a = submit(track, supplier, name="창원정밀", region_code="48")
    b = submit(other_track, other_supplier, name="수원전자", region_code="41", employees=450)
    c = submit(track, supplier, name="부산기계", region_code="26", run=False)
    login(client, staff)

    def names(**params):
        page = text(client.get(LIST, params))
        return {n for n in ("창원정밀", "수원전자", "부산기계") if n in page}

    assert names() == {"창원정밀", "수원전자", "부산기계"}
    assert names(region="48") == {"창원정밀"}
    assert names(track=other_track.pk) == {"수원전자"}
    assert names(call=call.pk) == {"창원정밀", "수원전자", "부산기계"}
    assert names(eligibility="fail") == {"수원전자"}
    assert names(eligibility="pass") == {"창원정밀"}
    assert names(eligibility="pending") == {"부산기계"}
    assert names(supplier="데이터") == {"수원전자"}
    assert names(supplier=supplier.company.business_number) == {"창원정밀", "부산기계"}
    biz = supplier.company.business_number
    assert names(supplier=f"{biz[:3]}-{biz[3:5]}-{biz[5:]}") == {"창원정밀", "부산기계"}
    assert names(q=b.submission.receipt_number) == {"수원전자"}
    assert names(q=c.lead.business_number) == {"부산기계"}
    assert names(status="submitted", region="26") == {"부산기계"}
    assert a.pk  # used above through its name

    bad = client.get(LIST, {"eligibility": "maybe"})
    assert bad.status_code == 200 and "오류: 올바르게 선택해 주세요." in text(bad)


def test_sort_by_lead_name_and_default_latest_first(client, staff, track, supplier):
    for name in ("나기업", "가기업", "다기업"):
        submit(track, supplier, name=name)
    login(client, staff)
    page = client.get(LIST).content.decode()
    assert page.index("다기업") < page.index("가기업") < page.index("나기업"), "latest submission first"
    page = client.get(LIST, {"sort": "lead"}).content.decode()
    assert page.index("가기업") < page.index("나기업") < page.index("다기업")
    page = client.get(LIST, {"sort": "-lead"}).content.decode()
    assert page.index("다기업") < page.index("나기업") < page.index("가기업")


def test_list_query_count_is_the_same_for_5_and_25_applications(client, staff, track, supplier):
    login(client, staff)
    for _ in range(5):
        submit(track, supplier)
    with CaptureQueriesContext(connection) as five:
        assert client.get(LIST, {"region": "41"}).status_code == 200
    for _ in range(20):
        submit(track, supplier)
    with CaptureQueriesContext(connection) as twenty_five:
        response = client.get(LIST, {"region": "41"})
    assert "신청서 25건" in text(response)
    assert len(five) == len(twenty_five), [q["sql"][:120] for q in twenty_five.captured_queries]


# --- exports -------------------------------------------------------------------------------------


def test_csv_export_has_a_bom_korean_headers_integers_and_the_filtered_rows(client, staff, track, supplier):
    a = submit(track, supplier, name="창원정밀", region_code="48")
    submit(track, supplier, name="수원전자", region_code="41")
    response = login(client, staff).get(reverse("applications:operator-export-csv"), {"region": "48"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == [
        "접수번호",
        "주관 도입기업",
        "사업자등록번호",
        "지역",
        "공고번호",
        "지원 유형",
        "신청 상태",
        "제출 차수",
        "제출일시(한국 시간)",
        "총 사업비(원)",
        "기업 부담금(원)",
        "정부 지원금(원)",
        "공급기업",
        "자격 확인 결과",
    ]
    assert len(rows) == 2
    row = rows[1]
    submitted = timezone.localtime(a.submitted_at).strftime("%Y-%m-%d %H:%M:%S")
    biz = a.lead.business_number
    assert row == [
        a.submission.receipt_number,
        a.lead.name,
        f"{biz[:3]}-{biz[3:5]}-{biz[5:]}",
        "경상남도",
        "SF-2026-01",
        "기초형",
        "제출 완료",
        "1",
        submitted,
        "100000000",
        "50000000",
        "50000000",
        "용접자동화 " + supplier.company.name.split(" ")[-1],
        "적합",
    ]


def test_csv_headers_follow_the_english_ui(client, staff, track, supplier):
    submit(track, supplier)
    login(client, staff)
    client.cookies["sfms_language"] = "en"
    response = client.get(reverse("applications:operator-export-csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Receipt number" and rows[0][-1] == "Eligibility result"
    assert rows[1][-1] == "Eligible"


def test_xlsx_export_reads_back_with_numbers_and_times(client, staff, track, supplier):
    from openpyxl import load_workbook

    a = submit(track, supplier, name="창원정밀", region_code="48")
    submit(track, supplier, name="수원전자", employees=450)
    response = login(client, staff).get(reverse("applications:operator-export-xlsx"), {"eligibility": "pass"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:3] == ("접수번호", "주관 도입기업", "사업자등록번호")
    assert len(values) == 2
    row = values[1]
    assert row[0] == a.submission.receipt_number and row[1] == a.lead.name
    assert row[7] == 1 and row[9] == 100_000_000 and row[10] == 50_000_000 and row[11] == 50_000_000
    assert isinstance(row[9], int)
    assert row[8] == timezone.localtime(a.submitted_at).replace(tzinfo=None, microsecond=0)
    assert row[13] == "적합"


# --- detail --------------------------------------------------------------------------------------


def detail(application):
    return reverse("applications:operator-detail", args=[application.pk])


def test_detail_shows_the_frozen_submission_results_history_and_audit(client, staff, track, supplier):
    a = submit(track, supplier, name="창원정밀")
    response = login(client, staff).get(detail(a))
    assert response.status_code == 200
    assert h1(response) == f"{a.lead.name}: MES 기반 용접 공정 품질 데이터 수집"
    page = text(response)
    for expected in (
        a.submission.receipt_number,
        "용접 라인 3개에 MES와 센서를 연결해",
        "소프트웨어 40,000,000원",
        "국비",
        "국비 50% 50,000,000원",
        "기업 부담금 — 50,000,000원",
        "불량률",
        "공급기업 참여 수락",
        "사업계획서",
        "중소기업 규모 적합",
        "생산시설 보유 적합",
        "감사 기록",
        "제출 이력",
    ):
        assert expected in page, expected
    html = response.content.decode()
    for document in a.submission.snapshot["documents"]:
        assert reverse("applications:document-download", args=[document["id"]]) in html
    assert reverse("applications:clarification-ask", args=[a.pk]) in html
    assert "상태 변경" in page and "eligibility_checked" in page, "the audit trail lists the submission"


def test_detail_is_404_for_another_operators_staff_and_403_for_firms(client, track, supplier, other_operator):
    a = submit(track, supplier)
    outsider = factories.make_member(Role.OPERATOR_STAFF, operator=other_operator)
    assert login(client, outsider).get(detail(a)).status_code == 404
    assert login(client, a.user).get(detail(a)).status_code == 403


def result_of(application, kind="sme_size"):
    return EligibilityResult.objects.get(run__submission=application.submission, kind=kind)


def test_override_needs_a_reason_then_shows_who_changed_it_and_why(client, staff, track, supplier):
    a = submit(track, supplier, employees=450)
    result = result_of(a)
    assert result.outcome == "fail"
    url = reverse("applications:result-override", args=[result.pk])
    login(client, staff)
    page = client.get(url)
    assert h1(page) == "자격 확인 결과 변경: 중소기업 규모"
    before = AuditEvent.objects.count()

    response = client.post(url, {"outcome": "pass", "reason": "  "})
    assert response.status_code == 200
    assert summary(response) == ["결과를 바꾸는 사유를 입력해 주십시오. 신청기업에도 보입니다."]
    assert title(response).startswith("오류: ")
    result.refresh_from_db()
    assert result.override_outcome == "" and AuditEvent.objects.count() == before

    response = client.post(url, {"reason": "확인"})
    assert summary(response) == ["결과를 선택해 주십시오."]

    response = client.post(url, {"outcome": "pass", "reason": "3년 평균 근로자 수 280명 확인"})
    assert response.status_code == 302 and response["Location"].endswith("#eligibility")
    result.refresh_from_db()
    assert (result.effective_outcome, result.overridden_by) == ("pass", staff)
    assert EligibilityRun.objects.get(pk=result.run_id).outcome == "pass"
    page = text(client.get(detail(a)))
    assert "변경됨" in page and "3년 평균 근로자 수 280명 확인" in page and "박운영" in page
    assert "원래 결과 '부적합'을(를) 박운영이(가)" in page


def test_override_and_rerun_are_404_for_centre_staff_even_in_their_region(client, track, supplier):
    a = submit(track, supplier, region_code="48")
    centre = factories.make_operator("경남센터", kind=Operator.Kind.REGIONAL_CENTRE, region_code="48")
    centre.regions_covered.set(["48"])
    centre_user = factories.make_member(Role.CENTRE_STAFF, operator=centre)
    login(client, centre_user)
    assert client.get(detail(a)).status_code == 200
    assert client.get(reverse("applications:result-override", args=[result_of(a).pk])).status_code == 403
    assert client.post(reverse("applications:submission-rerun", args=[a.submission.pk])).status_code == 403


def test_rerun_needs_a_reason_and_creates_a_new_run(client, staff, track, supplier):
    a = submit(track, supplier)
    url = reverse("applications:submission-rerun", args=[a.submission.pk])
    login(client, staff)
    response = client.post(url, {"reason": ""})
    assert summary(response) == ["다시 확인하는 사유를 입력해 주십시오."]
    assert EligibilityRun.objects.filter(submission=a.submission).count() == 1
    response = client.post(url, {"reason": "공급기업 등록 승인"})
    assert response.status_code == 302
    runs = EligibilityRun.objects.filter(submission=a.submission).order_by("-pk")
    assert runs.count() == 2 and runs[0].reason == "공급기업 등록 승인" and runs[0].requested_by == staff
    page = text(client.get(detail(a)))
    assert "자격 확인을 진행하고 있습니다." in page and "자격 확인 이력 2회" in page
    assert "확인 완료 · 적합" in page and "확인 대기 · 박운영 · 공급기업 등록 승인" in page


# --- regional centre -----------------------------------------------------------------------------


@pytest.fixture
def centre_user():
    centre = factories.make_operator("경남센터", kind=Operator.Kind.REGIONAL_CENTRE, region_code="48")
    centre.regions_covered.set(["48"])
    return factories.make_member(Role.CENTRE_STAFF, operator=centre, full_name="최센터")


def test_centre_sees_applications_of_its_region_only(client, centre_user, track, supplier):
    submit(track, supplier, name="창원정밀", region_code="48")
    submit(track, supplier, name="수원전자", region_code="41")
    response = login(client, centre_user).get(CENTRE_LIST)
    assert response.status_code == 200 and h1(response) == "지역 신청 현황"
    page = text(response)
    assert "창원정밀" in page and "수원전자" not in page
    rows = list(
        csv.reader(
            io.StringIO(client.get(reverse("applications:centre-export-csv")).content.decode("utf-8-sig"))
        )
    )
    assert [r[1] for r in rows[1:]] == [n for n in (r[1] for r in rows[1:]) if n.startswith("창원정밀")]
    assert len(rows) == 2
    assert client.get(LIST).status_code == 403, "the call staff list is not the centre's"


def test_centre_records_support_notes_and_others_may_not(client, centre_user, staff, track, supplier):
    a = submit(track, supplier, name="창원정밀", region_code="48")
    url = reverse("applications:support-note-add", args=[a.pk])
    login(client, centre_user)
    response = client.post(url, {"given_on": "", "body": ""})
    assert response.status_code == 200
    assert summary(response) == ["상담일을 입력해 주십시오.", "상담 내용을 입력해 주십시오."]
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(url, {"given_on": f"{tomorrow:%Y. %m. %d.}", "body": "상담"})
    assert summary(response) == ["상담일은 오늘이나 그 이전 날짜여야 합니다."]
    assert not SupportNote.objects.exists()
    today = timezone.localdate()
    response = client.post(url, {"given_on": f"{today:%Y. %m. %d.}", "body": "사업계획서 작성 방법 상담"})
    assert response.status_code == 302
    note = SupportNote.objects.get()
    assert (note.author, note.body) == (centre_user, "사업계획서 작성 방법 상담")
    page = text(client.get(detail(a)))
    assert "사업계획서 작성 방법 상담" in page and "지원 기록 저장" in page

    # Call staff read the notes but have no form; their post is refused by the service (403).
    page = text(login(client, staff).get(detail(a)))
    assert "사업계획서 작성 방법 상담" in page and "지원 기록 저장" not in page
    assert client.post(url, {"given_on": f"{today:%Y. %m. %d.}", "body": "x"}).status_code == 403
    # A centre elsewhere does not see the application at all; the applicant is not operator side.
    elsewhere = factories.make_operator("부산센터", kind=Operator.Kind.REGIONAL_CENTRE, region_code="26")
    elsewhere.regions_covered.set(["26"])
    other_centre = factories.make_member(Role.CENTRE_STAFF, operator=elsewhere)
    assert (
        login(client, other_centre).post(url, {"given_on": f"{today:%Y. %m. %d.}", "body": "x"}).status_code
        == 404
    )
    assert (
        login(client, a.user).post(url, {"given_on": f"{today:%Y. %m. %d.}", "body": "x"}).status_code == 403
    )
    assert SupportNote.objects.count() == 1
    assert Company.objects.filter(pk=a.lead_id).exists()


def test_detail_query_count_does_not_grow_with_clarifications_notes_and_overrides(
    client, staff, track, supplier
):
    a = submit(track, supplier, region_code="48", employees=450)
    centre = factories.make_operator("경남센터", kind=Operator.Kind.REGIONAL_CENTRE, region_code="48")
    centre.regions_covered.set(["48"])
    centre_user = factories.make_member(Role.CENTRE_STAFF, operator=centre)
    reply_by = timezone.now() + datetime.timedelta(days=3)

    def add_some():
        services.clarification_ask(staff, a, subject="확인", body="설명해 주십시오.", reply_by=reply_by)
        services.support_note_add(centre_user, a, given_on=timezone.localdate(), body="상담")

    add_some()
    login(client, staff)
    client.get(detail(a))  # content types are cached after the first page
    with CaptureQueriesContext(connection) as one:
        assert client.get(detail(a)).status_code == 200
    for _ in range(3):
        add_some()
    services.eligibility_override(staff, result_of(a), outcome="pass", reason="확인")
    services.eligibility_override(
        staff, result_of(a, "production_facility"), outcome="needs_review", reason="현장 확인"
    )
    with CaptureQueriesContext(connection) as four:
        response = client.get(detail(a))
    assert text(response).count("설명해 주십시오.") == 0 and text(response).count("상담") >= 4
    assert len(one) == len(four), [q["sql"][:120] for q in four.captured_queries]
