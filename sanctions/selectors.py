"""Read helpers other apps call: the restriction facts eligibility runs on (pure rules decide)."""

from programs.eligibility import RestrictionFact

from .models import Restriction


def restriction_facts(companies, day):
    """RestrictionFacts for `companies` — (company_id, name, role) triples — that have not ended
    before `day`. A system read across tenants: a restriction applies to every operator's calls,
    and only who and until when reaches the result (never the reason)."""
    companies = list(companies)
    ids = {c[0] for c in companies}
    if not ids:
        return ()
    rows = (
        Restriction.objects.unrestricted()
        .filter(company_id__in=ids, ends_on__gte=day)
        .values_list("company_id", "starts_on", "ends_on", "lifted_on")
        .order_by("ends_on", "pk")
    )
    by_company = {}
    for company_id, starts_on, ends_on, lifted_on in rows:
        by_company.setdefault(company_id, []).append((starts_on, ends_on, lifted_on))
    facts = []
    for company_id, name, role in companies:
        for starts_on, ends_on, lifted_on in by_company.get(company_id, ()):
            facts.append(RestrictionFact(name, role, starts_on, ends_on, lifted_on))
    return tuple(facts)


def restricted_company_ids(day):
    """Companies under a restriction in force on `day`, as a subquery (system read across tenants:
    the effect applies to every tenant's calls and to the supplier search)."""
    return Restriction.objects.unrestricted().active_on(day).values("company_id")
