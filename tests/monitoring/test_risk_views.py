"""Risk flags on the pages and the API (issue 7, points 3 and 9): the project list as a dashboard
(counts by status and by flag kind, badges by severity, next action, filters by status and risk),
who sees which projects (a regional centre exactly its region's, whoever runs the call; operators
all of their calls'; companies their own), the risk section on the project page, the read-only
`risk-flags` API with its filters, the open flag count on the projects API, constant query counts,
and the read-only admin."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from monitoring import risk_check
from monitoring.models import Milestone, RiskFlag
from organizations.models import Membership, Operator, Role
from tests import factories
from tests.html import text

pytestmark = pytest.mark.django_db

LIST = reverse("monitoring:project-list")


def flag(project, kind="milestone_overdue", severity="warning", key=None, message=None, resolved=False):
    now = timezone.now()
    return RiskFlag.objects.create(
        project=project,
        kind=kind,
        key=key or f"{kind}:{RiskFlag.objects.count()}",
        severity=severity,
        since=timezone.localdate(),
        message=message or f"{kind} 위험 내용",
        first_seen_at=now,
        last_seen_at=now,
        resolved_at=now if resolved else None,
    )


def centre(name, code):
    c = factories.make_operator(name, kind=Operator.Kind.REGIONAL_CENTRE, region_code=code)
    c.regions_covered.set([code])
    return factories.make_member(Role.CENTRE_STAFF, operator=c)


@pytest.fixture
def gyeonggi():
    return factories.make_project(region_code="41", lead_name="경기정밀")


@pytest.fixture
def busan():
    return factories.make_project(region_code="26", lead_name="부산정밀")


@pytest.fixture
def centre_user():
    return centre("경기센터", "41")


def receipts(client):
    response = client.get(LIST)
    assert response.status_code == 200
    return response, text(response)


# --- who sees which projects -------------------------------------------------------------------


def test_a_regional_centre_sees_exactly_its_regions_projects_whoever_runs_the_call(
    client, centre_user, busan
):
    first = factories.make_project(region_code="41")  # one operator
    second = factories.make_project(region_code="41")  # another operator
    assert first.operator != second.operator
    client.force_login(centre_user)
    _response, page = receipts(client)
    assert "과제 2건" in page
    for w in (first, second):
        assert w.project.submission.receipt_number in page
    assert busan.project.submission.receipt_number not in page
    api = client.get(reverse("project-list")).json()
    assert sorted(row["id"] for row in api["results"]) == sorted([first.project.pk, second.project.pk])


def test_operators_see_all_projects_of_their_calls_and_companies_their_own(client, gyeonggi, busan):
    other_call = factories.make_project(operator=gyeonggi.operator, region_code="26")
    client.force_login(gyeonggi.staff)
    _r, page = receipts(client)
    assert "과제 2건" in page
    assert other_call.project.submission.receipt_number in page
    assert busan.project.submission.receipt_number not in page
    for user in (gyeonggi.lead_user, gyeonggi.supplier_user):
        client.force_login(user)
        _r, page = receipts(client)
        assert "과제 1건" in page and gyeonggi.project.submission.receipt_number in page


# --- the list as a dashboard -----------------------------------------------------------------------


def test_the_list_shows_counts_badges_and_next_actions(client, gyeonggi, busan):
    flag(gyeonggi.project, "milestone_overdue", "critical", message="'MES 설치' 마일스톤이 늦었습니다.")
    flag(gyeonggi.project, "no_site_visit", "warning")
    flag(gyeonggi.project, "report_missing", "warning", resolved=True)  # history, not counted
    flag(busan.project, "budget_variance", "critical")  # another tenant's: not counted
    client.force_login(gyeonggi.staff)
    response, page = receipts(client)
    assert "상태별 과제 1건" in page and "수행 중 1건" in page and "협약 중 0건" in page
    assert "미해소 위험 신호 2건" in page
    assert (
        "마일스톤 지연 1건 심각 1" in page and "현장 방문 없음 1건" in page and "진척 보고 누락 0건" in page
    )
    assert "예산 집행 편차 0건" in page
    html = response.content.decode()
    assert (
        'class="badge badge-danger" title="&#x27;MES 설치&#x27; 마일스톤이 늦었습니다.">심각 · 마일스톤 지연'
        in html
    )
    assert 'class="badge badge-gray"' in html and "주의 · 현장 방문 없음" in html
    assert "위험 신호 조치: 마일스톤 지연" in page  # critical first


def test_next_action_without_flags_is_the_next_milestone_or_the_agreement(client, gyeonggi):
    Milestone.objects.create(project=gyeonggi.project, name="MES 설치", planned_on=datetime.date(2031, 3, 2))
    waiting = factories.make_project(operator=gyeonggi.operator, in_force=False)
    client.force_login(gyeonggi.staff)
    _r, page = receipts(client)
    assert "마일스톤 'MES 설치' (2031-03-02 예정)" in page
    assert "협약 동의:" in page and waiting.lead.name in page


def test_filters_by_risk_kind_severity_and_status(client, gyeonggi):
    late = factories.make_project(operator=gyeonggi.operator)
    calm = factories.make_project(operator=gyeonggi.operator, in_force=False)
    flag(gyeonggi.project, "no_site_visit", "warning")
    flag(late.project, "milestone_overdue", "critical")
    flag(calm.project, "milestone_overdue", "critical", resolved=True)
    client.force_login(gyeonggi.staff)

    def shown(params):
        page = text(client.get(LIST, params))
        return {w.project.pk for w in (gyeonggi, late, calm) if w.project.submission.receipt_number in page}

    assert shown({"risk": "milestone_overdue"}) == {late.project.pk}
    assert shown({"risk": "any"}) == {gyeonggi.project.pk, late.project.pk}
    assert shown({"risk": "critical"}) == {late.project.pk}
    assert shown({"status": "agreement"}) == {calm.project.pk}
    assert shown({"status": "in_progress", "risk": "no_site_visit"}) == {gyeonggi.project.pk}
    assert shown({}) == {gyeonggi.project.pk, late.project.pk, calm.project.pk}
    page = text(client.get(LIST, {"risk": "nonsense"}))
    assert "올바르게 선택해 주세요" in page or "nonsense" not in page


def test_the_list_keeps_a_constant_number_of_queries_with_flags(client, gyeonggi):
    flag(gyeonggi.project, "no_site_visit")
    Milestone.objects.create(project=gyeonggi.project, name="MES 설치", planned_on=datetime.date(2031, 3, 2))
    client.force_login(gyeonggi.staff)
    with CaptureQueriesContext(connection) as one:
        assert "과제 1건" in text(client.get(LIST))
    for _n in range(2):
        more = factories.make_project(operator=gyeonggi.operator)
        flag(more.project, "milestone_overdue", "critical")
        flag(more.project, "no_site_visit")
        Milestone.objects.create(project=more.project, name="설비 반입", planned_on=datetime.date(2031, 3, 2))
    with CaptureQueriesContext(connection) as three:
        assert "과제 3건" in text(client.get(LIST))
    assert len(one) == len(three), [q["sql"][:120] for q in three.captured_queries]


# --- the project page ------------------------------------------------------------------------------


def test_the_project_page_shows_open_flags_and_the_dossier_link_to_the_operator_side(
    client, gyeonggi, centre_user
):
    flag(gyeonggi.project, "milestone_overdue", "critical", message="'MES 설치' 마일스톤이 40일 늦었습니다.")
    flag(gyeonggi.project, "report_missing", resolved=True, message="해소된 누락")
    url = reverse("monitoring:project-detail", args=[gyeonggi.project.pk])
    dossier = reverse("monitoring:project-dossier", args=[gyeonggi.project.pk])
    for user in (gyeonggi.staff, centre_user):
        client.force_login(user)
        response = client.get(url)
        page = text(response)
        assert "위험 신호 심각도" in page and "'MES 설치' 마일스톤이 40일 늦었습니다." in page
        assert "해소된 누락" not in page
        assert dossier in response.content.decode()
    client.force_login(gyeonggi.lead_user)
    response = client.get(url)
    assert "'MES 설치' 마일스톤이 40일 늦었습니다." in text(response)
    assert dossier not in response.content.decode()


def test_a_project_without_flags_says_so(client, gyeonggi):
    client.force_login(gyeonggi.lead_user)
    page = text(client.get(reverse("monitoring:project-detail", args=[gyeonggi.project.pk])))
    assert "미해소 위험 신호가 없습니다." in page


# --- API -------------------------------------------------------------------------------------------


def test_the_risk_flags_api_lists_visible_flags_with_filters(client, gyeonggi, busan, centre_user):
    a = flag(gyeonggi.project, "milestone_overdue", "critical")
    b = flag(gyeonggi.project, "no_site_visit", "warning")
    c = flag(gyeonggi.project, "report_missing", "warning", resolved=True)
    foreign = flag(busan.project, "budget_variance", "critical")
    url = reverse("risk-flag-list")

    def ids(user, **params):
        client.force_login(user)
        response = client.get(url, params)
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    for user in (gyeonggi.staff, gyeonggi.lead_user, gyeonggi.supplier_user, centre_user):
        assert ids(user) == {a.pk, b.pk, c.pk}
    assert ids(busan.staff) == {foreign.pk}
    assert ids(gyeonggi.staff, kind="no_site_visit") == {b.pk}
    assert ids(gyeonggi.staff, severity="critical") == {a.pk}
    assert ids(gyeonggi.staff, open="true") == {a.pk, b.pk}
    assert ids(gyeonggi.staff, open="false") == {c.pk}
    assert ids(gyeonggi.staff, project=busan.project.pk) == set()

    client.force_login(gyeonggi.staff)
    row = client.get(reverse("risk-flag-detail", args=[a.pk])).json()
    assert row["kind_label"] == "마일스톤 지연" and row["severity_label"] == "심각" and row["is_open"] is True
    assert row["project"] == gyeonggi.project.pk
    assert client.get(reverse("risk-flag-detail", args=[foreign.pk])).status_code == 404
    assert client.post(url, {}).status_code == 405
    assert client.patch(reverse("risk-flag-detail", args=[a.pk]), {}).status_code == 405
    client.logout()
    assert client.get(url).status_code in (401, 403)


def test_the_projects_api_shows_the_open_flag_count(client, gyeonggi):
    flag(gyeonggi.project, "milestone_overdue")
    flag(gyeonggi.project, "no_site_visit")
    flag(gyeonggi.project, "report_missing", resolved=True)
    client.force_login(gyeonggi.staff)
    (row,) = client.get(reverse("project-list")).json()["results"]
    assert row["open_risk_flags"] == 2
    detail = client.get(reverse("project-detail", args=[gyeonggi.project.pk])).json()
    assert detail["open_risk_flags"] == 2


def _api_count(client, name):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(name), {"page_size": 100})
    assert response.status_code == 200
    return response.json()["count"], len(queries)


def test_the_risk_flag_and_project_lists_keep_a_constant_number_of_queries(client, gyeonggi):
    flag(gyeonggi.project, "no_site_visit")
    client.force_login(gyeonggi.staff)
    flags_one, projects_one = _api_count(client, "risk-flag-list"), _api_count(client, "project-list")
    for _n in range(2):
        more = factories.make_project(operator=gyeonggi.operator)
        flag(more.project, "milestone_overdue", "critical")
    flags_three, projects_three = _api_count(client, "risk-flag-list"), _api_count(client, "project-list")
    assert (flags_one[0], flags_three[0], projects_one[0], projects_three[0]) == (1, 3, 1, 3)
    assert flags_one[1] == flags_three[1]
    assert projects_one[1] == projects_three[1]


# --- a flag raised by the check shows up --------------------------------------------------------------


def test_a_flag_raised_by_the_check_shows_on_the_list(client, gyeonggi, centre_user):
    p = gyeonggi.project
    Milestone.objects.create(project=p, name="설비 반입", planned_on=p.starts_on + datetime.timedelta(days=2))
    risk_check.check_risks(project_ids=[p.pk])
    client.force_login(centre_user)
    response = client.get(LIST, {"risk": "milestone_overdue"})
    assert p.submission.receipt_number in text(response)
    assert "마일스톤 지연" in text(response)


# --- admin -------------------------------------------------------------------------------------------


def test_the_risk_flag_admin_is_read_only(client, gyeonggi):
    f = flag(gyeonggi.project, "milestone_overdue", message="관리자 화면의 위험")
    admin = factories.make_user(is_staff=True, is_superuser=True)
    Membership.objects.create(user=admin, role=Role.PLATFORM_ADMIN)
    client.force_login(admin)
    changelist = client.get(reverse("admin:monitoring_riskflag_changelist"))
    assert changelist.status_code == 200 and gyeonggi.project.title in text(changelist)
    change = client.get(reverse("admin:monitoring_riskflag_change", args=[f.pk]))
    assert change.status_code == 200 and "관리자 화면의 위험" in text(change)
    assert client.get(reverse("admin:monitoring_riskflag_add")).status_code == 403
    response = client.post(reverse("admin:monitoring_riskflag_change", args=[f.pk]), {"message": "바뀜"})
    assert response.status_code == 403
    f.refresh_from_db()
    assert f.message == "관리자 화면의 위험"
