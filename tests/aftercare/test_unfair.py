"""Unfair-practice reports are confidential: the reporting company and the call's staff (and platform
admins) read them; the reported company, the regional centre that sees every project of its region,
other operators and strangers do not — not in the queryset, the page, the API or the audit trail.
Only parties to the agreement report, only about another party; the call's staff handle them
(received → under review → concluded)."""

import pytest
from django.urls import reverse

from aftercare import services
from aftercare.models import ReportStatus, UnfairPracticeReport
from organizations.errors import AccessDenied, Conflict, DomainError
from organizations.models import AuditEvent, Notification, Role
from tests import factories

from .conftest import centre_for

pytestmark = pytest.mark.django_db

SECRET = "공급기업이 대금 지급을 미루며 추가 작업을 강요했습니다 SECRET"


@pytest.fixture
def report(ns):
    return services.unfair_report(ns.supplier_user, ns.project, reported_company=ns.lead, description=SECRET)


def _visible(user):
    return set(UnfairPracticeReport.objects.visible_to(user).values_list("pk", flat=True))


def test_who_reads_a_report(ns, report):
    admin = factories.make_member(Role.PLATFORM_ADMIN)
    assert report.pk in _visible(ns.supplier_user)  # the reporting company
    assert report.pk in _visible(factories.make_member(Role.SUPPLIER_MEMBER, company=ns.supplier.company))
    assert report.pk in _visible(ns.staff)  # the call's staff
    assert report.pk in _visible(factories.make_member(Role.OPERATOR_ADMIN, operator=ns.operator))
    assert report.pk in _visible(admin)
    # Not the reported lead, not the region's centre, not another operator, not a stranger.
    assert report.pk not in _visible(ns.lead_user)
    assert report.pk not in _visible(centre_for("41"))
    assert report.pk not in _visible(
        factories.make_member(Role.OPERATOR_STAFF, operator=factories.make_operator("남"))
    )
    assert report.pk not in _visible(
        factories.make_member(Role.SME_MEMBER, company=factories.make_company("남"))
    )
    assert report.pk not in _visible(None)
    # The rest of the project stays visible to the centre and the lead: only the report is hidden.
    from monitoring.models import Project

    assert Project.objects.visible_to(centre_for("41", "경기센터2")).filter(pk=ns.project.pk).exists()


def test_the_lead_reporting_the_supplier_is_hidden_from_the_supplier(ns):
    report = services.unfair_report(
        ns.lead_user, ns.project, reported_company=ns.supplier.company, description="x"
    )
    assert report.reporter_role == "lead"
    assert report.pk in _visible(ns.lead_user) and report.pk not in _visible(ns.supplier_user)


def test_the_audit_trail_and_mail_never_reach_the_reported_company(ns, report):
    events = AuditEvent.objects.filter(content_type__model="unfairpracticereport", object_id=str(report.pk))
    assert events.exists()
    assert set(events.values_list("company_id", flat=True)) == {ns.supplier.company_id}
    assert not AuditEvent.objects.visible_to(ns.lead_user).filter(pk__in=events).exists()
    assert all(SECRET not in e.object_repr and ns.lead.name not in e.object_repr for e in events)
    # Nor what was reported, nor about whom: audit trails travel further than the report.
    created = events.get(action="create")
    assert SECRET not in str(created.after) and "reported_company_id" not in created.after
    assert created.after["reporter_company_id"] == ns.supplier.company_id
    assert not Notification.objects.filter(recipient=ns.lead_user).filter(body__contains="불공정").exists()
    assert Notification.objects.filter(recipient=ns.staff, subject__contains="불공정").exists()
    # The staff mail says where to look, not what was reported.
    assert SECRET not in Notification.objects.get(recipient=ns.staff, subject__contains="불공정").body


def test_the_pages_and_api_of_the_reported_party_do_not_show_it(client, ns, report):
    client.force_login(ns.lead_user)
    page = client.get(reverse("aftercare:page", args=[ns.project.pk]))
    assert page.status_code == 200 and SECRET not in page.content.decode()
    api = client.get(reverse("unfair-practice-report-list"))
    assert api.json()["count"] == 0
    assert client.get(reverse("unfair-practice-report-detail", args=[report.pk])).status_code == 404
    assert (
        client.post(reverse("aftercare:unfair-handle", args=[report.pk]), {"action": "review"}).status_code
        == 404
    )
    client.force_login(centre_for("41"))
    page = client.get(reverse("aftercare:page", args=[ns.project.pk]))
    assert page.status_code == 200 and SECRET not in page.content.decode()
    client.force_login(ns.supplier_user)
    assert SECRET in client.get(reverse("aftercare:page", args=[ns.project.pk])).content.decode()
    client.force_login(ns.staff)
    assert SECRET in client.get(reverse("aftercare:page", args=[ns.project.pk])).content.decode()


def test_only_parties_report_and_only_about_another_party(ns):
    stranger = factories.make_member(Role.SME_MEMBER, company=factories.make_company("제3기업"))
    before = UnfairPracticeReport.objects.count(), AuditEvent.objects.count()
    with pytest.raises(AccessDenied):
        services.unfair_report(stranger, ns.project, reported_company=ns.lead, description="x")
    with pytest.raises(AccessDenied):
        services.unfair_report(ns.staff, ns.project, reported_company=ns.lead, description="x")
    with pytest.raises(DomainError, match="자기 기업"):
        services.unfair_report(ns.lead_user, ns.project, reported_company=ns.lead, description="x")
    with pytest.raises(DomainError, match="다른 당사자"):
        services.unfair_report(
            ns.lead_user, ns.project, reported_company=factories.make_company("무관"), description="x"
        )
    with pytest.raises(DomainError):
        services.unfair_report(
            ns.lead_user, ns.project, reported_company=ns.supplier.company, description=" "
        )
    with pytest.raises(AccessDenied):
        services.unfair_report(
            ns.lead_user,
            ns.project,
            reported_company=ns.supplier.company,
            reporter_company=ns.supplier.company,
            description="x",
        )
    assert (UnfairPracticeReport.objects.count(), AuditEvent.objects.count()) == before


def test_staff_handle_a_report_and_the_reporter_is_told(ns, report):
    with pytest.raises(AccessDenied):
        services.unfair_review(ns.supplier_user, report)
    with pytest.raises(AccessDenied):
        services.unfair_review(centre_for("41"), report)
    with pytest.raises(Conflict):
        services.unfair_conclude(ns.staff, report, outcome="x")
    services.unfair_review(ns.staff, report)
    report.refresh_from_db()
    assert report.status == ReportStatus.UNDER_REVIEW and report.review_started_at
    with pytest.raises(DomainError):
        services.unfair_conclude(ns.staff, report, outcome="  ")
    services.unfair_conclude(ns.staff, report, outcome="사실 확인, 공급기업에 시정 권고")
    report.refresh_from_db()
    assert report.status == ReportStatus.CONCLUDED and report.handled_by == ns.staff
    assert Notification.objects.filter(recipient=ns.supplier_user, subject__contains="처리 결과").exists()
    assert not Notification.objects.filter(recipient=ns.lead_user, subject__contains="불공정").exists()
    transitions = AuditEvent.objects.filter(
        content_type__model="unfairpracticereport", object_id=str(report.pk), action="transition"
    )
    assert transitions.count() == 2
    with pytest.raises(Conflict):
        services.unfair_review(ns.staff, report)
