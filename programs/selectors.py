"""Read paths shared by pages, the API, alerts and the recommendation: one query shape each."""

from django.db.models import Prefetch
from django.utils import timezone

from . import diagnosis, eligibility
from .filters import CallFilter
from .models import Call, CallStatus, EligibilityRule, Funder, FunderRole, SelfDiagnosis, Track


def tracks_prefetch():
    return Prefetch(
        "tracks",
        queryset=Track.objects.unrestricted().prefetch_related(
            Prefetch("funders", queryset=Funder.objects.unrestricted().order_by("order", "pk")),
            "bonus_regions",
        ),
    )


def call_list(queryset):
    """Everything a call list row shows, in a constant number of queries."""
    return queryset.select_related("operator", "programme").prefetch_related(
        tracks_prefetch(), "eligible_regions", "eligible_sectors"
    )


def call_detail(queryset, pk):
    return (
        call_list(queryset)
        .prefetch_related("required_documents", "eligibility_rules__track")
        .filter(pk=pk)
        .first()
    )


def public_calls(params=None):
    """Open and upcoming announcements by default, filtered like the page asks."""
    data = dict(params or {})
    data.setdefault("phase", "current")
    filterset = CallFilter(data, queryset=call_list(Call.objects.public()))
    return filterset


def search_matches(criteria, call):
    """Whether a saved search would list this call now: the same FilterSet as the page."""
    data = {k: v for k, v in criteria.items() if not k.startswith("_")}
    filterset = CallFilter(data, queryset=Call.objects.public().filter(pk=call.pk))
    if not filterset.is_valid():
        return False
    return filterset.qs.exists()


def latest_diagnosis(company):
    return SelfDiagnosis.objects.unrestricted().filter(company=company).order_by("-created_at", "-pk").first()


def company_facts(company, *, estimate=None):
    """The recommendation's view of a company. With no official level on record (미구축), a recent
    self-diagnosis estimate stands in, marked as an estimate."""
    level = company.smart_factory_level
    is_estimate = False
    has = {
        "has_mes": company.has_mes,
        "has_erp": company.has_erp,
        "has_data_collection": company.has_data_collection,
    }
    if estimate is not None:
        level, is_estimate = estimate.estimated_level, True
        has = {k: has[k] or getattr(estimate, k, False) for k in has}
    return diagnosis.CompanyFacts(
        region=company.region_id,
        ksic_division=company.ksic_division_id,
        level=level,
        level_is_estimate=is_estimate,
        **has,
    )


def call_facts(call):
    tracks = []
    for track in call.tracks.all():
        central = next((f for f in track.funders.all() if f.role == FunderRole.CENTRAL_GOVERNMENT), None)
        tracks.append(
            diagnosis.TrackFacts(
                track_id=track.pk,
                level=track.level,
                minimum_current_level=track.minimum_current_level,
                allows_fast_track=track.allows_fast_track,
                bonus_regions=frozenset(r.code for r in track.bonus_regions.all()),
                max_central_amount=central.cap if central else None,
            )
        )
    return diagnosis.CallFacts(
        call_id=call.pk,
        eligible_regions=frozenset(r.code for r in call.eligible_regions.all()),
        eligible_sectors=frozenset(s.code for s in call.eligible_sectors.all()),
        closes_at=call.closes_at,
        delivery_model=call.delivery_model,
        tracks=tuple(tracks),
    )


def applicant_facts(company, track, *, today, level=None, has=None, restrictions=None):
    """What is known about a company before it applies: documents, suppliers, past support and
    declarations are not known yet, so those rules answer "needs review" rather than guess.
    `restrictions` (sanctions.selectors.restriction_facts) adds the built-in restriction check."""
    has = has or {}
    return eligibility.ApplicantFacts(
        today=today,
        target_level=track.level,
        employees=company.employees,
        annual_revenue=company.annual_revenue,
        ksic_division=company.ksic_division_id,
        region=company.region_id,
        has_production_facility=company.has_production_facility,
        current_level=level or company.smart_factory_level,
        has_mes=has.get("has_mes", company.has_mes),
        has_erp=has.get("has_erp", company.has_erp),
        has_data_collection=has.get("has_data_collection", company.has_data_collection),
        restrictions=restrictions,
    )


def rules_for_track(call, track):
    """The active rules that apply to a track. The track's own prerequisites (minimum current
    level, fast track) feed the `minimum_level` rule, so the two can never disagree; a rule that
    asks for a higher minimum than the track keeps it."""
    rules = []
    for rule in call.eligibility_rules.all():
        if not rule.is_active or rule.track_id not in (None, track.pk):
            continue
        params = dict(rule.params)
        if rule.kind == "minimum_level":
            order = eligibility.LEVEL_ORDER
            wanted = params.get("minimum", "none")
            if order.index(track.minimum_current_level) > order.index(wanted):
                params["minimum"] = track.minimum_current_level
            params["allow_fast_track"] = track.allows_fast_track
        rules.append((rule.kind, params))
    return rules


def recommendations(company, *, now=None, estimate=None, queryset=None):
    """Open and upcoming calls for a company, best first: (call, fit, eligibility results) tuples.

    The fit (region, sector, level step) comes from the pure `diagnosis.fit_for_call`; the call's
    own eligibility rules then run on what is known of the company, and a failed rule removes
    the call from the list of those it may apply to."""
    now = now or timezone.now()
    qs = queryset if queryset is not None else Call.objects.public()
    calls = list(
        call_list(
            qs.filter(status__in=(CallStatus.PUBLISHED, CallStatus.OPEN), closes_at__gt=now)
        ).prefetch_related(
            Prefetch(
                "eligibility_rules", queryset=EligibilityRule.objects.unrestricted().order_by("order", "pk")
            )
        )
    )
    facts = company_facts(company, estimate=estimate)
    from sanctions.selectors import restriction_facts

    restrictions = restriction_facts([(company.pk, company.name, "lead")], timezone.localdate(now))
    rows = []
    for call in calls:
        fit = diagnosis.fit_for_call(facts, call_facts(call), now=now)
        results = []
        track = next((t for t in call.tracks.all() if t.pk == fit.track_id), None)
        if track is not None:
            has = {k: getattr(facts, k) for k in ("has_mes", "has_erp", "has_data_collection")}
            applicant = applicant_facts(
                company,
                track,
                today=timezone.localdate(now),
                level=facts.level,
                has=has,
                restrictions=restrictions,
            )
            results = eligibility.evaluate_rules(rules_for_track(call, track), applicant)
        rows.append((call, fit, results))
    order = {id(f): i for i, f in enumerate(diagnosis.rank([fit for _c, fit, _r in rows]))}
    # A call whose own rules fail goes with the not-eligible ones, however well it fits.
    rows.sort(key=lambda row: (not is_recommendable(row[1], row[2]), order[id(row[1])]))
    return rows


def is_recommendable(fit, results):
    return fit.eligible and eligibility.overall(results) != eligibility.Outcome.FAIL
