"""Change-request pages: the lead files from /projects/<pk>/changes/ (errors in the summary, nothing
changed), staff approve or reject on the request's page, the lead withdraws; the project page links
to the change requests; another tenant gets 404."""

import pytest
from django.urls import reverse

from monitoring import changes, services
from monitoring.models import Agreement, ChangeRequest
from tests import factories
from tests.html import summary, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def p():
    return factories.make_project()


def _list(project):
    return reverse("monitoring:change-list", args=[project.pk])


def test_project_page_links_to_change_requests(client, p):
    client.force_login(p.lead_user)
    page = client.get(reverse("monitoring:project-detail", args=[p.project.pk]))
    assert f'href="{_list(p.project)}"' in page.content.decode()


def test_lead_files_and_staff_approve(client, p):
    client.force_login(p.lead_user)
    page = client.get(_list(p.project))
    assert page.status_code == 200 and page.context["form"] is not None
    new_end = services.add_months(p.project.ends_on, 2)
    response = client.post(
        _list(p.project),
        {
            "change-kind": "extension",
            "change-ends_on": new_end.isoformat(),
            "change-reason": "장비 납기 지연",
        },
    )
    change = ChangeRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "monitoring:change-detail", args=[change.pk]
    )
    assert change.status == "submitted"
    detail = client.get(response["Location"])
    assert "승인 대기" in text(detail) and not detail.context["may_decide"] and detail.context["may_withdraw"]

    client.force_login(p.staff)
    detail = client.get(response["Location"])
    assert detail.context["may_decide"]
    done = client.post(reverse("monitoring:change-approve", args=[change.pk]), {"decision-reason": "확인"})
    assert done.status_code == 302
    change.refresh_from_db()
    assert change.status == "approved" and change.agreement.version == 2
    after = client.get(reverse("monitoring:change-detail", args=[change.pk]))
    assert "2차 협약서" in text(after)


def test_errors_show_in_the_summary_and_change_nothing(client, p):
    client.force_login(p.lead_user)
    response = client.post(
        _list(p.project),
        {
            "change-kind": "bank",
            "change-bank_name": "국민은행",
            "change-account_number": "12-34",
            "change-account_holder": "한빛",
            "change-reason": "x",
        },
    )
    assert response.status_code == 400
    assert any("계좌번호는 숫자 10~16자리" in m for m in summary(response))
    response = client.post(_list(p.project), {"change-kind": "", "change-reason": ""})
    assert response.status_code == 400
    assert "변경 유형을 고르십시오." in summary(response)
    assert not ChangeRequest.objects.exists()
    assert Agreement.objects.filter(project=p.project).count() == 1


def test_reject_needs_a_reason_and_withdraw(client, p):
    change = changes.change_request_submit(
        p.lead_user, p.project, kind="other", values={"description": "x"}, reason="r"
    )
    client.force_login(p.staff)
    response = client.post(reverse("monitoring:change-reject", args=[change.pk]), {"decision-reason": ""})
    assert response.status_code == 400 and "반려 사유를 적어 주십시오." in summary(response)
    client.force_login(p.lead_user)
    assert client.post(reverse("monitoring:change-approve", args=[change.pk]), {}).status_code == 403
    assert client.post(reverse("monitoring:change-withdraw", args=[change.pk])).status_code == 302
    change.refresh_from_db()
    assert change.status == "withdrawn"


def test_supplier_sees_but_cannot_file_and_foreign_is_404(client, p):
    client.force_login(p.supplier_user)
    page = client.get(_list(p.project))
    assert page.status_code == 200 and page.context["form"] is None
    assert (
        client.post(
            _list(p.project), {"change-kind": "ceo", "change-ceo_name": "박", "change-reason": "x"}
        ).status_code
        == 403
    )
    change = changes.change_request_submit(
        p.lead_user, p.project, kind="ceo", values={"ceo_name": "박"}, reason="r"
    )
    other = factories.make_project()
    client.force_login(other.staff)
    assert client.get(_list(p.project)).status_code == 404
    assert client.get(reverse("monitoring:change-detail", args=[change.pk])).status_code == 404
