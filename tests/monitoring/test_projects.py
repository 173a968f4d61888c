"""Projects from a confirmed selection: the agreement every party accepts in its own account, the
tranches that add up to the government share, the balance held until the final inspection, and
who sees which project (a regional centre sees exactly its region's)."""

import datetime

import pytest
from django.utils import timezone

from monitoring import rules, services
from monitoring.models import Agreement, AgreementParty, Project, Tranche
from organizations.errors import AccessDenied, Conflict, DomainError
from organizations.models import AuditEvent, Operator, Role
from tests import factories

from .conftest import make_decision

pytestmark = pytest.mark.django_db


def _accept_all(project, users):
    agreement = project.agreements.get(status="awaiting")
    for party in agreement.parties.all():
        services.agreement_accept(users[party.role], party, ip="203.0.113.7")
    agreement.refresh_from_db()
    return agreement


@pytest.fixture
def users(staff, sme_user, supplier_user):
    return {"operator": staff, "lead": sme_user, "supplier": supplier_user}


def test_split_tranches_adds_up_to_the_share_to_the_won():
    assert rules.split_tranches(50_000_000) == [("advance", 35_000_000), ("balance", 15_000_000)]
    assert rules.split_tranches(33_333_333) == [("advance", 23_333_000), ("balance", 10_000_333)]
    for share in (0, 1, 999, 1_001, 123_456_789):
        assert sum(a for _k, a in rules.split_tranches(share)) == share
    with pytest.raises(ValueError):
        rules.split_tranches(-1)
    with pytest.raises(ValueError):
        rules.split_tranches(1000, advance_rate="1.5")


def test_add_months_keeps_the_day_or_takes_the_last_one():
    assert services.add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert services.add_months(datetime.date(2026, 11, 15), 6) == datetime.date(2027, 5, 15)


def test_a_confirmed_released_selection_becomes_a_project_with_agreement_and_tranches(
    decision, staff, submission
):
    project = services.project_create(staff, decision, starts_on=datetime.date(2027, 1, 4))
    assert project.lead_id == submission.application.lead_id
    assert project.ends_on == datetime.date(2027, 7, 4)  # six months from the plan
    assert project.total_cost == 100_000_000 and project.government_share == 50_000_000
    assert [(t.kind, t.amount) for t in project.tranches.all()] == [
        ("advance", 35_000_000),
        ("balance", 15_000_000),
    ]
    agreement = project.agreements.get()
    assert agreement.version == 1 and agreement.status == "awaiting"
    terms = agreement.terms
    assert [p["role"] for p in terms["parties"]] == ["operator", "lead", "supplier"]
    assert terms["budget"]["total_cost"] == 100_000_000
    assert sum(t["amount"] for t in terms["tranches"]) == 50_000_000
    assert len(terms["kpis"]) == 3 and len(terms["obligations"]) == 5
    assert AuditEvent.objects.filter(
        content_type__model="project", object_id=str(project.pk), action="create"
    ).exists()
    assert AuditEvent.objects.filter(content_type__model="agreement", action="create").count() == 1


@pytest.mark.parametrize(
    ("status", "final", "released", "code"),
    [
        ("waitlisted", True, True, "not_selected"),
        ("selected", False, False, "not_selected"),
        ("selected", True, False, "not_released"),
    ],
)
def test_only_a_confirmed_released_selection_becomes_a_project(
    submission, staff, status, final, released, code
):
    decision = make_decision(submission, staff, status=status, final=final, released=released)
    with pytest.raises(Conflict) as refused:
        services.project_create(staff, decision)
    assert refused.value.code == code
    assert Project.objects.count() == 0


def test_a_project_is_made_once_and_only_by_the_calls_staff(decision, staff, other_operator):
    outsider = factories.make_member(Role.OPERATOR_STAFF, operator=other_operator)
    with pytest.raises(AccessDenied):
        services.project_create(outsider, decision)
    services.project_create(staff, decision)
    with pytest.raises(Conflict) as again:
        services.project_create(staff, decision)
    assert again.value.code == "project_exists"


def test_every_party_accepts_in_its_own_account_then_the_agreement_is_in_force(decision, staff, users):
    project = services.project_create(staff, decision)
    agreement = project.agreements.get()
    supplier_party = agreement.parties.get(role="supplier")
    with pytest.raises(AccessDenied) as wrong:
        services.agreement_accept(users["lead"], supplier_party)
    assert "용접자동화" in str(wrong.value.message)
    agreement = _accept_all(project, users)
    assert agreement.status == "in_force" and agreement.in_force_at is not None
    party = agreement.parties.get(role="lead")
    assert party.accepted_by == users["lead"] and str(party.accepted_ip) == "203.0.113.7"
    project.refresh_from_db()
    assert project.status == "in_progress"
    with pytest.raises(Conflict):
        services.agreement_accept(users["lead"], party)


