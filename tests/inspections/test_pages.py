"""The inspection pages: the project's interim checks and final inspection with the form for whoever
may act, refusals shown in the error summary (nothing changed), the inspector's "내 점검" list and
menu entry, the link from the project page, and the read-only admin."""

import pytest
from django.urls import reverse

from inspections.models import ChecklistItem, CorrectiveAction, FinalInspection, InterimCheck
from monitoring.models import Project
from organizations.models import Membership, Role
from tests import factories
from tests.html import summary, text

from .conftest import appoint, check_all, conditional, days

pytestmark = pytest.mark.django_db


def page_url(w):
    return reverse("inspections:project-inspection", args=[w.project.pk])


def kdate(d):
    return f"{d.year}. {d.month}. {d.day}."


def test_project_page_links_to_the_inspection_page(client, w):
    client.force_login(w.lead_user)
    detail = client.get(reverse("monitoring:project-detail", args=[w.project.pk]))
    assert page_url(w) in detail.content.decode()
    page = client.get(page_url(w))
    assert page.status_code == 200
    body = text(page)
    assert "중간 점검과 최종 점검" in body and "아직 최종 점검자가 지정되지 않았습니다" in body
    html = page.content.decode()
    assert reverse("inspections:appoint", args=[w.project.pk]) not in html
    assert reverse("inspections:interim-add", args=[w.project.pk]) not in html


def test_staff_appoint_from_the_page_refusal_then_success(client, w):
    tied = factories.make_evaluator(w.operator, "도입사출신", company=w.lead)
    client.force_login(w.staff)
    page = client.get(page_url(w))
    assert "감리 점검자 지정" in text(page) and "김감리" in text(page)
    refused = client.post(
        reverse("inspections:appoint", args=[w.project.pk]), {"appoint-inspector": tied.user.pk}
    )
    assert refused.status_code == 400
    assert any("주관 도입기업" in m for m in summary(refused))
    assert not FinalInspection.objects.exists()
    empty = client.post(reverse("inspections:appoint", args=[w.project.pk]), {})
    assert summary(empty) == ["감리 점검자를 고르십시오."]
    done = client.post(
        reverse("inspections:appoint", args=[w.project.pk]),
        {"appoint-inspector": w.evaluator.user.pk},
        follow=True,
    )
    assert "김감리 님을 감리 점검자로 지정했습니다" in text(done)
    assert Project.objects.get(pk=w.project.pk).status == "inspection"


def test_interim_check_from_the_page(client, w, centre_user):
    client.force_login(centre_user)
    url = reverse("inspections:interim-add", args=[w.project.pk])
    refused = client.post(
        url,
        {"interim-checked_on": kdate(days(-85)), "interim-findings": "점검", "interim-progress": "on_track"},
    )
    assert refused.status_code == 400
    assert "30~70%" in summary(refused)[0]
    assert not InterimCheck.objects.exists()
    done = client.post(
        url,
        {
            "interim-checked_on": kdate(days(0)),
            "interim-findings": "센서 설치 중",
            "interim-progress": "delayed",
            "interim-action_1": "납품 일정 확인",
            "interim-action_1_due": kdate(days(7)),
        },
        follow=True,
    )
    assert "중간 점검을 기록했습니다" in text(done)
    assert "납품 일정 확인" in text(done) and "지연" in text(done)
    client.force_login(w.lead_user)
    assert client.post(url, {}).status_code == 403


