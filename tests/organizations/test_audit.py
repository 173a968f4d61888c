"""Every change leaves an audit record, and audit records cannot be changed through the app."""

import pytest
from django.urls import reverse

from organizations import audit, services
from organizations.models import AuditEvent, Company, Role
from tests import factories

pytestmark = pytest.mark.django_db


def test_audit_records_actor_time_before_after_and_reason(company):
    member = factories.make_member(Role.SME_MEMBER, company=company)
    services.company_update(member, company, {"name": "한빛정밀기계", "employees": 60}, reason="상호 변경")
    event = AuditEvent.objects.get()
    assert event.actor == member
    assert event.actor_label == member.email
    assert event.company == company
    assert event.occurred_at is not None
    assert event.before == {"name": company.name, "employees": 42}
    assert event.after == {"name": "한빛정밀기계", "employees": 60}
    assert event.reason == "상호 변경"
    assert event.changed_fields == [("employees", 42, 60), ("name", company.name, "한빛정밀기계")]


def test_a_failed_change_leaves_no_audit_record(company):
    member = factories.make_member(Role.SME_MEMBER, company=company)
    with pytest.raises(Exception):  # noqa: B017 -- any refusal must roll back the audit row too
        services.company_update(member, company, {"employees": -5})
    assert AuditEvent.objects.count() == 0


def test_transition_records_from_and_to(company):
    event = audit.record_transition(None, company, "status", "draft", "published", reason="공고 게시")
    assert (event.before, event.after, event.action, event.actor_label) == (
        {"status": "draft"},
        {"status": "published"},
        "transition",
        "system",
    )


def test_audit_events_are_append_only(company):
    event = audit.record_create(None, company)
    event.reason = "고쳐 쓰기"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    assert AuditEvent.objects.get().reason == ""


def test_admin_edits_are_audited_and_audit_admin_is_read_only(client, company):
    admin_user = factories.make_member(Role.PLATFORM_ADMIN)
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    url = reverse("admin:organizations_company_change", args=[company.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
    data.update(name="관리자가 바꾼 이름", region=company.region_id, ksic_division=company.ksic_division_id)
    data = {k: v for k, v in data.items() if v is not False}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.for_object(company).get()
    assert (event.actor, event.action, event.after["name"]) == (admin_user, "update", "관리자가 바꾼 이름")

    change = client.get(reverse("admin:organizations_auditevent_change", args=[event.pk]))
    assert b'name="_save"' not in change.content  # shown read-only, no save button
    assert client.post(reverse("admin:organizations_auditevent_delete", args=[event.pk])).status_code == 403
    assert client.get(reverse("admin:organizations_auditevent_add")).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_audit_api_offers_no_way_to_change_records(client, operator, company):
    staff = factories.make_member(Role.OPERATOR_STAFF, operator=operator)
    event = audit.record_create(None, company)
    client.force_login(staff)
    url = reverse("audit-event-detail", args=[event.pk])
    assert client.get(url).status_code == 200
    for method in ("put", "patch", "delete"):
        assert (
            getattr(client, method)(url, {"reason": "x"}, content_type="application/json").status_code == 405
        )
    assert client.post(reverse("audit-event-list"), {}, content_type="application/json").status_code == 405
    assert AuditEvent.objects.get().reason == ""


def test_operators_read_an_objects_trail_but_company_members_of_others_do_not(
    company, other_company, operator
):
    member = factories.make_member(Role.SME_MEMBER, company=company)
    services.company_update(member, company, {"employees": 43})
    staff = factories.make_member(Role.OPERATOR_STAFF, operator=operator)
    outsider = factories.make_member(Role.SME_MEMBER, company=other_company)
    assert AuditEvent.objects.visible_to(staff).for_object(company).count() == 1
    assert AuditEvent.objects.visible_to(member).for_object(company).count() == 1
    assert AuditEvent.objects.visible_to(outsider).for_object(company).count() == 0
    assert Company.objects.visible_to(outsider).filter(pk=company.pk).count() == 0
