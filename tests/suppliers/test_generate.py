"""The supplier generator (`generate.generate_suppliers`), `manage.py seed_suppliers` and the demo
suppliers: counts, unique valid business numbers, statuses, realistic bounds, and documents and
ratings identical to what `services.reindex` and `services.rerate` compute."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from organizations.models import Company
from organizations.rules import business_number_problem, complete_business_number
from suppliers import demo, services
from suppliers.generate import DEFAULT_STATUS_MIX, generate_suppliers
from suppliers.models import (
    CapabilityAssessment,
    Certification,
    ImplementationCase,
    Solution,
    SupplierProfile,
    SupplierReview,
)
from tests import factories

pytestmark = pytest.mark.django_db


def _profiles(ids):
    return SupplierProfile.objects.filter(pk__in=ids).select_related("company")


def test_count_and_unique_valid_business_numbers():
    factories.make_supplier("기존공급기업")  # a number already taken must not be drawn again
    ids = generate_suppliers(200, seed=1)
    assert len(ids) == len(set(ids)) == 200
    companies = Company.objects.filter(supplier_profile__pk__in=ids)
    assert companies.count() == 200
    numbers = list(companies.values_list("business_number", flat=True))
    assert len(set(numbers)) == 200
    assert all(business_number_problem(n) is None for n in numbers)
    assert set(companies.values_list("kind", flat=True)) == {"supplier"}
    assert all(
        name and name_en.endswith("Co., Ltd.") for name, name_en in companies.values_list("name", "name_en")
    )
    # a second run draws around the numbers the first one took
    more = generate_suppliers(50, seed=1)
    assert Company.objects.filter(kind="supplier").count() == 251
    assert not set(ids) & set(more)


def test_statuses_follow_the_mix():
    ids = generate_suppliers(400, seed=2)
    statuses = Counter(_profiles(ids).values_list("status", flat=True))
    assert set(statuses) <= set(DEFAULT_STATUS_MIX)
    assert 0.85 <= statuses["registered"] / 400 <= 0.95
    assert sum(statuses.values()) == 400
    only = generate_suppliers(30, seed=3, status_mix={"suspended": 1, "rejected": 1})
    assert set(_profiles(only).values_list("status", flat=True)) == {"suspended", "rejected"}
    assert not _profiles(only).filter(status="registered").exists()


def test_workflow_dates_fit_the_status():
    ids = generate_suppliers(150, seed=4)
    for profile in _profiles(ids):
        if profile.status in ("registered", "suspended"):
            assert profile.submitted_at < profile.registered_at <= timezone.now()
        else:
            assert profile.registered_at is None
        assert (profile.status_reason != "") == (profile.status in ("suspended", "returned", "rejected"))


def test_same_seed_same_suppliers():
    def draw(seed):
        sid = transaction.savepoint_create()
        ids = generate_suppliers(25, seed=seed)
        rows = list(
            _profiles(ids)
            .order_by("pk")
            .values_list(
                "company__business_number", "company__name", "company__region_id", "status", "case_count"
            )
        )
        transaction.savepoint_rollback(sid)
        return rows

    assert draw(7) == draw(7)
    assert draw(7) != draw(8)


def test_offerings_are_within_realistic_bounds():
    ids = generate_suppliers(120, seed=5)
    profiles = _profiles(ids)
    for profile in profiles.prefetch_related("domains", "solutions", "cases", "certifications"):
        domains = {d.code for d in profile.domains.all()}
        assert 1 <= len(domains) <= 3
        solutions = profile.solutions.all()
        assert 1 <= len(solutions) <= 4
        assert {s.domain_id for s in solutions} <= domains
        assert len({s.name for s in solutions}) == len(solutions)
        cases = profile.cases.all()
        assert 2 <= len(cases) <= 15
        assert profile.case_count == len(cases)
        certifications = profile.certifications.all()
        assert len(certifications) <= 3
        assert len({c.kind for c in certifications}) == len(certifications)
    cases = ImplementationCase.objects.filter(profile__in=ids)
    assert all(30_000_000 <= a <= 800_000_000 for a in cases.values_list("amount", flat=True))
    assert all(2015 <= y <= 2026 for y in cases.values_list("year", flat=True))
    assert {s for s in cases.values_list("client_sector_id", flat=True)} <= {f"C{n}" for n in range(10, 35)}
    assert set(cases.values_list("level", flat=True)) <= {
        "basic",
        "intermediate_1",
        "intermediate_2",
        "advanced",
    }
    solutions = Solution.objects.filter(profile__in=ids)
    assert all(lo < hi for lo, hi in solutions.values_list("price_min", "price_max"))
    assert all(levels for levels in solutions.values_list("levels", flat=True))
    regions = Counter(profiles.values_list("company__region_id", flat=True))
    assert regions.most_common(1)[0][0] in ("41", "11")  # the capital area leads


def test_search_documents_and_ratings_are_what_the_services_compute():
    factories.make_operator("스마트제조혁신추진단")
    ids = generate_suppliers(60, seed=6)
    assert CapabilityAssessment.objects.filter(profile__in=ids).exists()
    assert SupplierReview.objects.filter(profile__in=ids).exists()

    def snapshot():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, search_document::text, case_count, rating, rating_basis FROM suppliers_supplierprofile"
                " WHERE id = ANY(%s) ORDER BY id",
                [ids],
            )
            return cursor.fetchall()

    generated = snapshot()
    assert all(row[1] for row in generated)
    for pk in ids:
        services.reindex(pk)
        services.rerate(pk)
    assert snapshot() == generated
    rated = _profiles(ids).filter(rating__isnull=False)
    assert 0 < rated.count() < 60
    assert (
        not _profiles(ids)
        .exclude(status__in=("registered", "suspended"))
        .filter(rating__isnull=False)
        .exists()
    )


def test_without_an_operator_ratings_come_from_reviews_only():
    ids = generate_suppliers(40, seed=9)
    assert not CapabilityAssessment.objects.filter(profile__in=ids).exists()
    assert _profiles(ids).filter(rating__isnull=False).exists()


def test_certifications_are_valid_or_expired_around_today():
    ids = generate_suppliers(150, seed=10)
    today = timezone.localdate()
    dates = list(Certification.objects.filter(profile__in=ids).values_list("kind", "valid_until"))
    assert any(d is None for _k, d in dates)  # a research institute does not expire
    assert any(d is not None and d < today for _k, d in dates)
    assert any(d is not None and d >= today for _k, d in dates)
    assert all(d is None or abs((d - today).days) <= 1400 for _k, d in dates)


def test_seed_suppliers_command():
    out = StringIO()
    call_command("seed_suppliers", "--count", "12", "--seed", "4", stdout=out)
    assert out.getvalue().startswith("seed_suppliers: 12 suppliers created in ")
    assert SupplierProfile.objects.count() == 12


def test_seed_demo_creates_300_once_with_the_demo_supplier_registered():
    from organizations.demo import seed_demo as seed_organizations

    seed_organizations()
    assert demo.seed_demo() == 300
    assert SupplierProfile.objects.count() == 300
    profile = SupplierProfile.objects.get(company__business_number=complete_business_number("220864455"))
    assert profile.status == "registered"
    assert profile.rating is not None and profile.rating_basis["components"]
    assert {d.code for d in profile.domains.all()} == {"mes", "iot", "ai"}
    assert profile.solutions.count() == 3 and profile.case_count == 4
    assert not SupplierProfile.objects.filter(
        company__business_number=complete_business_number("214862233")
    ).exists()
    assert demo.seed_demo() == 0  # idempotent
    assert SupplierProfile.objects.count() == 300
    # the demo supplier is found by SME search
    from suppliers.search import search_suppliers

    result = search_suppliers({"q": "예지보전", "region": "11"}, page_size=50)
    assert profile.pk in {p.pk for p in result.page.object_list}


def test_seed_demo_without_the_organizations_demo_still_generates():
    assert demo.seed_demo() == 300
    assert demo.seed_demo() == 0
    assert not SupplierProfile.objects.filter(
        company__business_number=complete_business_number("220864455")
    ).exists()
