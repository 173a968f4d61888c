"""The outcomes page: the table with before/target/completion/one-year values, rates and the
overall score; the lead's form per moment with a message per field (nothing saved on an error);
staff corrections with a reason; another tenant's project is 404; the project page links here;
the admin is read-only."""

from decimal import Decimal

import pytest
from django.urls import reverse

from organizations.models import Role
from outcomes import services
from outcomes.models import OutcomeIndicator, OutcomeValue
from tests import factories
from tests.html import h1, summary, text

from .conftest import YEAR_LATER, ids, passed, to_inspection

pytestmark = pytest.mark.django_db


def page(pk):
    return reverse("outcomes:project-outcomes", args=[pk])


def test_the_first_visit_makes_the_indicators_and_shows_the_table(client, w):
    client.force_login(w.lead_user)
    response = client.get(page(w.project.pk))
    assert response.status_code == 200
    assert h1(response) == "성과 관리"
    body = text(response)
    assert OutcomeIndicator.objects.filter(project=w.project).count() == 9
    assert "불량률 (%) 협약 성과지표" in body and "매출액 (원) 표준 성과지표" in body
    assert "완료 시점 성과는 과제가 최종 점검 단계에 들어간 뒤에 입력할 수 있습니다." in body
    detail = client.get(reverse("monitoring:project-detail", args=[w.project.pk]))
    assert page(w.project.pk) in detail.content.decode()


def test_the_lead_enters_completion_values_an_error_first(client, w):
    client.force_login(w.lead_user)
    client.get(page(w.project.pk))
    to_inspection(w.project)
    k = ids(w.project)
    url = reverse("outcomes:values-completion", args=[w.project.pk])
    data = {
        f"completion-v{k['defect_rate']}": "1.5",
        f"completion-v{k['utilisation']}": "88",
        f"completion-v{k['lead_time']}": "3",
        f"completion-v{k['on_time_delivery']}": "120",
        "completion-note": "MES 보고서",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert summary(response) == ["납기 준수율은 0%에서 100% 사이로 입력해 주십시오. 입력한 값: 120"]
    assert f'id="id_completion-v{k["on_time_delivery"]}-error"' in response.content.decode()
    assert not OutcomeValue.objects.filter(moment="completion").exists()
    missing = client.post(url, {**data, f"completion-v{k['lead_time']}": ""})
    assert "리드타임의 값을 입력해 주십시오." in summary(missing)
    data[f"completion-v{k['on_time_delivery']}"] = "96.5"
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    body = text(response)
    assert "완료 시점 성과 값 4건을 저장했습니다." in body
    assert "120.0%" in body and "66.7%" in body  # defect rate: achievement, improvement
    assert "53.3%" in body  # overall score at completion
    assert OutcomeValue.objects.get(indicator_id=k["on_time_delivery"], moment="completion").value == Decimal(
        "96.50"
    )


def test_staff_correct_with_a_reason_on_the_page(client, w):
    services.indicators_prepare(w.lead_user, w.project)
    to_inspection(w.project)
    k = ids(w.project)
    services.values_enter(
        w.lead_user,
        w.project,
        "completion",
        {k["defect_rate"]: "1.5", k["utilisation"]: "88", k["lead_time"]: "3"},
    )
    client.force_login(w.staff)
    url = reverse("outcomes:values-completion", args=[w.project.pk])
    response = client.post(url, {f"completion-v{k['defect_rate']}": "1.0"})
    assert response.status_code == 400
    assert summary(response) == ["값을 정정하는 사유를 적어 주십시오."]
    response = client.post(url, {f"completion-v{k['defect_rate']}": "1.0", "completion-reason": "오기"})
    assert response.status_code == 302
    assert OutcomeValue.objects.get(indicator_id=k["defect_rate"], moment="completion").value == Decimal(
        "1.00"
    )


def test_one_year_form_opens_a_year_after_the_pass(client, w, time_machine):
    import datetime

    services.indicators_prepare(w.lead_user, w.project)
    passed(w.project)
    client.force_login(w.lead_user)
    time_machine.move_to(datetime.datetime(2026, 3, 9, 12, 0, tzinfo=datetime.UTC))
    assert "1년 후 성과는 2026-03-10부터 입력할 수 있습니다." in text(client.get(page(w.project.pk)))
    time_machine.move_to(datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC))
    assert YEAR_LATER.isoformat() == "2026-03-10"
    body = client.get(page(w.project.pk)).content.decode()
    assert f'action="/projects/{w.project.pk}/outcomes/one_year/"' in body


