"""Progress reports and site visits: the lead SME and a supplier party each report in their own role
while the project is in progress (inside the period, never going backwards, not above the total
cost, once per period, evidence checked by content); a regional centre covering the project's
region or the call's staff record visits (follow-up with a due date, photo an image). Every refusal
says why in Korean and changes nothing; each success is audited and notified; the API and the
project page go through the same services; lists keep a constant number of queries; the admin is
read-only."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from monitoring import services
from monitoring.models import ProgressReport, SiteVisit
from organizations.errors import AccessDenied, Conflict, DomainError
from organizations.models import AuditEvent, Membership, Notification, Operator, Role
from tests import factories
from tests.html import summary, text

from .conftest import make_decision

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
)


def days(n):
    return TODAY() - datetime.timedelta(days=n)


@pytest.fixture
def users(staff, sme_user, supplier_user):
    return {"operator": staff, "lead": sme_user, "supplier": supplier_user}


@pytest.fixture
def project(staff, decision, users):
    project = services.project_create(staff, decision, starts_on=days(40))
    for party in project.agreements.get().parties.all():
        services.agreement_accept(users[party.role], party, ip="203.0.113.7")
    project.refresh_from_db()
    assert project.status == "in_progress"
    return project


def _centre(name, code):
    centre = factories.make_operator(name, kind=Operator.Kind.REGIONAL_CENTRE, region_code=code)
    centre.regions_covered.set([code])
    return centre


@pytest.fixture
def centre_user():
    return factories.make_member(Role.CENTRE_STAFF, operator=_centre("경기센터", "41"), full_name="김센터")


@pytest.fixture
def busan_centre_user():
    return factories.make_member(Role.CENTRE_STAFF, operator=_centre("부산센터", "26"))


def _report(user, project, **kw):
    args = {
        "reporter_role": "lead",
        "period_end": days(10),
        "percent_complete": 30,
        "spent": 10_000_000,
        "work_done": "MES 서버 설치",
    }
    args.update(kw)
    return services.progress_report_submit(user, project, **args)


def _state():
    return (
        AuditEvent.objects.count(),
        Notification.objects.count(),
        list(ProgressReport.objects.values_list("pk", "percent_complete")),
        list(SiteVisit.objects.values_list("pk", "visited_on")),
    )


def _refused(exc_type, message, fn, *args, **kwargs):
    before = _state()
    with pytest.raises(exc_type) as info:
        fn(*args, **kwargs)
    assert str(info.value.message) == message
    assert _state() == before


# --- services: progress reports ------------------------------------------------------------------


def test_lead_and_supplier_each_report_audited_and_staff_notified(project, users, staff):
    evidence = SimpleUploadedFile("점검표.pdf", factories.PDF_BYTES)
    audits = AuditEvent.objects.count()
    report = _report(users["lead"], project, evidence=evidence, issues="부품 납기 지연")
    supplier = _report(users["supplier"], project, reporter_role="supplier", percent_complete=25)
    assert (report.reporter_role, report.percent_complete, report.evidence_name) == ("lead", 30, "점검표.pdf")
    assert report.evidence.name.startswith(f"projects/{project.pk}/evidence/")
    assert "점검표" not in report.evidence.name  # random stored name
    assert supplier.reporter_role == "supplier"
    events = AuditEvent.objects.filter(pk__gt=0).order_by("-pk")[:2]
    assert AuditEvent.objects.count() == audits + 2
    assert {e.object_id for e in events} == {str(report.pk), str(supplier.pk)}
    mail = Notification.objects.filter(recipient=staff, subject__contains="진척 보고 제출")
    assert mail.count() == 2
    assert "공급기업 진척 보고" in mail.order_by("-pk").first().body


def test_only_the_right_role_reports(project, users, staff, centre_user):
    _refused(
        AccessDenied,
        "주관 도입기업 담당자만 주관 도입기업의 진척 보고를 제출할 수 있습니다.",
        _report,
        users["supplier"],
        project,
    )
    for user in (users["lead"], staff, centre_user):
        _refused(
            AccessDenied,
            "이 과제 협약의 공급기업 담당자만 공급기업의 진척 보고를 제출할 수 있습니다.",
            _report,
            user,
            project,
            reporter_role="supplier",
        )


def test_only_while_in_progress(staff, decision, users):
    project = services.project_create(staff, decision, starts_on=days(40))
    _refused(Conflict, "수행 중인 과제만 진척 보고를 제출할 수 있습니다.", _report, users["lead"], project)


def test_period_end_inside_the_period_and_not_in_the_future(project, users):
    start, end = project.starts_on.isoformat(), project.ends_on.isoformat()
    _refused(
        DomainError,
        f"보고 기간 종료일은(는) 수행 기간({start}~{end}) 안이어야 합니다.",
        _report,
        users["lead"],
        project,
        period_end=days(41),
    )
    _refused(
        DomainError,
        "보고 기간 종료일은(는) 오늘이나 그 이전이어야 합니다.",
        _report,
        users["lead"],
        project,
        period_end=TODAY() + datetime.timedelta(days=1),
    )


def test_percent_never_goes_down_and_stays_within_0_100(project, users):
    _report(users["lead"], project, period_end=days(20), percent_complete=40)
    _refused(
        DomainError,
        f"진척률은 직전 보고({days(20).isoformat()}, 40%)보다 낮을 수 없습니다.",
        _report,
        users["lead"],
        project,
        percent_complete=35,
    )
    _refused(
        DomainError,
        "진척률은 0~100 사이의 정수로 입력해 주십시오.",
        _report,
        users["lead"],
        project,
        percent_complete=101,
    )
    # the supplier's own history is separate
    assert _report(users["supplier"], project, reporter_role="supplier", percent_complete=10).pk


def test_spent_is_whole_won_and_at_most_the_total_cost(project, users):
    total = f"{project.total_cost:,}"
    _refused(
        DomainError,
        f"누적 집행액은 총 사업비({total}원)를 넘을 수 없습니다.",
        _report,
        users["lead"],
        project,
        spent=project.total_cost + 1,
    )
    _refused(
        DomainError,
        "누적 집행액은 0원 이상의 정수(원)로 입력해 주십시오.",
        _report,
        users["lead"],
        project,
        spent=-1,
    )


def test_one_report_per_role_and_period(project, users):
    _report(users["lead"], project)
    _refused(
        Conflict,
        f"{days(10).isoformat()}로 끝나는 기간의 진척 보고는 이미 제출했습니다.",
        _report,
        users["lead"],
        project,
        percent_complete=50,
    )


def test_evidence_checked_by_content(project, users):
    png_named_pdf = SimpleUploadedFile("보고.pdf", PNG)
    before = _state()
    with pytest.raises(DomainError) as info:
        _report(users["lead"], project, evidence=png_named_pdf)
    assert "확장자(.pdf)와 맞지 않습니다" in str(info.value.message)
    assert info.value.field == "evidence"
    assert _state() == before


# --- services: site visits -----------------------------------------------------------------------


def test_centre_records_a_visit_for_itself_audited_and_lead_notified(project, centre_user, users):
    photo = SimpleUploadedFile("현장.png", PNG)
    audits = AuditEvent.objects.count()
    visit = services.site_visit_record(
        centre_user,
        project,
        visited_on=days(5),
        findings="설비 설치 확인",
        follow_up="작업자 교육 일정 제출",
        follow_up_due=TODAY() + datetime.timedelta(days=14),
        photo=photo,
    )
    assert visit.operator.name_ko.startswith("경기센터")
    assert visit.photo_name == "현장.png" and visit.photo.name.endswith(".png")
    assert AuditEvent.objects.count() == audits + 1
    mail = Notification.objects.get(recipient=users["lead"], subject__contains="현장 방문")
    assert "경기센터" in mail.body


def test_call_staff_record_for_the_calls_operator(project, staff):
    visit = services.site_visit_record(staff, project, visited_on=days(3), findings="점검")
    assert visit.operator_id == project.call.operator_id


def test_visit_refusals(project, busan_centre_user, centre_user, users):
    message = "과제 소재 지역을 담당하는 지역센터 담당자나 공고를 운영하는 기관의 담당자만 현장 방문을 기록할 수 있습니다."
    for user in (busan_centre_user, users["lead"], users["supplier"]):
        _refused(
            AccessDenied, message, services.site_visit_record, user, project, visited_on=days(3), findings="x"
        )
    record = services.site_visit_record
    _refused(
        DomainError,
        "후속 조치를 적었으면 그 기한도 입력해 주십시오.",
        record,
        centre_user,
        project,
        visited_on=days(3),
        findings="x",
        follow_up="보완",
    )
    _refused(
        DomainError,
        "후속 조치 기한은 방문일과 같거나 그 뒤여야 합니다.",
        record,
        centre_user,
        project,
        visited_on=days(3),
        findings="x",
        follow_up="보완",
        follow_up_due=days(4),
    )
    _refused(
        DomainError,
        "방문일은(는) 오늘이나 그 이전이어야 합니다.",
        record,
        centre_user,
        project,
        visited_on=TODAY() + datetime.timedelta(days=1),
        findings="x",
    )
    before = _state()
    with pytest.raises(DomainError) as info:
        record(
            centre_user,
            project,
            visited_on=days(3),
            findings="x",
            photo=SimpleUploadedFile("a.pdf", factories.PDF_BYTES),
        )
    assert info.value.field == "photo"
    assert _state() == before


# --- API -----------------------------------------------------------------------------------------


def test_api_report_with_evidence_then_list_filter_and_download(client, project, users, staff):
    client.force_login(users["lead"])
    response = client.post(
        reverse("progress-report-list"),
        {
            "project": project.pk,
            "reporter_role": "lead",
            "period_end": days(7).isoformat(),
            "percent_complete": 20,
            "spent": 5_000_000,
            "work_done": "센서 설치",
            "evidence": SimpleUploadedFile("증빙.pdf", factories.PDF_BYTES),
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["percent_complete"], body["spent"], body["evidence_name"]) == (20, 5_000_000, "증빙.pdf")
    client.force_login(staff)
    rows = client.get(
        reverse("progress-report-list"), {"project": project.pk, "reporter_role": "lead"}
    ).json()
    assert [r["id"] for r in rows["results"]] == [body["id"]]
    assert client.get(reverse("progress-report-list"), {"reporter_role": "supplier"}).json()["count"] == 0
    download = client.get(body["evidence_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == factories.PDF_BYTES
    assert "attachment" in download["Content-Disposition"]


def test_api_refusal_is_a_clear_message_and_changes_nothing(client, project, users):
    _report(users["lead"], project, percent_complete=60)
    client.force_login(users["lead"])
    before = _state()
    response = client.post(
        reverse("progress-report-list"),
        {
            "project": project.pk,
            "reporter_role": "lead",
            "period_end": days(10).isoformat(),
            "percent_complete": 70,
            "spent": 1,
            "work_done": "x",
        },
        content_type="application/json",
    )
    assert response.status_code == 409
    assert (
        response.json()["message"] == f"{days(10).isoformat()}로 끝나는 기간의 진척 보고는 이미 제출했습니다."
    )
    assert _state() == before


def test_api_site_visit_by_centre_and_photo_download_other_region_gets_404(
    client, project, centre_user, busan_centre_user
):
    client.force_login(centre_user)
    response = client.post(
        reverse("site-visit-list"),
        {
            "project": project.pk,
            "visited_on": days(2).isoformat(),
            "findings": "라인 가동",
            "photo": SimpleUploadedFile("p.png", PNG),
        },
    )
    assert response.status_code == 201, response.content
    visit = response.json()
    assert visit["operator_name"].startswith("경기센터")
    assert client.get(visit["photo_url"]).status_code == 200
    client.force_login(busan_centre_user)
    assert client.get(reverse("site-visit-detail", args=[visit["id"]])).status_code == 404
    assert client.get(visit["photo_url"]).status_code == 404
    refused = client.post(
        reverse("site-visit-list"),
        {"project": project.pk, "visited_on": days(2).isoformat(), "findings": "x"},
        content_type="application/json",
    )
    assert refused.status_code == 400  # the project is not in its scope: a 400 on that field
    assert SiteVisit.objects.count() == 1


def _more_projects(track, staff, n):
    for i in range(n):
        firm = factories.make_company(f"추가정밀{i}", region_code="41")
        member = factories.make_member(Role.SME_MEMBER, company=firm)
        p = services.project_create(
            staff, make_decision(factories.make_submitted(track, firm), staff), starts_on=days(40)
        )
        for party in p.agreements.get().parties.all():
            user = staff if party.role == "operator" else member
            if party.role == "supplier":
                continue
            services.agreement_accept(user, party)
        p.status = "in_progress"
        p.save(update_fields=["status"])
        _report(member, p)
        services.site_visit_record(
            staff, p, visited_on=days(2), findings="점검", photo=SimpleUploadedFile("p.png", PNG)
        )


def _count(client, name):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(name), {"page_size": 100})
    assert response.status_code == 200
    return response.json()["count"], len(queries)


def test_both_lists_keep_a_constant_number_of_queries(client, project, users, staff, track):
    _report(users["lead"], project)
    services.site_visit_record(staff, project, visited_on=days(2), findings="점검")
    client.force_login(staff)
    small = (_count(client, "progress-report-list"), _count(client, "site-visit-list"))
    _more_projects(track, staff, 2)
    large = (_count(client, "progress-report-list"), _count(client, "site-visit-list"))
    assert [c for c, _q in small] == [1, 1] and [c for c, _q in large] == [3, 3]
    assert [q for _c, q in small] == [q for _c, q in large]


# --- pages ---------------------------------------------------------------------------------------


def _page(project):
    return reverse("monitoring:project-detail", args=[project.pk])


def test_lead_submits_from_the_page_and_sees_it_listed(client, project, users):
    client.force_login(users["lead"])
    page = client.get(_page(project))
    assert 'href="#progress"' in page.content.decode() and 'href="#visits"' in page.content.decode()
    form = page.context["report_form"]
    assert [v for v, _l in form.fields["reporter_role"].choices] == ["lead"]  # own role only
    assert not page.context["may_visit"]
    response = client.post(
        reverse("monitoring:progress-report-add", args=[project.pk]),
        {
            "report-reporter_role": "lead",
            "report-period_end": days(5).isoformat(),
            "report-percent_complete": "45",
            "report-spent": "12,000,000",
            "report-work_done": "라인 시운전",
            "report-issues": "",
            "report-evidence": SimpleUploadedFile("사진대지.pdf", factories.PDF_BYTES),
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("#progress")
    shown = text(client.get(_page(project)))
    assert "45%" in shown and "12,000,000원" in shown and "라인 시운전" in shown and "사진대지.pdf" in shown
    report = ProgressReport.objects.get()
    download = client.get(reverse("monitoring:progress-evidence", args=[report.pk]))
    assert b"".join(download.streaming_content) == factories.PDF_BYTES


def test_a_refused_report_on_the_page_shows_the_services_words(client, project, users):
    _report(users["lead"], project, period_end=days(20), percent_complete=50)
    client.force_login(users["lead"])
    before = _state()
    response = client.post(
        reverse("monitoring:progress-report-add", args=[project.pk]),
        {
            "report-reporter_role": "lead",
            "report-period_end": days(5).isoformat(),
            "report-percent_complete": "30",
            "report-spent": "1",
            "report-work_done": "x",
        },
    )
    assert response.status_code == 400
    assert summary(response) == [f"진척률은 직전 보고({days(20).isoformat()}, 50%)보다 낮을 수 없습니다."]
    assert _state() == before


def test_supplier_cannot_post_as_lead_from_the_page(client, project, users):
    client.force_login(users["supplier"])
    response = client.post(
        reverse("monitoring:progress-report-add", args=[project.pk]),
        {
            "report-reporter_role": "lead",
            "report-period_end": days(5).isoformat(),
            "report-percent_complete": "30",
            "report-spent": "1",
            "report-work_done": "x",
        },
    )
    assert response.status_code == 400  # not one of its choices
    assert ProgressReport.objects.count() == 0


def test_centre_records_a_visit_from_the_page_and_another_region_gets_404(
    client, project, centre_user, busan_centre_user
):
    client.force_login(centre_user)
    assert client.get(_page(project)).context["may_visit"]
    response = client.post(
        reverse("monitoring:site-visit-add", args=[project.pk]),
        {
            "visit-visited_on": days(1).isoformat(),
            "visit-findings": "설비 정상 가동",
            "visit-follow_up": "교육 자료 제출",
            "visit-follow_up_due": (TODAY() + datetime.timedelta(days=10)).isoformat(),
            "visit-photo": SimpleUploadedFile("현장.png", PNG),
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("#visits")
    shown = text(client.get(_page(project)))
    assert "설비 정상 가동" in shown and "교육 자료 제출" in shown and "경기센터" in shown
    visit = SiteVisit.objects.get()
    client.force_login(busan_centre_user)
    assert client.get(_page(project)).status_code == 404
    assert client.get(reverse("monitoring:site-visit-photo", args=[visit.pk])).status_code == 404
    posted = client.post(
        reverse("monitoring:site-visit-add", args=[project.pk]),
        {"visit-visited_on": days(1).isoformat(), "visit-findings": "x"},
    )
    assert posted.status_code == 404
    assert SiteVisit.objects.count() == 1


def test_a_visit_without_a_due_date_on_the_page_is_refused(client, project, staff):
    client.force_login(staff)
    response = client.post(
        reverse("monitoring:site-visit-add", args=[project.pk]),
        {"visit-visited_on": days(1).isoformat(), "visit-findings": "x", "visit-follow_up": "보완"},
    )
    assert response.status_code == 400
    assert summary(response) == ["후속 조치를 적었으면 그 기한도 입력해 주십시오."]
    assert SiteVisit.objects.count() == 0


# --- admin ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", [ProgressReport, SiteVisit], ids=lambda m: m.__name__)
def test_admin_is_read_only(client, project, users, staff, model):
    _report(users["lead"], project)
    services.site_visit_record(staff, project, visited_on=days(2), findings="점검")
    admin = factories.make_user(is_staff=True, is_superuser=True)
    Membership.objects.create(user=admin, role=Role.PLATFORM_ADMIN)
    client.force_login(admin)
    row = model.objects.get()
    name = model._meta.model_name
    listing = client.get(reverse(f"admin:monitoring_{name}_changelist"))
    assert listing.status_code == 200
    assert reverse(f"admin:monitoring_{name}_change", args=[row.pk]) in listing.content.decode()
    assert client.get(reverse(f"admin:monitoring_{name}_add")).status_code == 403
    change = reverse(f"admin:monitoring_{name}_change", args=[row.pk])
    assert client.post(change, {"findings": "HACKED", "work_done": "HACKED"}).status_code == 403
    delete = reverse(f"admin:monitoring_{name}_delete", args=[row.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=row.pk).exists()


def test_the_project_page_keeps_a_constant_number_of_queries_with_reports_and_visits(
    client, project, users, staff
):
    _report(users["lead"], project, period_end=days(30), percent_complete=10)
    services.site_visit_record(staff, project, visited_on=days(30), findings="착수 점검")
    client.force_login(users["supplier"])
    with CaptureQueriesContext(connection) as small:
        page = client.get(_page(project))
    assert [v for v, _l in page.context["report_form"].fields["reporter_role"].choices] == ["supplier"]
    for n in range(3):
        _report(users["lead"], project, period_end=days(20 - n), percent_complete=20 + n)
        services.site_visit_record(
            staff,
            project,
            visited_on=days(20 - n),
            findings=f"점검 {n}",
            photo=SimpleUploadedFile("p.png", PNG),
        )
    with CaptureQueriesContext(connection) as large:
        response = client.get(_page(project))
    assert "점검 2" in text(response) and "22%" in text(response)
    assert len(small) == len(large), [q["sql"][:120] for q in large.captured_queries]