def test_inspector_works_the_checklist_and_result_from_the_page(client, w):
    inspection = appoint(w)
    inspector = w.evaluator.user
    client.force_login(inspector)
    home = client.get(reverse("home"))
    assert reverse("inspections:my-inspections") in home.content.decode()
    mine = client.get(reverse("inspections:my-inspections"))
    assert w.project.title in text(mine)
    page = client.get(page_url(w))
    assert page.status_code == 200 and "점검 결과 기록" in text(page)
    assert "내 점검 목록으로 돌아가기" in text(page)  # an outside expert does not see the project page
    item = inspection.items.get(key="installed")
    refused = client.post(reverse("inspections:checklist-item", args=[item.pk]), {})
    assert refused.status_code == 400 and "이유를" in summary(refused)[0]
    ok = client.post(
        reverse("inspections:checklist-item", args=[item.pk]),
        {f"item{item.pk}-checked": "on", f"item{item.pk}-note": "정상 작동"},
        follow=True,
    )
    assert "기록했습니다" in text(ok)
    assert ChecklistItem.objects.get(pk=item.pk).checked
    result_url = reverse("inspections:result", args=[inspection.pk])
    refused = client.post(result_url, {"result-result": "pass", "result-supplier_score": "5"})
    assert refused.status_code == 400 and "모든 항목" in summary(refused)[0]
    done = client.post(
        result_url,
        {
            "result-result": "conditional",
            "result-note": "데이터 수집 보완",
            "result-action_1": "수집 주기 1초로",
            "result-action_1_due": kdate(days(14)),
            "result-supplier_score": "4",
        },
        follow=True,
    )
    assert "조건부 통과" in text(done) and "수집 주기 1초로" in text(done)


def test_lead_plans_and_reports_inspector_confirms_from_the_page(client, w):
    inspection = conditional(w, appoint(w))
    action = CorrectiveAction.objects.get(inspection=inspection)
    client.force_login(w.lead_user)
    assert "조치 계획 제출" in text(client.get(page_url(w)))
    refused = client.post(reverse("inspections:action-plan", args=[action.pk]), {f"plan{action.pk}-plan": ""})
    assert refused.status_code == 400 and summary(refused) == ["조치 계획을 적어 주십시오."]
    client.post(reverse("inspections:action-plan", args=[action.pk]), {f"plan{action.pk}-plan": "보완 계획"})
    client.post(
        reverse("inspections:action-report", args=[action.pk]), {f"report{action.pk}-result": "보완 완료"}
    )
    assert CorrectiveAction.objects.get(pk=action.pk).status == "reported"
    assert client.post(reverse("inspections:action-confirm", args=[action.pk]), {}).status_code == 403
    client.force_login(w.evaluator.user)
    back = client.post(reverse("inspections:action-return", args=[action.pk]), {})
    assert back.status_code == 400 and "보완할 내용" in summary(back)[0]
    done = client.post(reverse("inspections:action-confirm", args=[action.pk]), {}, follow=True)
    assert "최종 점검을 통과했습니다" in text(done)
    assert Project.objects.get(pk=w.project.pk).inspection_passed_at is not None


def test_foreign_users_get_404_and_no_menu_entry(client, w):
    inspection = appoint(w)
    check_all(inspection)
    other = factories.make_project()
    client.force_login(other.lead_user)
    assert client.get(page_url(w)).status_code == 404
    item = inspection.items.first()
    assert client.post(reverse("inspections:checklist-item", args=[item.pk]), {}).status_code == 404
    assert reverse("inspections:my-inspections") not in client.get(reverse("home")).content.decode()
    assert "지정된 점검이 없습니다" in text(client.get(reverse("inspections:my-inspections")))


def test_admin_is_read_only(client, w):
    conditional(w, appoint(w))
    admin = factories.make_user(is_staff=True, is_superuser=True)
    Membership.objects.create(user=admin, role=Role.PLATFORM_ADMIN)
    client.force_login(admin)
    for model in (InterimCheck, FinalInspection, ChecklistItem, CorrectiveAction):
        name = model._meta.model_name
        assert client.get(reverse(f"admin:inspections_{name}_changelist")).status_code == 200
        row = model.objects.first()
        if row is not None:
            page = client.get(reverse(f"admin:inspections_{name}_change", args=[row.pk]))
            assert page.status_code == 200 and page.context["has_change_permission"] is False
        assert client.get(reverse(f"admin:inspections_{name}_add")).status_code == 403
