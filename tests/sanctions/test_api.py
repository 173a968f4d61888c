"""The sanctions API: restrictions (impose, lift), project abandonments, repayment orders and
repayments — every id inside the user's scope (foreign = 404/400), every write through the
services (403/400/409 with the service's words), lists with a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from monitoring.models import ProjectStatus
from organizations.models import Role
from sanctions import services
from sanctions.models import Repayment, RepaymentOrder, Restriction
from tests import factories

from .conftest import days, pay_advance

pytestmark = pytest.mark.django_db


def _post(client, name, body, *args):
    return client.post(reverse(name, args=args), body, content_type="application/json")


def test_impose_and_lift_through_the_api(client, world):
    client.force_login(world.staff)
    response = _post(
        client,
        "restriction-list",
        {
            "company": world.lead.pk,
            "reason_kind": "abandoned",
            "reason": "중도 포기",
            "project": world.project.pk,
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["company"] == world.lead.pk and body["operator"] == world.operator.pk and body["active"]
    assert body["ends_on"] == services.rules.default_ends_on(timezone.localdate()).isoformat()
    response = _post(client, "restriction-lift", {"reason": ""}, body["id"])
    assert response.status_code == 400 and response.json()["errors"] == {
        "reason": ["해제 사유를 적어 주십시오."]
    }
    response = _post(client, "restriction-lift", {"reason": "오류 정정"}, body["id"])
    assert response.status_code == 200 and response.json()["lifted_on"] == timezone.localdate().isoformat()
    response = _post(client, "restriction-lift", {"reason": "다시"}, body["id"])
    assert response.status_code == 409 and "이미" in response.json()["message"]


def test_restriction_refusals(client, world):
    client.force_login(world.lead_user)
    response = _post(
        client, "restriction-list", {"company": world.lead.pk, "reason_kind": "other", "reason": "x"}
    )
    assert response.status_code == 403 and Restriction.objects.count() == 0
    client.force_login(world.staff)
    response = _post(client, "restriction-list", {"company": 999999, "reason_kind": "other", "reason": "x"})
    assert response.status_code == 400 and "company" in response.json()["errors"]
    other = factories.make_project()
    response = _post(
        client,
        "restriction-list",
        {"company": world.lead.pk, "reason_kind": "other", "reason": "x", "project": other.project.pk},
    )
    assert response.status_code == 400 and "project" in response.json()["errors"]
    response = _post(
        client,
        "restriction-list",
        {"company": world.lead.pk, "reason_kind": "other", "reason": "x", "starts_on": days(-3).isoformat()},
    )
    assert response.status_code == 400 and "starts_on" in response.json()["errors"]
    assert Restriction.objects.count() == 0


def test_visibility_of_restrictions(client, world):
    r = services.restriction_impose(world.staff, company=world.lead, reason_kind="other", reason="사유 LEAK")
    other_staff = factories.make_member(Role.OPERATOR_STAFF, operator=factories.make_operator("B기관"))
    for user, seen in (
        (world.staff, True),
        (world.lead_user, True),
        (world.supplier_user, False),
        (other_staff, False),
    ):
        client.force_login(user)
        listed = [row["id"] for row in client.get(reverse("restriction-list")).json()["results"]]
        assert (listed == [r.pk]) is seen
        assert client.get(reverse("restriction-detail", args=[r.pk])).status_code == (200 if seen else 404)
    client.force_login(world.lead_user)
    assert _post(client, "restriction-lift", {"reason": "x"}, r.pk).status_code == 403


def test_abandon_through_the_api(client, world):
    client.force_login(world.lead_user)
    response = _post(client, "project-abandonment-list", {"project": world.project.pk, "reason": "포기"})
    assert response.status_code == 400  # not a project the lead runs as staff
    client.force_login(world.staff)
    response = _post(client, "project-abandonment-list", {"project": world.project.pk, "reason": "포기"})
    assert response.status_code == 201 and response.json()["previous_status"] == "in_progress"
    world.project.refresh_from_db()
    assert world.project.status == ProjectStatus.ABANDONED
    response = _post(client, "project-abandonment-list", {"project": world.project.pk, "reason": "또"})
    assert response.status_code == 409
    client.force_login(world.lead_user)
    assert client.get(reverse("project-abandonment-list")).json()["count"] == 1


def test_orders_and_repayments_through_the_api(client, world):
    paid = pay_advance(world).amount
    client.force_login(world.staff)
    response = _post(
        client,
        "repayment-order-list",
        {"project": world.project.pk, "amount": paid + 1, "due_on": days(30).isoformat(), "reason": "허위"},
    )
    assert response.status_code == 400 and response.json()["code"] == "over_paid"
    response = _post(
        client,
        "repayment-order-list",
        {"project": world.project.pk, "amount": paid, "due_on": days(30).isoformat(), "reason": "허위"},
    )
    assert response.status_code == 201
    order = response.json()
    assert order["outstanding"] == paid and order["status"] == "open"
    today = timezone.localdate().isoformat()
    response = _post(client, "repayment-list", {"order": order["id"], "amount": paid + 1, "paid_on": today})
    assert response.status_code == 400 and response.json()["code"] == "over_order"
    response = _post(client, "repayment-list", {"order": order["id"], "amount": paid, "paid_on": today})
    assert response.status_code == 201
    body = client.get(reverse("repayment-order-detail", args=[order["id"]])).json()
    assert body["status"] == "settled" and body["outstanding"] == 0 and len(body["repayments"]) == 1
    # The lead reads the order, cannot record; the supplier and another tenant see nothing.
    client.force_login(world.lead_user)
    assert client.get(reverse("repayment-order-detail", args=[order["id"]])).status_code == 200
    response = _post(client, "repayment-list", {"order": order["id"], "amount": 1, "paid_on": today})
    assert response.status_code == 400 and "order" in response.json()["errors"]
    client.force_login(world.supplier_user)
    assert client.get(reverse("repayment-order-detail", args=[order["id"]])).status_code == 404
    assert client.get(reverse("repayment-list")).json()["count"] == 0


def _count(client, name):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(name), {"page_size": 100})
    assert response.status_code == 200
    return response.json()["count"], len(queries)


def test_lists_keep_a_constant_number_of_queries(client, world):
    pay_advance(world)
    companies = [factories.make_company(f"제한기업{i}") for i in range(3)]

    def add(i):
        services.restriction_impose(world.staff, company=companies[i], reason_kind="other", reason="r")
        order = services.repayment_order_create(
            world.staff, world.project, amount=1000, due_on=days(9), reason="r"
        )
        services.repayment_record(world.staff, order, amount=400, paid_on=timezone.localdate())
        services.repayment_record(world.staff, order, amount=100, paid_on=timezone.localdate())

    names = ("restriction-list", "repayment-order-list", "repayment-list", "project-abandonment-list")
    add(0)
    services.project_abandon(world.staff, world.project, reason="포기")
    client.force_login(world.staff)
    small = [_count(client, n) for n in names]
    add(1)
    add(2)
    more = factories.make_project(operator=world.operator)
    services.project_abandon(world.staff, more.project, reason="포기")
    services.project_abandon(
        world.staff, factories.make_project(operator=world.operator).project, reason="포기"
    )
    large = [_count(client, n) for n in names]
    assert [c for c, _q in small] == [1, 1, 2, 1] and [c for c, _q in large] == [3, 3, 6, 3]
    assert [q for _c, q in small] == [q for _c, q in large]
    assert RepaymentOrder.objects.count() == 3 and Repayment.objects.count() == 6
