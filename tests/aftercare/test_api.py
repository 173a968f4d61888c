"""The aftercare API: defect repairs (request, respond, satisfaction), maintenance contracts,
unfair-practice reports and their handling, project closings, supplier ratings and next-level
applications. Refusals answer 403/409/400 with the service's words and change nothing; foreign ids
are 404; lists keep a constant number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aftercare import services
from aftercare.models import DefectRepair, MaintenanceContract, UnfairPracticeReport
from applications.models import Application
from monitoring.models import Project
from organizations.models import AuditEvent, Role
from tests import factories

from .conftest import make_ready

pytestmark = pytest.mark.django_db

JSON = "application/json"


def _post(client, name, *args, data=None):
    return client.post(reverse(name, args=args), data or {}, content_type=JSON)


def test_defect_repair_round_trip(client, ready):
    ns = ready
    client.force_login(ns.lead_user)
    created = _post(
        client, "defect-repair-list", data={"project": ns.project.pk, "description": "센서 오작동"}
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["status"] == "requested"
    client.force_login(ns.supplier_user)
    today = timezone.localdate().isoformat()
    answered = _post(
        client, "defect-repair-respond", pk, data={"response": "센서 교체", "repaired_on": today}
    )
    assert answered.status_code == 200 and answered.json()["status"] == "responded"
    refused = _post(client, "defect-repair-satisfaction", pk, data={"score": 5})
    assert refused.status_code == 403
    client.force_login(ns.lead_user)
    closed = _post(client, "defect-repair-satisfaction", pk, data={"score": 5, "comment": "만족"})
    assert closed.status_code == 200 and closed.json()["satisfaction"] == 5
    assert closed.json()["status_label"] == "종결"


def test_a_request_outside_the_warranty_is_a_409_saying_when_it_ended(client, ns):
    make_ready(ns, passed_days_ago=500)
    client.force_login(ns.lead_user)
    before = DefectRepair.objects.count(), AuditEvent.objects.count()
    response = _post(client, "defect-repair-list", data={"project": ns.project.pk, "description": "x"})
    assert response.status_code == 409
    ends = services.rules.warranty_ends_on(ns.project.inspection_passed_at).isoformat()
    assert ends in response.content.decode()
    assert (DefectRepair.objects.count(), AuditEvent.objects.count()) == before


def test_maintenance_contract_api(client, ready):
    client.force_login(ready.lead_user)
    data = {
        "project": ready.project.pk,
        "provider_name": "유지보수주식회사",
        "starts_on": "2027-07-01",
        "ends_on": "2028-06-30",
        "annual_fee": 9_600_000,
        "scope": "서버 점검",
    }
    created = _post(client, "maintenance-contract-list", data=data)
    assert created.status_code == 201 and created.json()["annual_fee"] == 9_600_000
    bad = _post(client, "maintenance-contract-list", data={**data, "ends_on": "2027-06-30"})
    assert bad.status_code == 400 and "종료일" in bad.content.decode()
    assert MaintenanceContract.objects.count() == 1


def test_unfair_report_api_and_handling(client, ns):
    client.force_login(ns.supplier_user)
    created = _post(
        client,
        "unfair-practice-report-list",
        data={"project": ns.project.pk, "reported_company": ns.lead.pk, "description": "부당한 요구"},
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["reporter_role"] == "supplier"
    assert _post(client, "unfair-practice-report-review", pk).status_code == 403
    client.force_login(ns.lead_user)
    assert client.get(reverse("unfair-practice-report-detail", args=[pk])).status_code == 404
    client.force_login(ns.staff)
    assert _post(client, "unfair-practice-report-conclude", pk, data={"outcome": "x"}).status_code == 409
    assert _post(client, "unfair-practice-report-review", pk).json()["status"] == "under_review"
    done = _post(client, "unfair-practice-report-conclude", pk, data={"outcome": "시정 권고"})
    assert done.status_code == 200 and done.json()["status"] == "concluded"


def test_close_rate_and_next_level_through_the_api(client, ready, next_track):
    ns = ready
    client.force_login(ns.lead_user)
    assert _post(client, "project-closing-list", data={"project": ns.project.pk}).status_code == 403
    assert (
        _post(client, "supplier-rating-list", data={"project": ns.project.pk, "score": 5}).status_code == 409
    )
    client.force_login(ns.staff)
    closed = _post(client, "project-closing-list", data={"project": ns.project.pk, "reason": "완료"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    client.force_login(ns.lead_user)
    rated = _post(
        client, "supplier-rating-list", data={"project": ns.project.pk, "score": 4, "comment": "좋음"}
    )
    assert rated.status_code == 201 and rated.json()["supplier"] == ns.supplier.pk
    again = _post(client, "supplier-rating-list", data={"project": ns.project.pk, "score": 4})
    assert again.status_code == 409
    low = _post(
        client, "next-level-application-list", data={"project": ns.project.pk, "track": next_track.basic.pk}
    )
    assert low.status_code == 400
    made = _post(
        client, "next-level-application-list", data={"project": ns.project.pk, "track": next_track.higher.pk}
    )
    assert made.status_code == 201, made.content
    application = Application.objects.get(pk=made.json()["application"])
    assert made.json()["url"] == reverse("applications:task-list", args=[application.pk])
    assert application.members.filter(company=ns.supplier.company).exists()


def test_closing_an_unready_project_is_a_409_naming_what_is_missing(client, ns):
    client.force_login(ns.staff)
    response = _post(client, "project-closing-list", data={"project": ns.project.pk})
    assert response.status_code == 409
    assert "최종 점검 통과 기록이 없습니다" in response.content.decode()
    assert Project.objects.get(pk=ns.project.pk).status == "in_progress"


def test_foreign_projects_and_rows_are_404_or_400(client, ready):
    other = factories.make_project(lead_name="남의기업")
    make_ready(other)
    defect = services.defect_request(other.lead_user, other.project, description="x")
    client.force_login(ready.lead_user)
    assert client.get(reverse("defect-repair-detail", args=[defect.pk])).status_code == 404
    assert _post(client, "defect-repair-satisfaction", defect.pk, data={"score": 3}).status_code == 404
    response = _post(client, "defect-repair-list", data={"project": other.project.pk, "description": "x"})
    assert response.status_code == 400 and "project" in response.json().get("errors", response.json())
    client.force_login(ready.staff)
    assert _post(client, "project-closing-list", data={"project": other.project.pk}).status_code == 400


# --- constant queries per list ----------------------------------------------------------------------


def _count(client, name, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(name), {"page_size": 100, **params})
    assert response.status_code == 200
    return response.json()["count"], len(queries)


def _grow(ns, n):
    for i in range(n):
        defect = services.defect_request(ns.lead_user, ns.project, description=f"하자 {i}")
        services.defect_respond(ns.supplier_user, defect, response="조치", repaired_on=timezone.localdate())
        services.maintenance_record(
            ns.lead_user,
            ns.project,
            provider_name=f"업체{i}",
            starts_on=datetime.date(2027, 1, 1),
            ends_on=datetime.date(2028, 1, 1),
            annual_fee=1_000_000,
            scope="점검",
        )
        services.unfair_report(
            ns.supplier_user, ns.project, reported_company=ns.lead, description=f"신고 {i}"
        )


@pytest.mark.parametrize(
    "name, model",
    [
        ("defect-repair-list", DefectRepair),
        ("maintenance-contract-list", MaintenanceContract),
        ("unfair-practice-report-list", UnfairPracticeReport),
    ],
)
def test_lists_keep_a_constant_number_of_queries(client, ready, name, model):
    client.force_login(ready.staff)
    _grow(ready, 1)
    first = _count(client, name)
    _grow(ready, 2)
    second = _count(client, name)
    assert first[0] == 1 and second[0] == 3
    assert first[1] == second[1]
    client.force_login(ready.supplier_user)
    assert _count(client, name, project=ready.project.pk)[0] == 3


def test_the_supplier_member_of_an_unrelated_company_sees_no_rows(client, ready):
    _grow(ready, 1)
    client.force_login(
        factories.make_member(Role.SUPPLIER_MEMBER, company=factories.make_supplier("무관").company)
    )
    for name in ("defect-repair-list", "maintenance-contract-list", "unfair-practice-report-list"):
        assert _count(client, name)[0] == 0
