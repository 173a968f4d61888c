"""Outcomes API: indicators with values and rates inside the user's scope, values of one moment
entered together (400 with one message per field, nothing saved), staff corrections with a reason,
the overview's overall score, surveys read-only; constant queries per list."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.models import Role
from outcomes import services
from outcomes.models import OutcomeValue
from tests import factories

from .conftest import YEAR_LATER, ids, passed, to_inspection

pytestmark = pytest.mark.django_db


def act_as(client, user):
    client.logout()
    client.force_login(user)
    return client


def post(client, name, body):
    return client.post(reverse(name), body, content_type="application/json")


def test_the_lead_prepares_and_lists_indicators_and_outsiders_see_none(client, w):
    act_as(client, w.lead_user)
    response = post(client, "outcome-indicator-prepare", {"project": w.project.pk})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert len(body["indicators"]) == 9 and body["overall"] == {"completion": None, "one_year": None}
    defect = body["indicators"][0]
    assert (defect["code"], defect["direction"], defect["target"]) == ("defect_rate", "lower", "2.00")
    assert defect["baseline"]["value"] == "4.50"
    listed = client.get(reverse("outcome-indicator-list"), {"project": w.project.pk}).json()
    assert listed["count"] == 9
    act_as(client, factories.make_member(Role.SME_MEMBER, company=factories.make_company()))
    assert client.get(reverse("outcome-indicator-list")).json()["count"] == 0
    assert client.get(reverse("outcome-indicator-detail", args=[defect["id"]])).status_code == 404
    assert post(client, "outcome-indicator-prepare", {"project": w.project.pk}).status_code == 400
    act_as(client, w.supplier_user)  # sees the project, does not keep its outcomes
    assert post(client, "outcome-indicator-prepare", {"project": w.project.pk}).status_code == 403
    overview = client.get(reverse("outcome-indicator-overview"), {"project": w.project.pk})
    assert overview.status_code == 200 and len(overview.json()["indicators"]) == 9


def test_wrong_values_are_400_with_a_message_per_field_and_nothing_saved(client, w):
    services.indicators_prepare(w.lead_user, w.project)
    to_inspection(w.project)
    k = ids(w.project)
    act_as(client, w.lead_user)
    body = {
        "project": w.project.pk,
        "moment": "completion",
        "values": {
            k["defect_rate"]: "-1",
            k["utilisation"]: 88,
            k["lead_time"]: "3",
            k["unit_cost"]: "1500.5",
        },
    }
    response = post(client, "outcome-indicator-values", body)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors == {
        f"values.{k['defect_rate']}": [
            "불량률에는 음수를 입력할 수 없습니다. 0 이상의 값으로 입력해 주십시오. 입력한 값: -1"
        ],
        f"values.{k['unit_cost']}": [
            "원가는 원 단위 정수로 입력해 주십시오. 원 아래 소수는 입력할 수 없습니다. 입력한 값: 1500.5"
        ],
    }
    assert not OutcomeValue.objects.filter(moment="completion").exists()
    body["values"][k["defect_rate"]] = "1.5"
    body["values"][k["unit_cost"]] = "1,500"
    response = post(client, "outcome-indicator-values", body)
    assert response.status_code == 200, response.json()
    data = response.json()
    defect = next(i for i in data["indicators"] if i["code"] == "defect_rate")
    assert (
        defect["completion"]["value"],
        defect["achievement_completion"],
        defect["improvement_completion"],
    ) == (
        "1.50",
        "120.0",
        "66.7",
    )
    assert data["overall"]["completion"] == "53.3"


def test_moment_not_open_is_409_and_staff_correct_with_a_reason(client, w):
    services.indicators_prepare(w.lead_user, w.project)
    k = ids(w.project)
    act_as(client, w.lead_user)
    body = {"project": w.project.pk, "moment": "one_year", "values": {k["defect_rate"]: "1"}}
    response = post(client, "outcome-indicator-values", body)
    assert response.status_code == 409 and "1년" in response.json()["message"]
    to_inspection(w.project)
    post(
        client,
        "outcome-indicator-values",
        {
            **body,
            "moment": "completion",
            "values": {k["defect_rate"]: "1.5", k["utilisation"]: "88", k["lead_time"]: "3"},
        },
    )
    act_as(client, w.staff)
    fix = {"project": w.project.pk, "moment": "completion", "values": {k["defect_rate"]: "1.0"}}
    response = post(client, "outcome-indicator-values", fix)
    assert response.status_code == 400 and response.json()["errors"] == {
        "reason": ["값을 정정하는 사유를 적어 주십시오."]
    }
    assert post(client, "outcome-indicator-values", {**fix, "reason": "오기 정정"}).status_code == 200
    act_as(client, w.supplier_user)
    assert post(client, "outcome-indicator-values", {**fix, "reason": "x"}).status_code == 403


def test_surveys_are_read_only_and_scoped(client, w):
    passed(w.project)
    services.surveys_send(today=YEAR_LATER)
    act_as(client, w.lead_user)
    rows = client.get(reverse("outcome-survey-list")).json()["results"]
    assert [r["due_on"] for r in rows] == ["2026-03-10"] and rows[0]["requested_at"]
    assert client.post(reverse("outcome-survey-list"), {}).status_code == 405
    act_as(client, factories.make_member(Role.SME_MEMBER, company=factories.make_company()))
    assert client.get(reverse("outcome-survey-list")).json()["count"] == 0


def _count(client, name):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(name), {"page_size": 100})
    assert response.status_code == 200
    return response.json()["count"], len(queries)


def test_the_lists_keep_a_constant_number_of_queries(client, w):
    def grow(project):
        services.indicators_prepare(w.staff, project)
        passed(project)
        services.surveys_send(today=YEAR_LATER)
        to_values = ids(project)
        services.values_enter(
            w.staff,
            project,
            "completion",
            {to_values["defect_rate"]: "1.5", to_values["sales"]: "100"},
            reason="대리 입력",
            today=YEAR_LATER,
        )

    grow(w.project)
    act_as(client, w.staff)
    one = _count(client, "outcome-indicator-list"), _count(client, "outcome-survey-list")
    for _n in range(2):
        more = factories.make_project(operator=w.operator)
        grow(more.project)
    three = _count(client, "outcome-indicator-list"), _count(client, "outcome-survey-list")
    assert (one[0][0], three[0][0]) == (9, 27)
    assert (one[1][0], three[1][0]) == (1, 3)
    assert one[0][1] == three[0][1]
    assert one[1][1] == three[1][1]


def test_survey_before_a_year_is_not_sent(w):
    passed(w.project)
    assert services.surveys_send(today=YEAR_LATER - datetime.timedelta(days=1)) == {}
