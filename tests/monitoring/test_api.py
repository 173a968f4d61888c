"""The monitoring API: a project made from a final, released selection; every party accepts the
agreement in its own account until it is in force; amendments are new versions with a reason;
tranches are requested, approved and recorded paid (the balance only after the final inspection);
milestones stay inside the period. Refusals answer with a clear message and change nothing; each
user sees exactly its projects (a regional centre its region's); lists keep a constant number of
queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from monitoring import services
from monitoring.models import Agreement, AgreementParty, Milestone, Project, Tranche
from organizations.models import AuditEvent, Operator, Role
from tests import factories

from .conftest import make_decision

pytestmark = pytest.mark.django_db

JSON = "application/json"
TODAY = timezone.localdate


def url(name, *args):
    return reverse(name, args=args)


def act_as(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def _ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def _post(client, name, *args, data=None, **extra):
    return client.post(url(name, *args), data or {}, content_type=JSON, **extra)


def _state():
    """What a refused request must leave exactly as it was."""
    return (
        AuditEvent.objects.count(),
        list(Project.objects.values_list("pk", "status")),
        list(Agreement.objects.values_list("pk", "status")),
        list(AgreementParty.objects.values_list("pk", "accepted_at")),
        list(Tranche.objects.values_list("pk", "status", "paid_on")),
        list(Milestone.objects.values_list("pk", "planned_on", "done_on")),
    )


@pytest.fixture
def users(staff, sme_user, supplier_user):
    return {"operator": staff, "lead": sme_user, "supplier": supplier_user}


@pytest.fixture
def project(staff, decision):
    return services.project_create(staff, decision, starts_on=TODAY() - datetime.timedelta(days=10))


def _accept_all(project, users):
    agreement = project.agreements.get(status="awaiting")
    for party in agreement.parties.all():
        services.agreement_accept(users[party.role], party, ip="203.0.113.7")
    agreement.refresh_from_db()
    return agreement


@pytest.fixture
def in_force(project, users):
    _accept_all(project, users)
    project.refresh_from_db()
    return project


@pytest.fixture
def centre_user():
    centre = factories.make_operator("경기센터", kind=Operator.Kind.REGIONAL_CENTRE, region_code="41")
    centre.regions_covered.set(["41"])
    return factories.make_member(Role.CENTRE_STAFF, operator=centre)


@pytest.fixture
def other_staff(other_operator):
    return factories.make_member(Role.OPERATOR_STAFF, operator=other_operator)


def _another_project(track, staff, *, name="부산정밀", region_code="26"):
    firm = factories.make_company(name, region_code=region_code)
    return services.project_create(staff, make_decision(factories.make_submitted(track, firm), staff))


# --- creating a project --------------------------------------------------------------------------


def test_staff_make_a_project_from_a_released_selection(client, staff, decision, submission):
    act_as(client, staff)
    response = _post(client, "project-list", data={"decision": decision.pk, "starts_on": "2027-01-04"})
    assert response.status_code == 201, response.content
    body = response.json()
    project = Project.objects.get()
    assert body["id"] == project.pk
    assert (body["status"], body["status_label"]) == ("agreement", "협약 중")
    assert (body["starts_on"], body["ends_on"]) == ("2027-01-04", "2027-07-04")
    assert (body["total_cost"], body["government_share"]) == (100_000_000, 50_000_000)
    assert body["lead"] == submission.application.lead_id and body["region"] == "41"
    assert body["receipt_number"] == submission.receipt_number
    assert [(t["order"], t["kind"], t["amount"], t["status"]) for t in body["tranches"]] == [
        (1, "advance", 35_000_000, "scheduled"),
        (2, "balance", 15_000_000, "scheduled"),
    ]
    agreement = body["agreement"]
    assert (agreement["version"], agreement["status"]) == (1, "awaiting")
    assert [(p["role"], p["accepted"]) for p in agreement["parties"]] == [
        ("operator", False),
        ("lead", False),
        ("supplier", False),
    ]
    assert [p["may_accept"] for p in agreement["parties"]] == [True, False, False]
    assert agreement["terms"]["government_share"] == 50_000_000
    assert agreement["terms"]["period"] == {"starts_on": "2027-01-04", "ends_on": "2027-07-04"}
    assert [a["version"] for a in body["agreements"]] == [1]
    assert body["milestones"] == []
    assert (body["agreement_version"], body["agreement_status"]) == (1, "awaiting")
    assert AuditEvent.objects.filter(
        content_type__model="project", object_id=str(project.pk), action="create", actor=staff
    ).exists()


@pytest.mark.parametrize(
    ("status", "final", "released", "code", "message"),
    [
        ("selected", False, False, "not_selected", "심의위원회에서 선정이 확정된 신청서만"),
        ("waitlisted", True, True, "not_selected", "심의위원회에서 선정이 확정된 신청서만"),
        ("selected", True, False, "not_released", "선정 결과를 신청기업에 통보한 뒤"),
    ],
)
def test_only_a_final_released_selection_becomes_a_project(
    client, staff, submission, status, final, released, code, message
):
    decision = make_decision(submission, staff, status=status, final=final, released=released)
    act_as(client, staff)
    before = _state()
    response = _post(client, "project-list", data={"decision": decision.pk})
    assert response.status_code == 409
    assert response.json()["code"] == code and message in response.json()["message"]
    assert _state() == before


def test_a_project_is_made_once(client, staff, decision):
    act_as(client, staff)
    assert _post(client, "project-list", data={"decision": decision.pk}).status_code == 201
    again = _post(client, "project-list", data={"decision": decision.pk})
    assert again.status_code == 409 and again.json()["code"] == "project_exists"
    assert Project.objects.count() == 1


def test_only_the_calls_staff_make_projects(client, decision, users, other_staff, centre_user):
    before = _state()
    for user in (users["lead"], users["supplier"], other_staff, centre_user):
        act_as(client, user)
        response = _post(client, "project-list", data={"decision": decision.pk})
        assert response.status_code == 400, user
        assert response.json()["errors"]["decision"] == [
            "없는 선정 결정이거나 이 공고를 운영하는 기관의 담당자가 아닙니다."
        ]
    act_as(client, None)
    assert _post(client, "project-list", data={"decision": decision.pk}).status_code in (401, 403)
    assert _state() == before


def test_bad_project_input_is_refused_per_field(client, staff):
    act_as(client, staff)
    response = _post(client, "project-list", data={"decision": "x", "starts_on": "2027-13-01"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and body["message"] == "입력 내용에 문제가 있습니다."
    assert set(body["errors"]) == {"decision", "starts_on"}
    assert Project.objects.count() == 0


# --- the agreement -------------------------------------------------------------------------------


def test_each_party_accepts_in_its_own_account_and_the_agreement_comes_into_force(client, project, users):
    agreement = project.agreements.get()
    parties = {p.role: p for p in agreement.parties.all()}
    ips = {"operator": "198.51.100.1", "lead": "203.0.113.7", "supplier": "2001:db8::5"}
    for role in ("lead", "supplier", "operator"):
        act_as(client, users[role])
        listed = client.get(url("agreement-party-list"), {"agreement": agreement.pk})
        assert [p["may_accept"] for p in listed.json()["results"] if p["role"] == role] == [True]
        response = _post(client, "agreement-party-accept", parties[role].pk, REMOTE_ADDR=ips[role])
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["accepted"] is True and body["may_accept"] is False
        assert body["agreement_status"] == ("in_force" if role == "operator" else "awaiting")
    for role, party in parties.items():
        party.refresh_from_db()
        assert party.accepted_by == users[role] and str(party.accepted_ip) == ips[role]
        assert party.accepted_at is not None
    agreement.refresh_from_db()
    assert agreement.status == "in_force" and agreement.in_force_at is not None

    act_as(client, users["lead"])
    detail = client.get(url("project-detail", project.pk)).json()
    assert detail["status"] == "in_progress"
    assert detail["agreement"]["status"] == "in_force"
    lead_row = next(p for p in detail["agreement"]["parties"] if p["role"] == "lead")
    assert lead_row["accepted_by_name"] == users["lead"].full_name
    assert lead_row["accepted_ip"] is None  # the IP is for the call's staff
    act_as(client, users["operator"])
    rows = client.get(url("agreement-detail", agreement.pk)).json()["parties"]
    assert {p["role"]: p["accepted_ip"] for p in rows} == ips


def test_nobody_accepts_for_another_party(client, project, users):
    supplier_party = project.agreements.get().parties.get(role="supplier")
    before = _state()
    for role in ("lead", "operator"):
        act_as(client, users[role])
        response = _post(client, "agreement-party-accept", supplier_party.pk)
        assert response.status_code == 403
        assert supplier_party.name in response.json()["message"]
        assert "담당자 계정으로 동의해 주십시오" in response.json()["message"]
    assert _state() == before


def test_a_party_accepts_once_and_only_the_version_awaiting(client, in_force, users, staff):
    lead_party = in_force.agreements.get().parties.get(role="lead")
    act_as(client, users["lead"])
    again = _post(client, "agreement-party-accept", lead_party.pk)
    assert again.status_code == 409 and again.json()["code"] == "agreement_not_awaiting"
    second = services.agreement_issue(staff, in_force, reason="공급기업 변경")
    third = services.agreement_issue(staff, in_force, reason="기간 연장")  # withdraws the second
    stale = second.parties.get(role="lead")
    before = _state()
    response = _post(client, "agreement-party-accept", stale.pk)
    assert response.status_code == 409 and response.json()["code"] == "agreement_not_awaiting"
    assert _state() == before
    fresh = third.parties.get(role="lead")
    assert _post(client, "agreement-party-accept", fresh.pk).status_code == 200
    twice = _post(client, "agreement-party-accept", fresh.pk)
    assert twice.status_code == 409 and twice.json()["code"] == "already_accepted"


def test_staff_amend_with_a_reason_and_the_version_in_force_stays(client, in_force, users, staff):
    first = in_force.agreements.get()
    act_as(client, staff)
    response = _post(client, "agreement-amend", first.pk, data={"reason": "수행 기간 1개월 연장"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["version"], body["status"], body["reason"]) == (2, "awaiting", "수행 기간 1개월 연장")
    assert [p["accepted"] for p in body["parties"]] == [False, False, False]
    detail = client.get(url("project-detail", in_force.pk)).json()
    assert detail["agreement"]["id"] == body["id"]
    assert [(a["version"], a["status"]) for a in detail["agreements"]] == [(2, "awaiting"), (1, "in_force")]
    listed = client.get(url("agreement-list"), {"project": in_force.pk, "status": "in_force"})
    assert _ids(listed) == [first.pk]
    for party in Agreement.objects.get(pk=body["id"]).parties.all():
        act_as(client, users[party.role])
        assert _post(client, "agreement-party-accept", party.pk).status_code == 200
    assert list(Agreement.objects.order_by("version").values_list("status", flat=True)) == [
        "superseded",
        "in_force",
    ]


def test_an_amendment_needs_a_reason_and_the_calls_staff(client, in_force, users, centre_user, other_staff):
    agreement = in_force.agreements.get()
    before = _state()
    act_as(client, users["operator"])
    response = _post(client, "agreement-amend", agreement.pk, data={"reason": "  "})
    assert response.status_code == 400
    assert response.json()["code"] == "reason_required"
    assert response.json()["errors"] == {"reason": ["협약을 변경하는 사유를 적어 주십시오."]}
    for user in (users["lead"], users["supplier"], centre_user):
        act_as(client, user)
        refused = _post(client, "agreement-amend", agreement.pk, data={"reason": "변경"})
        assert refused.status_code == 403, user
        assert refused.json()["message"] == "이 공고를 운영하는 기관의 담당자만 할 수 있습니다."
    act_as(client, other_staff)
    assert _post(client, "agreement-amend", agreement.pk, data={"reason": "변경"}).status_code == 404
    assert _state() == before


# --- tranches ------------------------------------------------------------------------------------


def test_a_tranche_is_requested_approved_and_recorded_paid(client, in_force, users, staff):
    advance = in_force.tranches.get(kind="advance")
    act_as(client, users["lead"])
    response = _post(client, "tranche-request", advance.pk)
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["status_label"]) == ("requested", "지급 요청")
    assert response.json()["requested_at"] is not None
    act_as(client, staff)
    response = _post(client, "tranche-approve", advance.pk)
    assert response.status_code == 200 and response.json()["status"] == "approved"
    paid_on = TODAY() - datetime.timedelta(days=1)
    response = _post(client, "tranche-paid", advance.pk, data={"paid_on": paid_on.isoformat()})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["paid_on"]) == ("paid", paid_on.isoformat())
    assert response.json()["amount"] == 35_000_000
    listed = client.get(url("tranche-list"), {"project": in_force.pk, "status": "paid"})
    assert _ids(listed) == [advance.pk]
    assert (
        AuditEvent.objects.filter(content_type__model="tranche", object_id=str(advance.pk))
        .exclude(action="create")
        .count()
        == 3
    )


def test_the_balance_waits_for_the_final_inspection(client, in_force, users, staff):
    balance = in_force.tranches.get(kind="balance")
    act_as(client, users["lead"])
    before = _state()
    response = _post(client, "tranche-request", balance.pk)
    assert response.status_code == 409
    assert response.json() == {
        "message": "잔금은 최종 점검을 통과한 뒤에만 요청·승인할 수 있습니다.",
        "code": "inspection_not_passed",
        "errors": {},
    }
    assert _state() == before
    Project.objects.filter(pk=in_force.pk).update(inspection_passed_at=timezone.now())
    assert _post(client, "tranche-request", balance.pk).json()["status"] == "requested"


def test_no_tranche_before_the_agreement_is_in_force(client, project, users):
    advance = project.tranches.get(kind="advance")
    act_as(client, users["lead"])
    before = _state()
    response = _post(client, "tranche-request", advance.pk)
    assert response.status_code == 409 and response.json()["code"] == "agreement_not_in_force"
    assert _state() == before


def test_each_tranche_step_is_for_its_own_role_and_in_order(client, in_force, users, staff, centre_user):
    advance = in_force.tranches.get(kind="advance")
    before = _state()
    for user in (users["supplier"], staff, centre_user):
        act_as(client, user)
        response = _post(client, "tranche-request", advance.pk)
        assert (
            response.status_code == 403
            and response.json()["message"] == "주관 도입기업 담당자만 할 수 있습니다."
        )
    act_as(client, staff)
    early = _post(client, "tranche-approve", advance.pk)
    assert early.status_code == 409 and early.json()["code"] == "tranche_not_requested"
    assert _state() == before
    services.tranche_request(users["lead"], advance)
    act_as(client, users["lead"])
    assert _post(client, "tranche-approve", advance.pk).status_code == 403
    act_as(client, staff)
    services.tranche_approve(staff, advance)
    before = _state()
    missing = _post(client, "tranche-paid", advance.pk)
    assert missing.status_code == 400 and set(missing.json()["errors"]) == {"paid_on"}
    tomorrow = (TODAY() + datetime.timedelta(days=1)).isoformat()
    future = _post(client, "tranche-paid", advance.pk, data={"paid_on": tomorrow})
    assert future.status_code == 400
    assert future.json()["errors"] == {"paid_on": ["지급일은 오늘이나 그 이전이어야 합니다."]}
    assert _state() == before


# --- milestones ----------------------------------------------------------------------------------


def test_the_lead_plans_and_completes_milestones(client, project, users):
    act_as(client, users["lead"])
    planned = (project.starts_on + datetime.timedelta(days=5)).isoformat()
    response = _post(
        client, "milestone-list", data={"project": project.pk, "name": "MES 설치", "planned_on": planned}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["project"], body["name"], body["planned_on"], body["done_on"]) == (
        project.pk,
        "MES 설치",
        planned,
        None,
    )
    base = url("milestone-list")
    assert _ids(client.get(base, {"project": project.pk, "overdue": "true"})) == [body["id"]]
    done = TODAY().isoformat()
    response = client.patch(url("milestone-detail", body["id"]), {"done_on": done}, content_type=JSON)
    assert response.status_code == 200 and response.json()["done_on"] == done
    assert _ids(client.get(base, {"done": "true"})) == [body["id"]]
    assert _ids(client.get(base, {"overdue": "true"})) == []
    detail = client.get(url("project-detail", project.pk)).json()
    assert [(m["name"], m["done_on"]) for m in detail["milestones"]] == [("MES 설치", done)]


def test_a_milestone_outside_the_period_or_done_tomorrow_is_refused(client, project, users):
    act_as(client, users["lead"])
    late = (project.ends_on + datetime.timedelta(days=1)).isoformat()
    before = _state()
    response = _post(
        client, "milestone-list", data={"project": project.pk, "name": "늦은 일", "planned_on": late}
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "planned_outside_period"
    period = f"{project.starts_on.isoformat()}~{project.ends_on.isoformat()}"
    assert body["errors"] == {"planned_on": [f"예정일은 수행 기간({period}) 안이어야 합니다."]}
    assert _state() == before
    milestone = services.milestone_save(
        users["lead"], project, {"name": "설치", "planned_on": project.starts_on}
    )
    before = _state()
    tomorrow = (TODAY() + datetime.timedelta(days=1)).isoformat()
    response = client.patch(url("milestone-detail", milestone.pk), {"done_on": tomorrow}, content_type=JSON)
    assert response.status_code == 400 and response.json()["code"] == "done_in_future"
    response = client.patch(url("milestone-detail", milestone.pk), {"planned_on": late}, content_type=JSON)
    assert response.status_code == 400 and response.json()["code"] == "planned_outside_period"
    assert _state() == before


def test_milestones_are_the_leads_and_staffs_to_write(client, project, users, other_company):
    act_as(client, users["supplier"])
    data = {"project": project.pk, "name": "설치", "planned_on": project.starts_on.isoformat()}
    before = _state()
    response = _post(client, "milestone-list", data=data)
    assert response.status_code == 403
    stranger = factories.make_member(Role.SME_MEMBER, company=other_company)
    act_as(client, stranger)
    response = _post(client, "milestone-list", data=data)
    assert response.status_code == 400
    assert response.json()["errors"] == {"project": ["없는 과제이거나 볼 수 없는 과제입니다."]}
    act_as(client, users["lead"])
    response = _post(client, "milestone-list", data={"project": project.pk, "name": ""})
    assert response.status_code == 400 and set(response.json()["errors"]) == {"name", "planned_on"}
    assert _state() == before
    act_as(client, users["operator"])
    assert _post(client, "milestone-list", data=data).status_code == 201


# --- who sees what -------------------------------------------------------------------------------


def test_a_regional_centre_sees_exactly_its_regions_projects(client, project, staff, track, centre_user):
    busan = _another_project(track, staff)
    act_as(client, staff)
    assert set(_ids(client.get(url("project-list")))) == {project.pk, busan.pk}
    act_as(client, centre_user)
    assert _ids(client.get(url("project-list"))) == [project.pk]
    assert client.get(url("project-detail", project.pk)).json()["title"] == project.title
    assert client.get(url("project-detail", busan.pk)).status_code == 404
    assert {row["project"] for row in client.get(url("tranche-list")).json()["results"]} == {project.pk}
    assert {row["project"] for row in client.get(url("agreement-list")).json()["results"]} == {project.pk}
    busan_tranche = busan.tranches.first()
    assert client.get(url("tranche-detail", busan_tranche.pk)).status_code == 404


def test_another_operators_staff_find_nothing_and_change_nothing(client, in_force, other_staff, users):
    services.tranche_request(users["lead"], in_force.tranches.get(kind="advance"))
    milestone = services.milestone_save(
        users["lead"], in_force, {"name": "설치", "planned_on": in_force.starts_on}
    )
    agreement = in_force.agreements.get()
    party = agreement.parties.get(role="operator")
    tranche = in_force.tranches.get(kind="advance")
    act_as(client, other_staff)
    for name in ("project-list", "agreement-list", "agreement-party-list", "tranche-list", "milestone-list"):
        assert _ids(client.get(url(name))) == [], name
    for name, pk in (
        ("project-detail", in_force.pk),
        ("agreement-detail", agreement.pk),
        ("agreement-party-detail", party.pk),
        ("tranche-detail", tranche.pk),
        ("milestone-detail", milestone.pk),
    ):
        assert client.get(url(name, pk)).status_code == 404, name
    before = _state()
    assert _post(client, "agreement-amend", agreement.pk, data={"reason": "x"}).status_code == 404
    assert _post(client, "agreement-party-accept", party.pk).status_code == 404
    assert _post(client, "tranche-approve", tranche.pk).status_code == 404
    assert _post(client, "tranche-paid", tranche.pk, data={"paid_on": TODAY().isoformat()}).status_code == 404
    response = client.patch(url("milestone-detail", milestone.pk), {"name": "바뀜"}, content_type=JSON)
    assert response.status_code == 404
    body = client.get(url("project-detail", in_force.pk)).content.decode()
    assert in_force.title not in body
    assert _state() == before


def test_the_supplier_sees_its_project_and_a_stranger_none(
    client, project, users, other_company, track, staff
):
    _another_project(track, staff, name="다른정밀", region_code="41")
    act_as(client, users["supplier"])
    assert _ids(client.get(url("project-list"))) == [project.pk]
    detail = client.get(url("project-detail", project.pk)).json()
    assert detail["lead_name"] == project.lead.name
    assert [p["may_accept"] for p in detail["agreement"]["parties"]] == [False, False, True]
    assert len(_ids(client.get(url("tranche-list")))) == 2
    stranger = factories.make_member(Role.SME_MEMBER, company=other_company)
    act_as(client, stranger)
    assert _ids(client.get(url("project-list"))) == []
    assert client.get(url("project-detail", project.pk)).status_code == 404
    act_as(client, None)
    assert client.get(url("project-list")).status_code in (401, 403)


def test_projects_are_filtered_by_status_call_region_and_lead(
    client, in_force, operator, staff, track, company
):
    busan = _another_project(track, staff)
    other_call = factories.make_call(operator, status="open", opens_in_days=-1)
    factories.make_required_documents(other_call)
    elsewhere = _another_project(
        factories.make_track(other_call, "basic"), staff, name="창원정밀", region_code="48"
    )
    act_as(client, staff)
    base = url("project-list")
    assert _ids(client.get(base, {"status": "in_progress"})) == [in_force.pk]
    assert set(_ids(client.get(base, {"status": "agreement"}))) == {busan.pk, elsewhere.pk}
    assert set(_ids(client.get(base, {"call": track.call_id}))) == {in_force.pk, busan.pk}
    assert _ids(client.get(base, {"region": "26"})) == [busan.pk]
    assert _ids(client.get(base, {"lead": company.pk})) == [in_force.pk]
    refused = client.get(base, {"status": "nonsense"})
    assert refused.status_code == 400 and set(refused.json()["errors"]) == {"status"}


# --- query counts --------------------------------------------------------------------------------


def _count(client, name, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(name), {"page_size": 100, **params})
    assert response.status_code == 200
    return response.json()["count"], len(queries)


def test_the_projects_list_keeps_a_constant_number_of_queries(client, project, staff, track):
    act_as(client, staff)
    one = _count(client, "project-list")
    for n in range(2):
        _another_project(track, staff, name=f"추가정밀{n}")
    three = _count(client, "project-list")
    assert (one[0], three[0]) == (1, 3)
    assert one[1] == three[1]


def test_the_tranches_and_parties_lists_keep_a_constant_number_of_queries(
    client, project, staff, track, users
):
    act_as(client, staff)
    tranches, parties = _count(client, "tranche-list"), _count(client, "agreement-party-list")
    _accept_all(project, users)
    for n in range(2):
        _another_project(track, staff, name=f"추가정밀{n}")
    more_tranches, more_parties = _count(client, "tranche-list"), _count(client, "agreement-party-list")
    assert (tranches[0], more_tranches[0]) == (2, 6)
    assert (parties[0], more_parties[0]) == (3, 9)
    assert tranches[1] == more_tranches[1]
    assert parties[1] == more_parties[1]


def test_the_agreements_and_milestones_lists_keep_a_constant_number_of_queries(client, project, staff, track):
    def add_milestone(p):
        services.milestone_save(
            staff, p, {"name": "MES 설치", "planned_on": p.starts_on + datetime.timedelta(days=30)}
        )

    act_as(client, staff)
    add_milestone(project)
    agreements, milestones = _count(client, "agreement-list"), _count(client, "milestone-list")
    for n in range(2):
        add_milestone(_another_project(track, staff, name=f"추가정밀{n}"))
    more_agreements, more_milestones = _count(client, "agreement-list"), _count(client, "milestone-list")
    assert (agreements[0], more_agreements[0]) == (1, 3)
    assert (milestones[0], more_milestones[0]) == (1, 3)
    assert agreements[1] == more_agreements[1]
    assert milestones[1] == more_milestones[1]