def test_others_cannot_see_or_post(client, w):
    services.indicators_prepare(w.lead_user, w.project)
    client.force_login(factories.make_member(Role.SME_MEMBER, company=factories.make_company()))
    assert client.get(page(w.project.pk)).status_code == 404
    client.force_login(w.supplier_user)
    assert client.get(page(w.project.pk)).status_code == 200
    url = reverse("outcomes:values-baseline", args=[w.project.pk])
    assert client.post(url, {}).status_code == 403


@pytest.mark.parametrize("model", ["outcomeindicator", "outcomevalue", "outcomesurvey"])
def test_the_admin_is_read_only(client, w, model):
    from organizations.models import Membership

    services.indicators_prepare(w.lead_user, w.project)
    passed(w.project)
    services.surveys_send(today=YEAR_LATER)
    admin = factories.make_user(is_staff=True, is_superuser=True, full_name="플랫폼관리자")
    Membership.objects.create(user=admin, role=Role.PLATFORM_ADMIN)
    client.force_login(admin)
    assert client.get(reverse(f"admin:outcomes_{model}_changelist")).status_code == 200
    from django.apps import apps

    obj = apps.get_model("outcomes", model).objects.unrestricted().first()
    response = client.get(reverse(f"admin:outcomes_{model}_change", args=[obj.pk]))
    assert response.status_code == 200
    assert client.get(reverse(f"admin:outcomes_{model}_add")).status_code == 403
    assert (
        client.post(reverse(f"admin:outcomes_{model}_delete", args=[obj.pk]), {"post": "yes"}).status_code
        == 403
    )


def test_the_programme_averages_are_compared(client, w):
    services.indicators_prepare(w.lead_user, w.project)
    k = ids(w.project)
    services.values_enter(
        w.lead_user, w.project, "baseline", {k["productivity"]: "100", k["employment"]: "10"}
    )
    to_inspection(w.project)
    services.values_enter(
        w.lead_user,
        w.project,
        "completion",
        {
            k["defect_rate"]: "1.5",
            k["utilisation"]: "88",
            k["lead_time"]: "3",
            k["productivity"]: "150",
            k["employment"]: "12",
        },
    )
    client.force_login(w.lead_user)
    body = text(client.get(page(w.project.pk)))
    # productivity +50.0 % against the programme's 29.0 %; employment +2 persons against 2.1 (±10 %)
    assert "생산성 29.0% 50.0% (완료 시점) 사업 평균보다 높음" in body
    assert "고용 2.1명 2.0명 (완료 시점) 사업 평균과 비슷함" in body
    assert "불량률 42.1% 66.7% (완료 시점) 사업 평균보다 높음" in body


def test_an_empty_form_says_nothing_was_entered(client, w):
    services.indicators_prepare(w.lead_user, w.project)
    client.force_login(w.lead_user)
    response = client.post(reverse("outcomes:values-baseline", args=[w.project.pk]), {})
    assert response.status_code == 400
    assert summary(response) == ["입력한 값이 없습니다. 측정한 값을 하나 이상 입력해 주십시오."]


def test_the_page_keeps_a_constant_number_of_queries(client, w):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    services.indicators_prepare(w.lead_user, w.project)
    client.force_login(w.staff)
    client.get(page(w.project.pk))

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page(w.project.pk)).status_code == 200
        return len(queries)

    before = count()
    k = ids(w.project)
    passed(w.project)
    services.values_enter(
        w.lead_user,
        w.project,
        "completion",
        {k["defect_rate"]: "1.5", k["utilisation"]: "88", k["lead_time"]: "3"},
    )
    services.surveys_send(today=YEAR_LATER)
    services.values_enter(w.lead_user, w.project, "baseline", {k["sales"]: "100", k["employment"]: "3"})
    assert count() == before + 0
