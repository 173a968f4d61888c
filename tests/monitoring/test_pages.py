"""Project pages through Django's test client: the list per role (a regional centre sees its region's
projects only) with filters and a constant number of queries; the operator's candidates and project
registration; the project page with the agreement each party accepts in its own account (user, time
and IP recorded, in force when the last party accepts), tranches (the balance waits for the final
inspection, said in the service's words), milestones and amendments; the agreement PDF; 404 for
another operator's staff and another company."""

import datetime
import subprocess

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from monitoring import services
from monitoring.models import Agreement, AgreementParty, Milestone, Project, Tranche
from organizations.models import AuditEvent, Operator, Role
from tests import factories
from tests.html import h1, summary, text, title

from .conftest import make_decision

pytestmark = pytest.mark.django_db

LIST = reverse("monitoring:project-list")
NEW = reverse("monitoring:project-candidates")
IP = "198.51.100.23"


@pytest.fixture
def users(staff, sme_user, supplier_user):
    return {"operator": staff, "lead": sme_user, "supplier": supplier_user}


@pytest.fixture
def project(decision, staff):
    return services.project_create(staff, decision, starts_on=datetime.date(2026, 11, 2))


@pytest.fixture
def centre_user():
    centre = factories.make_operator("경기센터", kind=Operator.Kind.REGIONAL_CENTRE, region_code="41")
    centre.regions_covered.set(["41"])
    return factories.make_member(Role.CENTRE_STAFF, operator=centre, full_name="김센터")


def detail(project):
    return reverse("monitoring:project-detail", args=[project.pk])


def login(client, user):
    client.force_login(user)
    return client


def accept_all(project, users):
    agreement = project.agreements.get(status="awaiting")
    for party in agreement.parties.all():
        services.agreement_accept(users[party.role], party, ip="203.0.113.7")
    return agreement


def another_project(track, staff, name, region_code):
    firm = factories.make_company(name, region_code=region_code)
    return services.project_create(staff, make_decision(factories.make_submitted(track, firm), staff))


# --- list ----------------------------------------------------------------------------------------


def test_staff_list_shows_every_project_of_their_calls_with_agreement_state(client, staff, project, track):
    busan = another_project(track, staff, "부산정밀", "26")
    response = login(client, staff).get(LIST)
    assert response.status_code == 200
    assert h1(response) == "과제 관리"
    page = text(response)
    assert "과제 2건" in page
    assert project.submission.receipt_number in page and busan.submission.receipt_number in page
    assert "50,000,000원" in page
    assert "1차 · 서명 대기" in page
    waiting = page.split(project.title, 1)[1]
    assert "동의 대기:" in waiting and project.lead.name in waiting
    assert "과제 등록 대기 중인 선정 결과" in page


def test_filters_narrow_the_list_by_region_and_status(client, staff, project, track, users):
    busan = another_project(track, staff, "부산정밀", "26")
    accept_all(project, users)
    login(client, staff)
    by_region = text(client.get(LIST, {"region": "26"}))
    assert (
        "과제 1건" in by_region
        and busan.title in by_region
        and project.submission.receipt_number not in by_region
    )
    by_status = text(client.get(LIST, {"status": "in_progress"}))
    assert "과제 1건" in by_status and project.submission.receipt_number in by_status
    assert busan.submission.receipt_number not in by_status
    by_call = text(client.get(LIST, {"call": project.call_id}))
    assert "과제 2건" in by_call


def test_company_members_see_their_own_projects_as_my_projects(client, project, users, track, staff):
    other = another_project(track, staff, "남의기업", "41")
    for role in ("lead", "supplier"):
        response = login(client, users[role]).get(LIST)
        assert h1(response) == "내 과제"
        page = text(response)
        assert project.submission.receipt_number in page
        assert other.submission.receipt_number not in page
        assert "과제 등록 대기" not in page


def test_a_regional_centre_lists_only_its_regions_projects(client, project, centre_user, track, staff):
    busan = another_project(track, staff, "부산정밀", "26")
    page = text(login(client, centre_user).get(LIST))
    assert "과제 1건" in page
    assert project.submission.receipt_number in page
    assert busan.submission.receipt_number not in page
    assert client.get(detail(busan)).status_code == 404
    assert client.get(detail(project)).status_code == 200


