"""The monitoring admin: every model's list and change page renders for a platform admin; agreement
versions, acceptances and tranches cannot be added, changed or deleted there (a POST is refused and
changes nothing); a milestone can be corrected, audited; a project's status and money stay read-only;
and a staff account without the platform role sees only the projects it may see."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from monitoring import services
from monitoring.models import Agreement, AgreementParty, Milestone, Project, Tranche
from organizations import audit
from organizations.models import AuditEvent, Membership, Role
from tests import factories

pytestmark = pytest.mark.django_db

READ_ONLY = [Agreement, AgreementParty, Tranche]
EDITABLE = [Project, Milestone]


@pytest.fixture
def project(decision, staff, sme_user, supplier_user):
    project = services.project_create(staff, decision, starts_on=datetime.date(2026, 11, 2))
    users = {"operator": staff, "lead": sme_user, "supplier": supplier_user}
    for party in project.agreements.get().parties.all():
        services.agreement_accept(users[party.role], party, ip="203.0.113.7")
    services.milestone_save(sme_user, project, {"name": "MES 설치", "planned_on": datetime.date(2027, 1, 15)})
    return project


@pytest.fixture
def superuser(client):
    admin = factories.make_user(is_staff=True, is_superuser=True, full_name="플랫폼관리자")
    Membership.objects.create(user=admin, role=Role.PLATFORM_ADMIN)
    client.force_login(admin)
    return admin


def _url(model, view, *args):
    return reverse(f"admin:monitoring_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", READ_ONLY + EDITABLE, ids=lambda m: m.__name__)
def test_changelist_and_change_page_render_for_a_platform_admin(client, superuser, project, model):
    row = model.objects.first()
    listing = client.get(_url(model, "changelist"))
    assert listing.status_code == 200
    assert _url(model, "change", row.pk) in listing.content.decode()
    assert client.get(_url(model, "changelist"), {"q": "설치"}).status_code == 200
    page = client.get(_url(model, "change", row.pk))
    assert page.status_code == 200
    assert str(model._meta.verbose_name) in page.content.decode()
    assert page.context["has_change_permission"] is (model in EDITABLE)


@pytest.mark.parametrize("model", READ_ONLY, ids=lambda m: m.__name__)
def test_read_only_rows_refuse_add_change_and_delete(client, superuser, project, model):
    row = model.objects.first()
    before = audit.snapshot(row)
    events = AuditEvent.objects.count()
    assert client.post(_url(model, "change", row.pk), {"status": "paid", "name": "HACKED"}).status_code == 403
    assert client.post(_url(model, "delete", row.pk), {"post": "yes"}).status_code == 403
    assert client.get(_url(model, "add")).status_code == 403
    row.refresh_from_db()
    assert audit.snapshot(row) == before
    assert AuditEvent.objects.count() == events


def test_a_projects_status_and_money_are_read_only_and_it_cannot_be_added(client, superuser, project):
    page = client.get(_url(Project, "change", project.pk))
    fields = page.context["adminform"].form.fields
    for name in ("status", "government_share", "total_cost", "inspection_passed_at", "starts_on"):
        assert name not in fields, name
    assert "title" in fields
    assert client.get(_url(Project, "add")).status_code == 403


def test_a_milestone_can_be_corrected_and_the_change_is_audited(client, superuser, project):
    milestone = Milestone.objects.get()
    response = client.post(
        _url(Milestone, "change", milestone.pk),
        {"project": project.pk, "name": "MES 설치 완료", "planned_on": "2027-01-20", "order": 1},
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.name == "MES 설치 완료"
    event = AuditEvent.objects.filter(object_id=str(milestone.pk), reason="admin").latest("id")
    assert event.before["name"] == "MES 설치" and event.after["name"] == "MES 설치 완료"


def test_staff_without_the_platform_role_see_only_their_projects(client, project, other_operator):
    outsider = factories.make_member(Role.OPERATOR_ADMIN, operator=other_operator, is_staff=True)
    outsider.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="monitoring", codename__in=["view_project", "view_agreementparty"]
        )
    )
    client.force_login(outsider)
    for model in (Project, AgreementParty):
        listing = client.get(_url(model, "changelist"))
        assert listing.status_code == 200
        assert listing.context["cl"].result_count == 0, model.__name__
        assert client.get(_url(model, "change", model.objects.first().pk)).status_code in (302, 404)
    assert project.title not in client.get(_url(Project, "changelist")).content.decode()
