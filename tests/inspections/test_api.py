"""The inspections API: interim checks, appointing the inspector, checklist items, the result and
the corrective actions, through the same services as the pages. Foreign ids are 404/400; refusals
answer with the service's words and change nothing; the inspector (an outside expert) sees what they
are appointed to and nothing else; lists keep a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspections.models import CorrectiveAction, FinalInspection
from monitoring.models import Project
from tests import factories

from .conftest import appoint, check_all, conditional, days

pytestmark = pytest.mark.django_db
JSON = "application/json"


def act_as(client, user):
    client.logout()
    client.force_login(user)
    return client


def post(client, name, *args, data=None):
    return client.post(reverse(name, args=args), data or {}, content_type=JSON)


def test_interim_check_by_api(client, w, centre_user):
    act_as(client, centre_user)
    data = {
        "project": w.project.pk,
        "checked_on": days(0).isoformat(),
        "findings": "진행 양호",
        "progress": "delayed",
        "actions": [{"text": "일정 재수립", "due_on": days(10).isoformat()}],
    }
    response = post(client, "interim-check-list", data=data)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["progress"], body["progress_label"], body["actions"][0]["text"]) == (
        "delayed",
        "지연",
        "일정 재수립",
    )
    refused = post(client, "interim-check-list", data={**data, "checked_on": days(-80).isoformat()})
    assert refused.status_code == 400 and "30~70%" in refused.content.decode()
    act_as(client, w.lead_user)
    assert post(client, "interim-check-list", data=data).status_code == 403
    other = factories.make_project()
    act_as(client, centre_user)
    foreign = post(client, "interim-check-list", data={**data, "project": other.project.pk})
    assert foreign.status_code == 400  # another region's project reads as missing


def test_appoint_result_and_actions_by_api(client, w):
    act_as(client, w.staff)
    response = post(
        client, "final-inspection-list", data={"project": w.project.pk, "inspector": w.evaluator.user.pk}
    )
    assert response.status_code == 201, response.content
    inspection_id = response.json()["id"]
    assert len(response.json()["items"]) == 4
    again = post(
        client, "final-inspection-list", data={"project": w.project.pk, "inspector": w.evaluator.user.pk}
    )
    assert again.status_code == 409
    act_as(client, w.evaluator.user)
    item = response.json()["items"][0]["id"]
    patched = client.patch(
        reverse("checklist-item-detail", args=[item]), {"checked": True, "note": "OK"}, content_type=JSON
    )
    assert patched.status_code == 200 and patched.json()["checked"] is True
    result = post(
        client,
        "final-inspection-result",
        inspection_id,
        data={
            "result": "conditional",
            "note": "보완",
            "actions": [{"text": "데이터 연동 보완", "due_on": days(20).isoformat()}],
            "supplier_score": 3,
        },
    )
    assert result.status_code == 200, result.content
    assert result.json()["status"] == "conditional"
    action = result.json()["actions"][0]["id"]
    assert post(client, "corrective-action-plan", action, data={"plan": "x"}).status_code == 403
    act_as(client, w.lead_user)
    assert post(client, "corrective-action-report", action, data={"result": "y"}).status_code == 409
    assert post(client, "corrective-action-plan", action, data={"plan": "API 연동"}).status_code == 200
    assert post(client, "corrective-action-report", action, data={"result": "연동 완료"}).status_code == 200
    act_as(client, w.evaluator.user)
    back = post(client, "corrective-action-return", action, data={})
    assert back.status_code == 400 and "보완할 내용" in back.content.decode()
    done = post(client, "corrective-action-confirm", action, data={"note": "확인"})
    assert done.status_code == 200 and done.json()["status"] == "confirmed"
    w.project.refresh_from_db()
    assert w.project.inspection_passed_at is not None
    detail = client.get(reverse("final-inspection-detail", args=[inspection_id]))
    assert detail.json()["status"] == "passed"


def test_inspector_sees_only_what_they_are_appointed_to(client, w):
    inspection = appoint(w)
    other = factories.make_project(operator=w.operator)
    elsewhere = appoint(other, w.evaluator.user)
    stranger = factories.make_project()
    appoint(stranger, factories.make_evaluator(stranger.operator).user)
    act_as(client, w.evaluator.user)
    ids = [r["id"] for r in client.get(reverse("final-inspection-list")).json()["results"]]
    assert sorted(ids) == sorted([inspection.pk, elsewhere.pk])
    items = client.get(reverse("checklist-item-list")).json()["count"]
    assert items == 8
    foreign = FinalInspection.objects.get(project=stranger.project)
    assert client.get(reverse("final-inspection-detail", args=[foreign.pk])).status_code == 404
    # an unrelated company user sees nothing
    act_as(client, stranger.lead_user)
    assert client.get(reverse("final-inspection-detail", args=[inspection.pk])).status_code == 404


def test_appoint_refusal_changes_nothing(client, w):
    tied = factories.make_evaluator(w.operator, "공급사출신", company=w.supplier.company)
    act_as(client, w.staff)
    response = post(
        client, "final-inspection-list", data={"project": w.project.pk, "inspector": tied.user.pk}
    )
    assert response.status_code == 400
    assert "공급기업" in response.content.decode()
    assert not FinalInspection.objects.exists()
    assert Project.objects.get(pk=w.project.pk).status == "in_progress"


def _count(client, name):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(name), {"page_size": 100})
    assert response.status_code == 200
    return response.json()["count"], len(queries)


def test_lists_keep_a_constant_number_of_queries(client, w, centre_user):
    def grow(world):
        from inspections import services

        services.interim_check_record(
            world.staff, world.project, checked_on=days(0), findings="점검", progress="on_track"
        )
        return conditional(world, appoint(world, w.evaluator.user))

    grow(w)
    act_as(client, w.staff)
    names = ["interim-check-list", "final-inspection-list", "checklist-item-list", "corrective-action-list"]
    one = {n: _count(client, n) for n in names}
    for _ in range(2):
        grow(factories.make_project(operator=w.operator, starts_days_ago=90))
    three = {n: _count(client, n) for n in names}
    assert one["final-inspection-list"][0] == 1 and three["final-inspection-list"][0] == 3
    assert one["checklist-item-list"][0] == 4 and three["checklist-item-list"][0] == 12
    assert CorrectiveAction.objects.count() == 3
    for n in names:
        assert one[n][1] == three[n][1], n


def test_evidence_download(client, w):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from inspections import services

    inspection = appoint(w)
    check_all(inspection)
    item = inspection.items.first()
    services.checklist_item_save(
        w.evaluator.user,
        item,
        checked=True,
        evidence=SimpleUploadedFile("검수확인서.pdf", factories.PDF_BYTES),
    )
    act_as(client, w.lead_user)
    response = client.get(reverse("checklist-item-evidence", args=[item.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content if response.streaming else [response.content]).startswith(
        b"%PDF"
    )
