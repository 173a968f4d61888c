"""The rating formula (pure), with worked numbers:

rating = Σ wᵢ·cᵢ / Σ wᵢ over the components present
  assessment 0.5 (latest assessment's mean ÷ 20), SME reviews 0.35 (Bayesian mean, 3 phantom
  reviews of 3.0), inspections 0.15 (share passed × 5, pass = score ≥ 3); half-up to 0.01.
"""

from decimal import Decimal

from suppliers.rating import compute_rating


def test_no_component_gives_no_rating():
    basis = compute_rating()
    assert basis.rating is None
    assert basis.components == {}
    assert basis.as_json() == {"rating": None, "components": {}}
    assert compute_rating(latest_assessment=None, sme_scores=[], inspection_scores=[]).rating is None


def test_assessment_only():
    # (80 + 90 + 70) / 3 = 80 → 80 / 20 = 4.00
    basis = compute_rating(latest_assessment=(80, 90, 70))
    assert basis.rating == Decimal("4.00")
    assert basis.components == {"assessment": {"value": "4.00", "weight": "0.5", "count": 1}}
    # (81 + 80 + 80) / 3 / 20 = 4.01666… → 4.02
    assert compute_rating(latest_assessment=(81, 80, 80)).rating == Decimal("4.02")
    assert compute_rating(latest_assessment=(100, 100, 100)).rating == Decimal("5.00")
    assert compute_rating(latest_assessment=(0, 0, 0)).rating == Decimal("0.00")


def test_reviews_are_pulled_towards_three():
    # One 5-star review: (3 × 3.0 + 5) / (3 + 1) = 3.50, not 5.
    assert compute_rating(sme_scores=[5]).rating == Decimal("3.50")
    # One 1-star review: (9 + 1) / 4 = 2.50.
    assert compute_rating(sme_scores=[1]).rating == Decimal("2.50")
    # Five 5-star reviews: (9 + 25) / 8 = 4.25 — a longer record moves further from 3.
    basis = compute_rating(sme_scores=[5, 5, 5, 5, 5])
    assert basis.rating == Decimal("4.25")
    assert basis.components == {"reviews": {"value": "4.25", "weight": "0.35", "count": 5}}
    # (9 + 4 + 4 + 5) / 6 = 3.666… → 3.67
    assert compute_rating(sme_scores=[4, 4, 5]).rating == Decimal("3.67")


def test_inspections_count_the_share_passed():
    # 3 of 4 passed (score ≥ 3): 0.75 × 5 = 3.75
    assert compute_rating(inspection_scores=[3, 2, 5, 4]).rating == Decimal("3.75")
    # 1 of 8 passed: 0.625 → 0.63 (half-up, not half-even)
    assert compute_rating(inspection_scores=[3, 1, 1, 1, 1, 1, 1, 1]).rating == Decimal("0.63")


def test_assessment_and_reviews():
    # (0.5 × 4.00 + 0.35 × 3.50) / 0.85 = 3.225 / 0.85 = 3.7941… → 3.79 (docs/suppliers.md)
    basis = compute_rating(latest_assessment=(80, 90, 70), sme_scores=[5])
    assert basis.rating == Decimal("3.79")
    assert set(basis.components) == {"assessment", "reviews"}


def test_all_three_components():
    # assessment 4.00, reviews (9 + 5) / 4 = 3.50, inspections 1 of 2 passed = 2.50
    # (0.5 × 4.00 + 0.35 × 3.50 + 0.15 × 2.50) / 1.0 = 2.000 + 1.225 + 0.375 = 3.60
    basis = compute_rating(latest_assessment=(80, 90, 70), sme_scores=[5], inspection_scores=[4, 2])
    assert basis.rating == Decimal("3.60")
    assert basis.as_json() == {
        "rating": "3.60",
        "components": {
            "assessment": {"value": "4.00", "weight": "0.5", "count": 1},
            "reviews": {"value": "3.50", "weight": "0.35", "count": 1},
            "inspections": {"value": "2.50", "weight": "0.15", "count": 2},
        },
    }


def test_reviews_and_inspections_without_assessment():
    # (0.35 × 3.50 + 0.15 × 5.00) / 0.5 = (1.225 + 0.75) / 0.5 = 3.95
    assert compute_rating(sme_scores=[5], inspection_scores=[5]).rating == Decimal("3.95")
