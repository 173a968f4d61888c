"""Change requests over the API: create (both paths), approve, reject, withdraw, filters, scope
(a foreign id is a 404), errors in Korean, and a constant number of queries for the list."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from monitoring import changes, services
from monitoring.models import ChangeRequest
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def p():
    return factories.make_project()


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _create(client, project, **data):
    return client.post(
        reverse("change-request-list"), {"project": project.pk, "reason": "사유", **data}, format="json"
    )


def test_lead_files_long_extension_and_staff_approve(p):
    new_end = services.add_months(p.project.ends_on, 3)
    response = _create(_api(p.lead_user), p.project, kind="extension", ends_on=new_end.isoformat())
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["kind"], body["path"], body["status"], body["agreement"]) == (
        "extension",
        "approval",
        "submitted",
        None,
    )
    assert body["summary"] == f"수행 종료일 → {new_end.isoformat()}"
    refused = _api(p.lead_user).post(reverse("change-request-approve", args=[body["id"]]), {}, format="json")
    assert refused.status_code == 403
    assert refused.json()["message"] == "이 공고를 운영하는 기관의 담당자만 할 수 있습니다."
    done = _api(p.staff).post(
        reverse("change-request-approve", args=[body["id"]]), {"reason": "확인"}, format="json"
    )
    assert done.status_code == 200, done.json()
    assert (done.json()["status"], done.json()["agreement_version"]) == ("approved", 2)


def test_company_record_is_applied_at_once(p):
    response = _create(_api(p.lead_user), p.project, kind="ceo", ceo_name="박새대표")
    assert response.status_code == 201
    assert (response.json()["status"], response.json()["agreement_version"]) == ("recorded", 2)


def test_bad_values_are_400_with_the_field(p):
    response = _create(
        _api(p.lead_user),
        p.project,
        kind="bank",
        bank_name="국민",
        account_number="12",
        account_holder="한빛",
    )
    assert response.status_code == 400
    assert "계좌번호는 숫자 10~16자리" in str(response.json())
    assert not ChangeRequest.objects.exists()


def test_reject_needs_reason_and_withdraw_is_409_after(p):
    change = changes.change_request_submit(
        p.lead_user, p.project, kind="other", values={"description": "항목 조정"}, reason="사유"
    )
    staff = _api(p.staff)
    assert (
        staff.post(reverse("change-request-reject", args=[change.pk]), {}, format="json").status_code == 400
    )
    ok = staff.post(
        reverse("change-request-reject", args=[change.pk]), {"reason": "근거 부족"}, format="json"
    )
    assert ok.json()["status"] == "rejected" and ok.json()["decision_reason"] == "근거 부족"
    late = _api(p.lead_user).post(reverse("change-request-withdraw", args=[change.pk]), format="json")
    assert late.status_code == 409


def test_foreign_requests_are_404_and_not_listed(p):
    change = changes.change_request_submit(
        p.lead_user, p.project, kind="other", values={"description": "항목 조정"}, reason="사유"
    )
    other = factories.make_project()
    client = _api(other.staff)
    assert client.get(reverse("change-request-detail", args=[change.pk])).status_code == 404
    assert (
        client.post(reverse("change-request-approve", args=[change.pk]), {}, format="json").status_code == 404
    )
    assert client.get(reverse("change-request-list")).json()["count"] == 0
    foreign = _create(_api(other.lead_user), p.project, kind="ceo", ceo_name="박")
    assert foreign.status_code == 400 and "없는 과제입니다." in str(foreign.json())


def test_filters(p):
    changes.change_request_submit(
        p.lead_user, p.project, kind="ceo", values={"ceo_name": "박"}, reason="사유"
    )
    changes.change_request_submit(
        p.lead_user, p.project, kind="other", values={"description": "x"}, reason="사유"
    )
    client = _api(p.staff)
    url = reverse("change-request-list")
    assert client.get(url, {"status": "submitted"}).json()["count"] == 1
    assert client.get(url, {"kind": "ceo"}).json()["results"][0]["status"] == "recorded"
    assert client.get(url, {"path": "company", "project": p.project.pk}).json()["count"] == 1


def _count(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("change-request-list"))
    assert response.status_code == 200
    return response.json()["count"], len(ctx.captured_queries)


def test_list_keeps_a_constant_number_of_queries(p):
    changes.change_request_submit(
        p.lead_user, p.project, kind="ceo", values={"ceo_name": "박"}, reason="사유"
    )
    client = _api(p.staff)
    small = _count(client)
    changes.change_request_submit(
        p.lead_user, p.project, kind="other", values={"description": "x"}, reason="사유"
    )
    changes.change_request_submit(
        p.lead_user,
        p.project,
        kind="address",
        values={"address": "경기도"},
        reason="사유",
    )
    large = _count(client)
    assert (small[0], large[0]) == (1, 3)
    assert small[1] == large[1]
