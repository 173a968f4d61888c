"""Sanctions pages: the operator's page (impose a restriction, mark a project abandoned, order a
repayment), a restriction's page (lift it), an order's page (record repayments), the company's own
page; refusals come back as the error summary and change nothing; foreign ids are 404."""

import pytest
from django.urls import reverse
from django.utils import timezone

from monitoring.models import ProjectStatus
from organizations.access import principal_for
from organizations.models import Role
from organizations.navigation import navigation_for
from sanctions import services
from sanctions.models import RepaymentOrder, Restriction
from tests import factories
from tests.html import h1, summary, text

from .conftest import days, pay_advance

pytestmark = pytest.mark.django_db

HOME = "sanctions:home"


def _kdate(day):
    return f"{day.year}. {day.month}. {day.day}."


def test_operator_imposes_from_the_page_then_lifts(client, world):
    client.force_login(world.staff)
    page = client.get(reverse(HOME))
    assert page.status_code == 200 and h1(page) == "제재·환수 관리"
    assert ("제재·환수 관리", reverse(HOME)) in navigation_for(principal_for(world.staff))
    response = client.post(
        reverse("sanctions:restriction-add"),
        {
            "restriction-operator": world.operator.pk,
            "restriction-business_number": world.lead.business_number_display,
            "restriction-project": world.project.pk,
            "restriction-reason_kind": "false_report",
            "restriction-reason": "진척 보고 허위 작성",
        },
    )
    r = Restriction.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "sanctions:restriction-detail", args=[r.pk]
    )
    page = text(client.get(response.url))
    assert "진척 보고 허위 작성" in page and "제한 중" in page and "조기 해제" in page
    response = client.post(reverse("sanctions:restriction-lift", args=[r.pk]), {"lift-reason": ""})
    assert response.status_code == 400 and summary(response) == ["해제 사유를 적어 주십시오."]
    response = client.post(reverse("sanctions:restriction-lift", args=[r.pk]), {"lift-reason": "이의 인용"})
    assert response.status_code == 302
    r.refresh_from_db()
    assert r.lifted_on == timezone.localdate()
    listing = text(client.get(reverse(HOME)))
    assert world.lead.name in listing and "해제" in listing


def test_impose_refusals_show_the_summary_and_change_nothing(client, world):
    client.force_login(world.staff)
    base = {
        "restriction-operator": world.operator.pk,
        "restriction-business_number": "000-00-00000",
        "restriction-reason_kind": "false_report",
        "restriction-reason": "사유",
    }
    response = client.post(reverse("sanctions:restriction-add"), base)
    assert response.status_code == 400 and summary(response) == [
        "이 사업자등록번호로 등록된 기업이 없습니다. 번호를 확인해 주십시오."
    ]
    response = client.post(
        reverse("sanctions:restriction-add"),
        {
            **base,
            "restriction-business_number": world.lead.business_number,
            "restriction-reason_kind": "abandoned",
        },
    )
    assert response.status_code == 400 and summary(response) == [
        "과제 중도 포기로 제한할 때는 관련 과제를 선택해 주십시오."
    ]
    assert Restriction.objects.count() == 0


def test_abandon_and_order_and_repayment_from_the_pages(client, world):
    paid = pay_advance(world).amount
    client.force_login(world.staff)
    response = client.post(
        reverse("sanctions:abandon"), {"abandon-project": world.project.pk, "abandon-reason": ""}
    )
    assert response.status_code == 400 and summary(response) == ["중도 포기 사유를 적어 주십시오."]
    response = client.post(
        reverse("sanctions:abandon"), {"abandon-project": world.project.pk, "abandon-reason": "기업 폐업"}
    )
    assert response.status_code == 302
    world.project.refresh_from_db()
    assert world.project.status == ProjectStatus.ABANDONED
    assert "기업 폐업" in text(client.get(reverse(HOME)))
    order_post = {
        "order-project": world.project.pk,
        "order-amount": f"{paid + 1:,}",
        "order-due_on": days(30).isoformat(),
        "order-reason": "중도 포기에 따른 환수",
    }
    response = client.post(reverse("sanctions:order-add"), order_post)
    assert response.status_code == 400 and f"{paid:,}원" in summary(response)[0]
    response = client.post(reverse("sanctions:order-add"), {**order_post, "order-amount": f"{paid:,}"})
    order = RepaymentOrder.objects.get()
    assert response.status_code == 302 and response.url == reverse("sanctions:order-detail", args=[order.pk])
    today = timezone.localdate().isoformat()
    url = reverse("sanctions:repayment-add", args=[order.pk])
    response = client.post(url, {"repayment-amount": f"{paid + 1}", "repayment-paid_on": today})
    assert response.status_code == 400 and "남은 환수 금액" in summary(response)[0]
    assert client.post(url, {"repayment-amount": "1,000", "repayment-paid_on": today}).status_code == 302
    page = text(client.get(reverse("sanctions:order-detail", args=[order.pk])))
    assert "환수 진행" in page and f"{paid - 1000:,}" in page
    client.post(url, {"repayment-amount": f"{paid - 1000}", "repayment-paid_on": today})
    order.refresh_from_db()
    assert order.status == "settled"
    assert "환수 완료" in text(client.get(reverse("sanctions:order-detail", args=[order.pk])))


def test_company_page_shows_its_own(client, world):
    paid = pay_advance(world).amount
    r = services.restriction_impose(world.staff, company=world.lead, reason_kind="other", reason="자사 사유")
    order = services.repayment_order_create(
        world.staff, world.project, amount=paid, due_on=days(20), reason="환수 사유"
    )
    client.force_login(world.lead_user)
    page = client.get(reverse(HOME))
    assert h1(page) == "제재·환수 내역"
    body = text(page)
    assert world.lead.name in body and _kdate(r.ends_on) in body and world.project.title in body
    assert "자사 사유" in text(client.get(reverse("sanctions:restriction-detail", args=[r.pk])))
    detail = client.get(reverse("sanctions:order-detail", args=[order.pk]))
    assert (
        "환수 사유" in text(detail)
        and "납부해 주십시오" in text(detail)
        and "납부 기록</button>" not in detail.content.decode()
    )
    assert (
        client.post(
            reverse("sanctions:repayment-add", args=[order.pk]),
            {"repayment-amount": "1", "repayment-paid_on": timezone.localdate().isoformat()},
        ).status_code
        == 403
    )
    client.force_login(world.supplier_user)
    body = text(client.get(reverse(HOME)))
    assert "참여 제한이 없습니다" in body and "환수 명령이 없습니다" in body
    assert client.get(reverse("sanctions:order-detail", args=[order.pk])).status_code == 404
    assert client.get(reverse("sanctions:restriction-detail", args=[r.pk])).status_code == 404


def test_other_tenant_staff_get_404_and_cannot_post(client, world):
    r = services.restriction_impose(world.staff, company=world.lead, reason_kind="other", reason="사유")
    other = factories.make_member(Role.OPERATOR_STAFF, operator=factories.make_operator("B기관"))
    client.force_login(other)
    assert client.get(reverse("sanctions:restriction-detail", args=[r.pk])).status_code == 404
    assert (
        client.post(reverse("sanctions:restriction-lift", args=[r.pk]), {"lift-reason": "x"}).status_code
        == 404
    )
    response = client.post(
        reverse("sanctions:abandon"), {"abandon-project": world.project.pk, "abandon-reason": "x"}
    )
    assert response.status_code == 400  # not a project of its calls: not offered
    world.project.refresh_from_db()
    assert world.project.status == "in_progress"
    assert world.lead.name not in text(client.get(reverse(HOME)))