def test_an_amendment_is_a_new_version_and_the_accepted_one_stays_until_it_is_accepted(
    decision, staff, users
):
    project = services.project_create(staff, decision)
    first = _accept_all(project, users)
    with pytest.raises(DomainError):
        services.agreement_issue(staff, project)  # an amendment needs a reason
    second = services.agreement_issue(staff, project, reason="수행 기간 1개월 연장")
    assert second.version == 2 and second.reason == "수행 기간 1개월 연장"
    first.refresh_from_db()
    assert first.status == "in_force"
    _accept_all(project, users)
    first.refresh_from_db()
    assert first.status == "superseded"
    assert Agreement.objects.filter(project=project, status="in_force").get().version == 2


def test_the_balance_waits_for_the_final_inspection(decision, staff, users):
    project = services.project_create(staff, decision)
    advance, balance = project.tranches.order_by("order")
    with pytest.raises(Conflict) as early:
        services.tranche_request(users["lead"], advance)
    assert early.value.code == "agreement_not_in_force"
    _accept_all(project, users)
    services.tranche_request(users["lead"], advance)
    services.tranche_approve(staff, advance)
    services.tranche_mark_paid(staff, advance, paid_on=timezone.localdate())
    with pytest.raises(Conflict) as held:
        services.tranche_request(users["lead"], balance)
    assert held.value.code == "inspection_not_passed"
    assert Tranche.objects.get(pk=balance.pk).status == "scheduled"
    Project.objects.filter(pk=project.pk).update(inspection_passed_at=timezone.now())
    balance.refresh_from_db()
    services.tranche_request(users["lead"], balance)
    assert services.tranche_approve(staff, balance).status == "approved"


def test_milestones_stay_inside_the_period_and_are_not_done_in_the_future(decision, staff, users):
    project = services.project_create(staff, decision, starts_on=datetime.date(2026, 12, 1))
    m = services.milestone_save(
        users["lead"], project, {"name": "MES 설치", "planned_on": datetime.date(2027, 2, 1)}
    )
    with pytest.raises(DomainError) as outside:
        services.milestone_save(
            users["lead"], project, {"name": "늦은 일", "planned_on": datetime.date(2028, 1, 1)}
        )
    assert outside.value.field == "planned_on"
    with pytest.raises(DomainError):
        services.milestone_save(
            users["lead"],
            project,
            {"done_on": timezone.localdate() + datetime.timedelta(days=1)},
            milestone=m,
        )
    with pytest.raises(AccessDenied):
        services.milestone_save(
            users["supplier"], project, {"name": "x", "planned_on": datetime.date(2027, 1, 5)}
        )


def test_a_regional_centre_sees_exactly_its_regions_projects(operator, staff, track, decision):
    project_41 = services.project_create(staff, decision)  # 한빛정밀 is in 경기 (41)
    busan_firm = factories.make_company("부산정밀", region_code="26")
    busan = services.project_create(staff, make_decision(factories.make_submitted(track, busan_firm), staff))
    gyeonggi_centre = factories.make_operator(
        "경기센터", kind=Operator.Kind.REGIONAL_CENTRE, region_code="41"
    )
    gyeonggi_centre.regions_covered.set(["41"])
    centre_user = factories.make_member(Role.CENTRE_STAFF, operator=gyeonggi_centre)
    assert list(Project.objects.visible_to(centre_user)) == [project_41]
    assert set(Project.objects.visible_to(staff)) == {project_41, busan}
    assert AgreementParty.objects.visible_to(centre_user).filter(agreement__project=busan).count() == 0


def test_members_see_their_own_projects_and_outsiders_none(
    decision, staff, users, other_company, other_operator
):
    project = services.project_create(staff, decision)
    for user in (users["lead"], users["supplier"]):
        assert list(Project.objects.visible_to(user)) == [project]
    stranger = factories.make_member(Role.SME_MEMBER, company=other_company)
    other_staff = factories.make_member(Role.OPERATOR_STAFF, operator=other_operator)
    for user in (stranger, other_staff, None):
        assert not Project.objects.visible_to(user).exists()
    assert Tranche.objects.visible_to(users["supplier"]).count() == 2