def test_the_list_keeps_a_constant_number_of_queries(client, staff, project, track, users):
    accept_all(project, users)
    login(client, staff)
    with CaptureQueriesContext(connection) as one:
        assert client.get(LIST).status_code == 200
    for n in range(3):
        another_project(track, staff, f"추가기업{n}", "41")
    with CaptureQueriesContext(connection) as four:
        response = client.get(LIST)
    assert "과제 4건" in text(response)
    assert len(one) == len(four), [q["sql"][:120] for q in four.captured_queries]


def test_the_project_page_keeps_a_constant_number_of_queries(client, project, users):
    login(client, users["operator"])
    services.milestone_save(
        users["lead"], project, {"name": "착수", "planned_on": datetime.date(2026, 11, 5)}
    )
    with CaptureQueriesContext(connection) as small:
        assert client.get(detail(project)).status_code == 200
    accept_all(project, users)
    services.agreement_issue(users["operator"], project, reason="범위 조정")
    for n in range(3):
        services.milestone_save(
            users["lead"], project, {"name": f"단계 {n}", "planned_on": datetime.date(2027, 1, 10 + n)}
        )
    with CaptureQueriesContext(connection) as large:
        response = client.get(detail(project))
    assert "단계 2" in text(response) and "협약 차수" in text(response)
    assert len(small) == len(large), [q["sql"][:120] for q in large.captured_queries]


