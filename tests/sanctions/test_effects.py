"""The effects every tenant meets: a company restricted by operator A fails the eligibility check of
operator B's call (as lead, supplier or consortium member) with a reason naming who and until when
but not why; the applicant's own self-check (recommendations) says so; and a restricted supplier
leaves the supplier search (page and API) until the restriction is lifted."""

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import EligibilityResult
from organizations.models import Role
from programs import selectors as program_selectors
from sanctions import services
from suppliers.models import SupplierProfile
from suppliers.search import search_suppliers
from tests import factories
from tests.html import text

pytestmark = pytest.mark.django_db


def _restrict(world, company, reason="기밀 사유: 허위 보고서 제출"):
    return services.restriction_impose(
        world.staff, company=company, reason_kind="false_report", reason=reason, project=world.project
    )


def _result(submission):
    run = submission.eligibility_runs.order_by("-pk").first()
    return run, EligibilityResult.objects.get(run=run, kind="no_restriction")


def test_restricted_lead_fails_eligibility_of_another_tenants_call(world, other_tenant):
    restriction = _restrict(world, world.lead)
    submission = factories.make_submitted(other_tenant.track, world.lead, user=world.lead_user)
    run, result = _result(submission)
    assert run.outcome == "fail" and result.outcome == "fail"
    assert world.lead.name in result.reason_ko and restriction.ends_on.isoformat() in result.reason_ko
    assert "주관기업" in result.reason_ko and "until" in result.reason_en
    assert "기밀" not in result.reason_ko + result.reason_en  # the reason stays with operator A


def test_restricted_supplier_and_consortium_member_fail_too(world, other_tenant):
    large = factories.make_company("상생대기업", kind="large_firm")
    _restrict(world, world.supplier.company)
    services.restriction_impose(world.staff, company=large, reason_kind="other", reason="사유")
    lead = factories.make_company("깨끗한정밀")
    submission = factories.make_submitted(
        other_tenant.track, lead, supplier=world.supplier, members=[(large, "large_firm")]
    )
    run, result = _result(submission)
    assert run.outcome == "fail"
    assert f"{world.supplier.company.name}(공급기업" in result.reason_ko
    assert f"{large.name}(컨소시엄 참여기업" in result.reason_ko
    assert lead.name not in result.reason_ko


def test_unrestricted_or_lifted_passes_the_builtin_check(world, other_tenant):
    r = _restrict(world, world.lead)
    services.restriction_lift(world.staff, r, reason="이의 인용")
    submission = factories.make_submitted(other_tenant.track, world.lead, user=world.lead_user)
    run = submission.eligibility_runs.get()
    assert run.outcome == "pass" and not run.results.filter(kind="no_restriction").exists()


def test_the_check_runs_even_when_the_call_configured_no_rules(world, other_tenant):
    other_tenant.call.eligibility_rules.all().delete()
    _restrict(world, world.lead)
    submission = factories.make_submitted(other_tenant.track, world.lead, user=world.lead_user)
    run, result = _result(submission)
    assert run.outcome == "fail" and result.outcome == "fail"
    assert list(run.results.values_list("kind", flat=True)) == ["no_restriction"]


def test_self_check_shows_the_restriction(world, other_tenant, client):
    _restrict(world, world.lead)
    rows = program_selectors.recommendations(world.lead)
    row = next(r for r in rows if r[0].pk == other_tenant.call.pk)
    failed = [r for r in row[2] if r.outcome == "fail"]
    assert [r.kind for r in failed] == ["no_restriction"]
    assert not program_selectors.is_recommendable(row[1], row[2])
    client.force_login(world.lead_user)
    page = text(client.get(reverse("programs:recommendations")))
    assert "사업 참여 제한" in page and world.lead.name in page


def test_other_tenants_staff_do_not_see_the_record(world, other_tenant, client):
    r = _restrict(world, world.lead)
    from sanctions.models import Restriction

    assert not Restriction.objects.visible_to(other_tenant.staff).exists()
    assert list(Restriction.objects.visible_to(world.staff)) == [r]
    assert list(Restriction.objects.visible_to(world.lead_user)) == [r]
    assert not Restriction.objects.visible_to(world.supplier_user).exists()
    client.force_login(other_tenant.staff)
    assert client.get(reverse("sanctions:restriction-detail", args=[r.pk])).status_code == 404
    assert client.get(reverse("restriction-detail", args=[r.pk])).status_code == 404


def test_restricted_supplier_leaves_search_until_lifted(world, client):
    sme = factories.make_member(Role.SME_MEMBER, company=factories.make_company("찾는기업"))
    profile = world.supplier
    name = profile.company.name
    assert SupplierProfile.objects.searchable().filter(pk=profile.pk).exists()
    assert profile.pk in [p.pk for p in search_suppliers({}).page.object_list]
    r = _restrict(world, profile.company)
    assert not SupplierProfile.objects.searchable().filter(pk=profile.pk).exists()
    assert profile.pk not in [p.pk for p in search_suppliers({}, page_size=100).page.object_list]
    client.force_login(sme)
    assert name not in text(client.get(reverse("suppliers:search")))
    api = client.get(reverse("supplier-list"), {"page_size": 100}).json()
    assert profile.pk not in [s["id"] for s in api["results"]]
    # A restriction that has not started yet does not hide it; lifting brings it back.
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)
    assert (
        SupplierProfile.objects.searchable(today=tomorrow - timezone.timedelta(days=2))
        .filter(pk=profile.pk)
        .exists()
    )
    services.restriction_lift(world.staff, r, reason="해제")
    assert SupplierProfile.objects.searchable().filter(pk=profile.pk).exists()
    assert name in text(client.get(reverse("suppliers:search")))
