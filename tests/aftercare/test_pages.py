"""The aftercare page: each section's form is shown to whoever may act; posts go through the services
and come back as POST → redirect → GET; refusals show the service's words in the error summary and
change nothing; the project page links here."""

import pytest
from django.urls import reverse
from django.utils import timezone

from aftercare import services
from aftercare.models import DefectRepair, MaintenanceContract, UnfairPracticeReport
from applications.models import Application
from monitoring.models import Project
from organizations.models import AuditEvent
from suppliers.models import SupplierReview
from tests.html import text

from .conftest import centre_for

pytestmark = pytest.mark.django_db


def page_url(ns):
    return reverse("aftercare:page", args=[ns.project.pk])


def get(client, user, ns):
    client.force_login(user)
    response = client.get(page_url(ns))
    assert response.status_code == 200
    return response.content.decode()


def test_the_project_page_links_to_aftercare(client, ns):
    client.force_login(ns.lead_user)
    html = client.get(reverse("monitoring:project-detail", args=[ns.project.pk])).content.decode()
    assert f'href="{page_url(ns)}"' in html


def test_before_the_inspection_the_lead_is_told_and_staff_see_what_is_missing(client, ns):
    html = get(client, ns.lead_user, ns)
    assert "아직 최종 점검 통과 기록이 없습니다" in html
    assert f'action="{reverse("aftercare:defect-add", args=[ns.project.pk])}"' not in html
    html = get(client, ns.staff, ns)
    assert "아직 종료할 수 없습니다" in html and "최종 점검 통과 기록이 없습니다" in html
    assert reverse("aftercare:close", args=[ns.project.pk]) not in html


def test_forms_follow_the_role(client, ready):
    ns = ready
    defect_add = reverse("aftercare:defect-add", args=[ns.project.pk])
    close = reverse("aftercare:close", args=[ns.project.pk])
    contract = reverse("aftercare:contract-add", args=[ns.project.pk])
    unfair = reverse("aftercare:unfair-add", args=[ns.project.pk])
    lead = get(client, ns.lead_user, ns)
    assert defect_add in lead and contract in lead and unfair in lead and close not in lead
    supplier = get(client, ns.supplier_user, ns)
    assert defect_add not in supplier and contract not in supplier and unfair in supplier
    staff = get(client, ns.staff, ns)
    assert close in staff and defect_add not in staff and unfair not in staff
    centre = get(client, centre_for("41"), ns)
    assert close not in centre and unfair not in centre and defect_add not in centre