def test_pages_render_in_english_too(client, project, staff):
    login(client, staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for url in (LIST, NEW, detail(project)):
        response = client.get(url)
        assert response.status_code == 200, url
        assert '<html lang="en">' in response.content.decode()


# --- candidates ----------------------------------------------------------------------------------------


def test_candidates_list_confirmed_released_selections_and_register_a_project(
    client, staff, decision, submission
):
    unreleased = make_decision(factories.make_submitted(decision.track), staff, released=False)
    response = login(client, staff).get(NEW)
    assert response.status_code == 200 and h1(response) == "과제 등록"
    page = text(response)
    assert submission.receipt_number in page
    assert unreleased.submission.receipt_number not in page
    response = client.post(NEW, {"decision": decision.pk, f"d{decision.pk}-starts_on": "2027. 1. 4."})
    project = Project.objects.get(submission=submission)
    assert response.status_code == 302 and response["Location"] == detail(project)
    assert project.starts_on == datetime.date(2027, 1, 4) and project.created_by == staff
    assert project.agreements.get().version == 1
    assert submission.receipt_number not in text(client.get(NEW))


def test_candidate_with_a_bad_date_shows_the_error_and_makes_nothing(client, staff, decision):
    response = login(client, staff).post(NEW, {"decision": decision.pk, f"d{decision.pk}-starts_on": "내일"})
    assert response.status_code == 400
    assert title(response).startswith("오류:")
    assert summary(response) == ["날짜를 2027. 3. 15. 형식으로 입력해 주십시오."]
    assert Project.objects.count() == 0


def test_candidates_are_for_call_staff_only(client, users, decision, other_operator):
    assert login(client, users["lead"]).get(NEW).status_code == 403
    outsider = factories.make_member(Role.OPERATOR_STAFF, operator=other_operator)
    login(client, outsider)
    assert decision.submission.receipt_number not in text(client.get(NEW))
    response = client.post(NEW, {"decision": decision.pk, f"d{decision.pk}-starts_on": "2027. 1. 4."})
    assert response.status_code == 400
    assert Project.objects.count() == 0


# --- detail and agreement ---------------------------------------------------------------------------------


def test_detail_shows_the_agreement_terms_and_who_must_accept(client, project, users):
    response = login(client, users["lead"]).get(detail(project))
    assert response.status_code == 200
    assert h1(response) == project.title
    page = text(response)
    for expected in (
        "1차 협약서",
        "서명 대기",
        project.call.operator.name_ko,
        project.lead.name,
        "용접자동화",
        "국비",
        "35,000,000원",
        "15,000,000원",
        "불량률",
        "협약에 동의합니다",
        "잔금은 최종 점검을 통과한 뒤에 요청·승인할 수 있습니다.",
    ):
        assert expected in page, expected
    # the lead accepts only for itself: one button
    assert response.content.decode().count("협약에 동의합니다") == 1
    assert "협약 변경" not in page


def test_accepting_on_the_page_records_user_time_and_ip_and_the_last_makes_it_in_force(
    client, project, users
):
    agreement = project.agreements.get()
    parties = {p.role: p for p in agreement.parties.all()}
    for role in ("lead", "supplier"):
        login(client, users[role])
        response = client.post(
            reverse("monitoring:agreement-accept", args=[parties[role].pk]), REMOTE_ADDR=IP
        )
        assert response.status_code == 302
    lead_party = AgreementParty.objects.get(pk=parties["lead"].pk)
    assert lead_party.accepted_by == users["lead"] and str(lead_party.accepted_ip) == IP
    assert lead_party.accepted_at is not None
    agreement.refresh_from_db()
    assert agreement.status == "awaiting"
    login(client, users["operator"])
    response = client.post(
        reverse("monitoring:agreement-accept", args=[parties["operator"].pk]), REMOTE_ADDR=IP, follow=True
    )
    assert "모든 당사자가 동의해 협약의 효력이 생겼습니다." in text(response)
    agreement.refresh_from_db()
    project.refresh_from_db()
    assert agreement.status == "in_force" and project.status == "in_progress"
    assert AuditEvent.objects.filter(content_type__model="agreementparty", action="update").count() == 3


def test_ips_are_shown_to_staff_only(client, project, users):
    accept_all(project, users)
    assert "203.0.113.7" not in login(client, users["lead"]).get(detail(project)).content.decode()
    assert "203.0.113.7" not in login(client, users["supplier"]).get(detail(project)).content.decode()
    page = text(login(client, users["operator"]).get(detail(project)))
    assert "203.0.113.7" in page and "동의함" in page


def test_accepting_for_another_party_is_refused_and_changes_nothing(client, project, users):
    supplier_party = project.agreements.get().parties.get(role="supplier")
    response = login(client, users["lead"]).post(
        reverse("monitoring:agreement-accept", args=[supplier_party.pk])
    )
    assert response.status_code == 403
    supplier_party.refresh_from_db()
    assert supplier_party.accepted_at is None


def test_accepting_twice_shows_the_services_message(client, project, users):
    party = project.agreements.get().parties.get(role="lead")
    login(client, users["lead"])
    client.post(reverse("monitoring:agreement-accept", args=[party.pk]))
    response = client.post(reverse("monitoring:agreement-accept", args=[party.pk]))
    assert response.status_code == 409
    assert summary(response) == ["이미 동의했습니다."]


def test_staff_amend_the_agreement_with_a_reason_and_earlier_versions_are_listed(client, project, users):
    accept_all(project, users)
    login(client, users["operator"])
    url = reverse("monitoring:agreement-amend", args=[project.pk])
    missing = client.post(url, {"amend-reason": ""})
    assert missing.status_code == 400
    assert summary(missing) == ["협약을 변경하는 사유를 적어 주십시오."]
    assert Agreement.objects.filter(project=project).count() == 1
    response = client.post(url, {"amend-reason": "수행 기간 1개월 연장"}, follow=True)
    page = text(response)
    assert "협약서 2차를 발급했습니다." in page
    assert "2차 협약서" in page and "수행 기간 1개월 연장" in page
    assert "모든 당사자가 새 차수에 동의할 때까지 1차 협약이 유효합니다." in page
    assert "협약 차수" in page and "변경 전 협약" not in page and "효력 발생" in page
    # not for the lead
    assert login(client, users["lead"]).post(url, {"amend-reason": "x"}).status_code == 404


# --- tranches ------------------------------------------------------------------------------------------


def test_tranches_are_requested_by_the_lead_approved_and_paid_by_staff(client, project, users):
    accept_all(project, users)
    advance = project.tranches.get(kind="advance")
    login(client, users["lead"])
    assert "지급 요청" in text(client.get(detail(project)))
    assert client.post(reverse("monitoring:tranche-request", args=[advance.pk])).status_code == 302
    login(client, users["operator"])
    assert client.post(reverse("monitoring:tranche-approve", args=[advance.pk])).status_code == 302
    future = (timezone.localdate() + datetime.timedelta(days=3)).strftime("%Y. %m. %d.")
    refused = client.post(
        reverse("monitoring:tranche-paid", args=[advance.pk]), {f"paid{advance.pk}-paid_on": future}
    )
    assert refused.status_code == 400
    assert summary(refused) == ["지급일은 오늘이나 그 이전이어야 합니다."]
    today = timezone.localdate().strftime("%Y. %m. %d.")
    response = client.post(
        reverse("monitoring:tranche-paid", args=[advance.pk]),
        {f"paid{advance.pk}-paid_on": today},
        follow=True,
    )
    assert "지급 완료로 기록했습니다" in text(response)
    advance.refresh_from_db()
    assert advance.status == "paid" and advance.paid_on == timezone.localdate()


def test_the_balance_request_is_refused_with_the_services_message(client, project, users):
    accept_all(project, users)
    balance = project.tranches.get(kind="balance")
    response = login(client, users["lead"]).post(reverse("monitoring:tranche-request", args=[balance.pk]))
    assert response.status_code == 409
    assert summary(response) == ["잔금은 최종 점검을 통과한 뒤에만 요청·승인할 수 있습니다."]
    assert Tranche.objects.get(pk=balance.pk).status == "scheduled"


def test_a_supplier_cannot_request_a_tranche(client, project, users):
    accept_all(project, users)
    advance = project.tranches.get(kind="advance")
    assert (
        login(client, users["supplier"])
        .post(reverse("monitoring:tranche-request", args=[advance.pk]))
        .status_code
        == 403
    )
    assert Tranche.objects.get(pk=advance.pk).status == "scheduled"


# --- milestones ----------------------------------------------------------------------------------------


def test_the_lead_adds_and_edits_milestones_inside_the_period(client, project, users):
    login(client, users["lead"])
    url = reverse("monitoring:milestone-add", args=[project.pk])
    outside = client.post(url, {"milestone-name": "너무 늦은 일", "milestone-planned_on": "2028. 1. 5."})
    assert outside.status_code == 400
    assert summary(outside)[0].startswith("예정일은 수행 기간")
    assert not Milestone.objects.exists()
    response = client.post(
        url, {"milestone-name": "MES 설치", "milestone-planned_on": "2027. 1. 15."}, follow=True
    )
    assert "MES 설치" in text(response) and "2027. 1. 15." in text(response)
    milestone = Milestone.objects.get()
    edit = reverse("monitoring:milestone-edit", args=[milestone.pk])
    assert h1(client.get(edit)) == "마일스톤 고치기"
    response = client.post(
        edit, {"name": "MES 설치", "planned_on": "2027. 1. 15.", "done_on": "2026. 11. 20."}
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.done_on == datetime.date(2026, 11, 20)
    assert login(client, users["supplier"]).get(edit).status_code == 403


# --- the PDF ----------------------------------------------------------------------------------------


def pdf_text(content, tmp_path):
    path = tmp_path / "agreement.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def test_the_agreement_pdf_has_the_parties_the_government_share_and_the_tranches(
    client, project, users, tmp_path
):
    accept_all(project, users)
    agreement = project.agreements.get()
    response = login(client, users["supplier"]).get(reverse("monitoring:agreement-pdf", args=[agreement.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "filename*=utf-8''" in response["Content-Disposition"]
    content = pdf_text(response.content, tmp_path)
    assert "협약서" in content
    for party in agreement.parties.all():
        assert party.name in content
    assert "50,000,000원" in content
    assert "35,000,000원" in content and "15,000,000원" in content
    assert "203.0.113.7" not in content


# --- outsiders ----------------------------------------------------------------------------------------


def test_another_operators_staff_and_another_company_get_404(client, project, other_operator, other_company):
    agreement = project.agreements.get()
    party = agreement.parties.get(role="lead")
    tranche = project.tranches.first()
    urls = [
        ("get", detail(project)),
        ("get", reverse("monitoring:agreement-pdf", args=[agreement.pk])),
        ("post", reverse("monitoring:agreement-accept", args=[party.pk])),
        ("post", reverse("monitoring:tranche-request", args=[tranche.pk])),
        ("post", reverse("monitoring:milestone-add", args=[project.pk])),
        ("post", reverse("monitoring:agreement-amend", args=[project.pk])),
    ]
    for outsider in (
        factories.make_member(Role.OPERATOR_STAFF, operator=other_operator),
        factories.make_member(Role.SME_MEMBER, company=other_company),
    ):
        login(client, outsider)
        for method, url in urls:
            assert getattr(client, method)(url).status_code == 404, (outsider, url)
        assert project.title not in text(client.get(LIST))
    party.refresh_from_db()
    assert party.accepted_at is None


def test_anonymous_visitors_are_sent_to_log_in(client, project):
    response = client.get(detail(project))
    assert response.status_code == 302 and "login" in response["Location"]
