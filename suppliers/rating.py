"""A supplier's rating (0.00–5.00), shown on its profile with its basis.

    rating = Σ wᵢ·cᵢ / Σ wᵢ over the components that exist:
      assessment  (w = 0.5): mean of the latest operator assessment's three areas, 0–100 → ÷ 20
      SME reviews (w = 0.35): Bayesian mean of SME scores (1–5), pulled towards 3.0 by 3 phantom
                              reviews, so one 5-star review cannot outrank a long record
      inspections (w = 0.15): share of final inspections passed × 5 (pass = score ≥ 3)
    No component at all → no rating (None), never a made-up number.

Pure: takes plain numbers, returns Decimals rounded half-up to 0.01.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

WEIGHTS = {"assessment": Decimal("0.5"), "reviews": Decimal("0.35"), "inspections": Decimal("0.15")}
PRIOR_MEAN = Decimal("3.0")
PRIOR_WEIGHT = 3
CENT = Decimal("0.01")


@dataclass(frozen=True)
class RatingBasis:
    rating: Decimal | None
    components: dict  # name → {"value": str, "weight": str, "count": int}

    def as_json(self):
        return {"rating": None if self.rating is None else str(self.rating), "components": self.components}


def _q(value):
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def compute_rating(*, latest_assessment=None, sme_scores=(), inspection_scores=()):
    """`latest_assessment`: (management, technology, project_management) 0–100 or None;
    `sme_scores`, `inspection_scores`: integers 1–5."""
    components = {}
    if latest_assessment is not None:
        areas = [Decimal(int(v)) for v in latest_assessment]
        components["assessment"] = (sum(areas) / len(areas) / 20, 1)
    scores = [int(s) for s in sme_scores]
    if scores:
        bayes = (PRIOR_MEAN * PRIOR_WEIGHT + sum(scores)) / (PRIOR_WEIGHT + len(scores))
        components["reviews"] = (Decimal(bayes), len(scores))
    inspections = [int(s) for s in inspection_scores]
    if inspections:
        passed = sum(1 for s in inspections if s >= 3)
        components["inspections"] = (Decimal(passed) / len(inspections) * 5, len(inspections))
    if not components:
        return RatingBasis(None, {})
    total_weight = sum(WEIGHTS[name] for name in components)
    value = sum(WEIGHTS[name] * v for name, (v, _n) in components.items()) / total_weight
    return RatingBasis(
        _q(value),
        {
            name: {"value": str(_q(v)), "weight": str(WEIGHTS[name]), "count": n}
            for name, (v, n) in components.items()
        },
    )