def test_a_defect_goes_round_through_the_pages(client, ready):
    ns = ready
    client.force_login(ns.lead_user)
    response = client.post(
        reverse("aftercare:defect-add", args=[ns.project.pk]), {"defect-description": "컨베이어 정지"}
    )
    assert response.status_code == 302 and response["Location"].endswith("#defects")
    defect = DefectRepair.objects.get()
    client.force_login(ns.supplier_user)
    html = client.get(page_url(ns)).content.decode()
    assert reverse("aftercare:defect-respond", args=[defect.pk]) in html
    response = client.post(
        reverse("aftercare:defect-respond", args=[defect.pk]),
        {
            f"respond{defect.pk}-response": "모터 교체",
            f"respond{defect.pk}-repaired_on": timezone.localdate().strftime("%Y. %m. %d."),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    client.force_login(ns.lead_user)
    response = client.post(
        reverse("aftercare:defect-satisfaction", args=[defect.pk]),
        {f"sat{defect.pk}-score": "5", f"sat{defect.pk}-comment": "신속"},
    )
    assert response.status_code == 302
    defect.refresh_from_db()
    assert (defect.status, defect.satisfaction) == ("closed", 5)
    assert "5점 / 5점" in client.get(page_url(ns)).content.decode()


def test_form_errors_and_refusals_come_back_in_the_summary(client, ready):
    ns = ready
    client.force_login(ns.lead_user)
    before = DefectRepair.objects.count(), AuditEvent.objects.count()
    response = client.post(reverse("aftercare:defect-add", args=[ns.project.pk]), {"defect-description": ""})
    assert response.status_code == 400 and "하자 내용을 적어 주십시오" in text(response)
    client.force_login(ns.supplier_user)
    assert (
        client.post(
            reverse("aftercare:defect-add", args=[ns.project.pk]), {"defect-description": "x"}
        ).status_code
        == 403
    )
    assert (DefectRepair.objects.count(), AuditEvent.objects.count()) == before


def test_closing_an_unready_project_on_the_page_is_refused(client, ns):
    client.force_login(ns.staff)
    response = client.post(reverse("aftercare:close", args=[ns.project.pk]), {"close-reason": ""})
    assert response.status_code == 409 and "최종 점검 통과 기록이 없습니다" in text(response)
    assert Project.objects.get(pk=ns.project.pk).status == "in_progress"


def test_maintenance_and_unfair_report_through_the_page(client, ready):
    ns = ready
    client.force_login(ns.lead_user)
    response = client.post(
        reverse("aftercare:contract-add", args=[ns.project.pk]),
        {
            "contract-provider_name": "유지보수주식회사",
            "contract-counterpart": "other",
            "contract-starts_on": "2027. 7. 1.",
            "contract-ends_on": "2028. 6. 30.",
            "contract-annual_fee": "12,000,000",
            "contract-scope": "월 1회 점검",
        },
    )
    assert response.status_code == 302, text(response)[:1500]
    assert MaintenanceContract.objects.get().annual_fee == 12_000_000
    assert "12,000,000" in client.get(page_url(ns)).content.decode()
    response = client.post(
        reverse("aftercare:unfair-add", args=[ns.project.pk]),
        {
            "unfair-reporter_company": str(ns.lead.pk),
            "unfair-reported_company": str(ns.supplier.company.pk),
            "unfair-description": "계약 외 비용 요구",
        },
    )
    assert response.status_code == 302, text(response)[:1500]
    report = UnfairPracticeReport.objects.get()
    client.force_login(ns.staff)
    handle = reverse("aftercare:unfair-handle", args=[report.pk])
    assert client.post(handle, {"action": "review"}).status_code == 302
    response = client.post(handle, {"action": "conclude", f"conclude{report.pk}-outcome": ""})
    assert response.status_code == 400 and "처리 결과를 적어 주십시오" in text(response)
    assert (
        client.post(handle, {"action": "conclude", f"conclude{report.pk}-outcome": "권고"}).status_code == 302
    )
    report.refresh_from_db()
    assert report.status == "concluded"


def test_close_rate_and_continue_to_the_next_level(client, ready, next_track):
    ns = ready
    client.force_login(ns.staff)
    response = client.post(reverse("aftercare:close", args=[ns.project.pk]), {"close-reason": "사업 완료"})
    assert response.status_code == 302
    html = get(client, ns.lead_user, ns)
    assert reverse("aftercare:rate", args=[ns.project.pk]) in html
    assert reverse("aftercare:next-level", args=[ns.project.pk]) in html
    assert f"{reverse('suppliers:search')}?level=intermediate_1" in html
    assert next_track.call.reference in html
    response = client.post(
        reverse("aftercare:rate", args=[ns.project.pk]),
        {"rating-supplier": str(ns.supplier.pk), "rating-score": "4", "rating-comment": "성실"},
    )
    assert response.status_code == 302
    assert SupplierReview.objects.get().score == 4
    html = client.get(page_url(ns)).content.decode()
    assert "평점 4점 / 5점" in html and reverse("aftercare:rate", args=[ns.project.pk]) not in html
    response = client.post(reverse("aftercare:next-level", args=[ns.project.pk]), {"next-track": ""})
    assert response.status_code == 400
    response = client.post(
        reverse("aftercare:next-level", args=[ns.project.pk]), {"next-track": str(next_track.higher.pk)}
    )
    application = Application.objects.get(track=next_track.higher)
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:task-list", args=[application.pk])
    plan = client.get(reverse("applications:plan", args=[application.pk])).content.decode()
    assert f"{ns.project.title} 고도화" in plan


def test_other_tenants_get_404(client, ready):
    from tests import factories

    other = factories.make_project(lead_name="남의기업")
    client.force_login(other.lead_user)
    assert client.get(page_url(ready)).status_code == 404
    defect = services.defect_request(ready.lead_user, ready.project, description="x")
    assert client.get(reverse("aftercare:defect-attachment", args=[defect.pk])).status_code == 404
